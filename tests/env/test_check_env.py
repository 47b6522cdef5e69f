"""Every registered azr_env id passes Gymnasium's env checker, without warnings."""

from __future__ import annotations

import warnings

import gymnasium
import pytest
from gymnasium.utils.env_checker import check_env

import azr_env  # noqa: F401 - registers the ids

ENV_IDS = sorted(env_id for env_id in gymnasium.registry if env_id.startswith("azr_env/"))


def test_both_ids_are_registered() -> None:
    assert ENV_IDS == ["azr_env/AbsoluteZero-v5", "azr_env/Solve-v5"]


@pytest.mark.parametrize("version", ["v0", "v1", "v2", "v3", "v4"])
@pytest.mark.parametrize("name", ["AbsoluteZero", "Solve"])
def test_an_old_id_points_to_the_current_one(name: str, version: str) -> None:
    """Verification semantics changed (v1: data answers; v2: headroom, leak check; v3: induction seeds, copies;
    v4: stalled reruns, copies within a step; v5: address layouts in validation): no alias."""
    old, new = f"{name}-{version}", f"{name}-v5"
    with pytest.raises(gymnasium.error.DeprecatedEnv, match=f"azr_env/{new}"):
        gymnasium.make(f"azr_env/{old}")


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes(env_id: str) -> None:
    # The checker re-makes the env from its spec, which deep-copies the kwargs: so no injected executor here,
    # each env starts (and closes) its own one-worker pool.
    env = gymnasium.make(env_id, executor_workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()


def test_check_env_passes_for_solve_over_an_in_memory_suite() -> None:
    from azr_env.suites import Suite
    from azr_env.tasks.base import Task

    program = "def f(xs):\n    return sorted(xs)[::-1]\n"
    tasks = tuple(Task("deduction", program, (f"[{n}, 1, 5]",), (repr(sorted([n, 1, 5])[::-1]),)) for n in range(3))
    suite = Suite("tiny", 1, tasks, source="test", license="MIT", description="three sorts")
    env = gymnasium.make("azr_env/Solve-v5", suite=suite, executor_workers=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_env(env.unwrapped)
    env.close()
