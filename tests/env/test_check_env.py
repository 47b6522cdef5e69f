"""Every registered azr_env id passes Gymnasium's env checker, without warnings."""

from __future__ import annotations

import warnings

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import azr_env  # noqa: F401 - registers the ids

ENV_IDS = sorted(env_id for env_id in gymnasium.registry if env_id.startswith("azr_env/"))


def test_both_ids_are_registered() -> None:
    assert ENV_IDS == ["azr_env/AbsoluteZero-v0", "azr_env/Solve-v0"]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes(env_id: str) -> None:
    # The checker re-makes the env from its spec, which deep-copies the kwargs: so no injected executor here,
    # each env starts (and closes) its own one-worker pool.
    env = gymnasium.make(env_id, executor_workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()
