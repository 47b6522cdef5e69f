"""``EnvConfig`` validation: each rule raises ``ConfigError`` saying why."""

from __future__ import annotations

import dataclasses

import pytest

from azr_env.config import EnvConfig, resolve_config
from azr_env.errors import ConfigError

from . import support  # noqa: F401 - registers echo-test


def test_unknown_task_type_suggests_the_close_name() -> None:
    with pytest.raises(ConfigError, match="did you mean 'echo-test'"):
        EnvConfig(task_types=("echo-tset",))


def test_a_bare_string_of_task_types_is_refused() -> None:
    with pytest.raises(ConfigError, match="sequence of names"):
        EnvConfig(task_types="echo-test")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("task_weights", (1.0, 2.0), "one weight per task type"),
        ("task_weights", (0.0,), "not all zero"),
        ("n_solve_samples", 0, "at least one attempt"),
        ("propose_prob", 1.5, "probability"),
        ("prompt_format", "xml", "'r1' or 'chat'"),
        ("timeout_s", 0, "positive"),
        ("seed_file", "/nonexistent/seed.jsonl", "not a file"),
    ],
)
def test_invalid_values_are_refused_with_the_reason(field: str, value: object, why: str) -> None:
    with pytest.raises(ConfigError, match=why):
        EnvConfig(task_types=("echo-test",), **{field: value})  # type: ignore[arg-type]


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        EnvConfig(task_types=("echo-test",)).n_solve_samples = 3  # type: ignore[misc]


def test_unknown_override_suggests_the_field() -> None:
    with pytest.raises(ConfigError, match="did you mean 'n_solve_samples'"):
        resolve_config(None, {"n_solve_sample": 3})


def test_weights_are_normalized() -> None:
    config = EnvConfig(task_types=("echo-test", "deduction"), task_weights=(1, 3))
    assert config.type_probabilities() == (0.25, 0.75)
