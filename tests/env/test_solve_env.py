"""``SolveEnv``: one-step solve episodes over a suite, in a seeded order or by index."""

from __future__ import annotations

import pytest

from azr_env.errors import ConfigError
from azr_env.solve_env import SolveEnv
from azr_env.suites import Suite
from azr_env.tasks.base import Task

from .support import IDENTITY, CountingExecutor, answer

SUITE = Suite(
    name="echo-suite",
    version=2,
    tasks=tuple(Task("echo-test", IDENTITY, (str(n),), (str(n),)) for n in range(6)),
    source="test",
    license="MIT",
    description="integers",
)


def make_env(executor: CountingExecutor) -> SolveEnv:
    return SolveEnv(suite=SUITE, executor=executor, task_types=("echo-test",))


def order(env: SolveEnv, seed: int) -> list[int]:
    indices = [env.reset(seed=seed)[1]["index"]]
    return indices + [env.reset()[1]["index"] for _ in range(len(SUITE.tasks) - 1)]


def test_a_seed_gives_a_fixed_permutation_of_the_suite(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    assert order(env, 1) == order(make_env(fake_executor), 1)
    assert sorted(order(env, 1)) == list(range(6))


def test_index_option_picks_the_task_and_info_names_the_suite(fake_executor: CountingExecutor) -> None:
    observation, info = make_env(fake_executor).reset(options={"index": 4})
    assert "what is f(4)?" in observation
    assert (info["suite"], info["suite_version"], info["index"]) == ("echo-suite@2", 2, 4)


def test_a_step_verifies_and_terminates(fake_executor: CountingExecutor) -> None:
    env = make_env(fake_executor)
    env.reset(options={"index": 3})
    _, reward, terminated, _, info = env.step(answer(3))
    assert (reward, terminated, info["outcome"], info["index"]) == (1.0, True, "correct", 3)


def test_out_of_range_index_is_refused(fake_executor: CountingExecutor) -> None:
    with pytest.raises(ConfigError, match=r"\[0, 6\)"):
        make_env(fake_executor).reset(options={"index": 6})
