"""``AZRVectorEnv``: one executor batch per task type per step, one solver call, NEXT_STEP autoreset."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest

import azr_env  # noqa: F401 - registers the ids
from azr_env.env import AbsoluteZeroEnv
from azr_env.errors import ConfigError
from azr_env.vector import AZRVectorEnv, stack_infos

from .support import CountingExecutor, answer, correct_answer

SETTINGS = {"task_types": ("echo-test",), "n_solve_samples": 2, "k_references": 2}


def make_vec(executor: CountingExecutor, num_envs: int = 6, **overrides: object) -> AZRVectorEnv:
    return AZRVectorEnv(num_envs, executor=executor, **{**SETTINGS, **overrides})  # type: ignore[arg-type]


def scripted(observations: tuple[str, ...]) -> list[str]:
    """Answer solver prompts correctly and propose a number elsewhere."""
    return [correct_answer(o) if "what is f(" in o else answer(10 + i) for i, o in enumerate(observations)]


def test_a_step_makes_one_executor_call_per_kind_whatever_the_batch(fake_executor: CountingExecutor) -> None:
    envs = make_vec(fake_executor)
    observations, _ = envs.reset(seed=0, options={"role": ["propose", "solve"] * 3})
    fake_executor.calls.clear()
    envs.step(scripted(observations))
    assert fake_executor.calls == [("validate_many", 3), ("run_many", 3)]


def test_the_solver_is_called_once_per_step(fake_executor: CountingExecutor) -> None:
    seen: list[int] = []

    def solver(requests):  # type: ignore[no-untyped-def]
        seen.append(len(requests))
        return [correct_answer(r.prompt.user) for r in requests]

    envs = make_vec(fake_executor, solver=solver)
    observations, _ = envs.reset(seed=0, options={"role": "propose"})
    _, rewards, terminated, _, infos = envs.step(scripted(observations))
    assert seen == [6 * 2]
    assert terminated.all() and (rewards == 0.0).all()  # always solved: learnability 0
    assert infos["solve_rate"].tolist() == [1.0] * 6


def test_sub_env_i_plays_what_a_single_env_seeded_seed_plus_i_plays(fake_executor: CountingExecutor) -> None:
    observations, _ = make_vec(fake_executor, num_envs=4).reset(seed=10)
    singles = [AbsoluteZeroEnv(executor=fake_executor, **SETTINGS).reset(seed=10 + i)[0] for i in range(4)]  # type: ignore[arg-type]
    assert list(observations) == singles


def test_per_env_options_and_info_masks(fake_executor: CountingExecutor) -> None:
    envs = make_vec(fake_executor, num_envs=3)
    _, infos = envs.reset(seed=0, options={"role": ["propose", None, "solve"], "task_type": "echo-test"})
    assert infos["role"][0] == "propose" and infos["role"][2] == "solve"
    assert infos["_role"].all()
    assert set(infos["reward_components"]) == {"solve", "propose", "_solve", "_propose"}


def test_wrong_number_of_option_values_is_refused(fake_executor: CountingExecutor) -> None:
    with pytest.raises(ConfigError, match="2 values for 3"):
        make_vec(fake_executor, num_envs=3).reset(options={"role": ["solve", "solve"]})


def test_next_step_autoreset_ignores_the_action_and_returns_a_fresh_episode(fake_executor: CountingExecutor) -> None:
    envs = make_vec(fake_executor, num_envs=2)
    envs.reset(seed=0, options={"role": "solve"})
    _, _, terminated, _, _ = envs.step(["junk", "junk"])
    assert terminated.all()
    _observations, rewards, terminated, _, infos = envs.step(["ignored", "ignored"])
    assert not terminated.any() and (rewards == 0.0).all()
    assert list(infos["outcome"]) == ["", ""]


def test_vector_episodes_are_deterministic_under_a_seed(fake_executor: CountingExecutor) -> None:
    def run() -> list[object]:
        envs = make_vec(CountingExecutor(), num_envs=4)
        observations, _ = envs.reset(seed=3)
        out: list[object] = [observations]
        for _ in range(6):
            observations, rewards, terminated, _, infos = envs.step(scripted(observations))
            out += [observations, rewards.tolist(), terminated.tolist(), repr(infos)]
        return out

    assert run() == run()


def test_rewards_are_a_float_array(fake_executor: CountingExecutor) -> None:
    envs = make_vec(fake_executor, num_envs=2)
    observations, _ = envs.reset(seed=0)
    _, rewards, _, _, _ = envs.step(scripted(observations))
    assert rewards.dtype == np.float64


def test_make_vec_builds_the_batched_vector_env(fake_executor: CountingExecutor) -> None:
    envs = gymnasium.make_vec(
        "azr_env/AbsoluteZero-v5",
        num_envs=3,
        vectorization_mode="vector_entry_point",
        executor=fake_executor,
        **SETTINGS,
    )
    assert isinstance(envs, AZRVectorEnv) and envs.num_envs == 3


def test_stack_infos_matches_gymnasiums_add_info(fake_executor: CountingExecutor) -> None:
    infos = [
        {"a": 1.5, "s": "x", "d": {"k": 2}, "lst": [1]},
        {"s": "y", "flag": True},
        {"a": 2.0, "d": {"k": 3, "j": "z"}},
    ]
    envs = make_vec(fake_executor, num_envs=3)
    expected: dict[str, object] = {}
    for i, info in enumerate(infos):
        expected = envs._add_info(expected, info, i)
    assert repr(stack_infos(infos)) == repr(expected)


def test_one_new_task_proposed_twice_in_a_step_is_paid_once(fake_executor: CountingExecutor) -> None:
    def solver(requests):  # type: ignore[no-untyped-def]
        return [correct_answer(r.prompt.user) if r.index == 0 else "junk" for r in requests]

    envs = make_vec(fake_executor, num_envs=3, solver=solver)
    envs.reset(seed=0, options={"role": "propose"})
    _, rewards, _, _, infos = envs.step([answer(41), answer(41), answer(42)])
    assert list(infos["outcome"]) == ["valid", "invalid", "valid"]
    assert rewards[0] == rewards[2] > 0 > rewards[1]
