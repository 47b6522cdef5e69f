"""Wrappers: statistics by role and type, JSONL trajectories, chat-message observations."""

from __future__ import annotations

import json
from pathlib import Path

from azr_env.env import AbsoluteZeroEnv
from azr_env.wrappers import ChatObservation, EpisodeStatistics, TrajectoryRecorder

from .support import CountingExecutor, answer, correct_answer


def make_env(executor: CountingExecutor) -> AbsoluteZeroEnv:
    return AbsoluteZeroEnv(executor=executor, task_types=("echo-test",), n_solve_samples=2, k_references=1)


def test_statistics_by_role_and_type(fake_executor: CountingExecutor) -> None:
    env = EpisodeStatistics(make_env(fake_executor))
    env.reset(seed=0, options={"role": "propose"})
    env.step("not a proposal")
    env.reset(seed=1, options={"role": "propose"})
    observation, *_ = env.step(answer(5))
    env.step(correct_answer(observation))
    _, _, terminated, _, info = env.step(answer(-3))  # wrong: solve rate 1/2, learnability 0.5
    assert terminated
    assert info["episode"] == {"return": 1.0 - 0.5 + 0.5, "length": 3, "role": "propose", "task_type": "echo-test"}
    assert (
        info["statistics"]
        == env.statistics()
        == {
            "propose/echo-test/count": 2,
            "propose/echo-test/mean_reward": (-1.0 + 0.5) / 2,
            "propose/echo-test/valid_rate": 0.5,
            "solve/echo-test/accuracy": 0.5,
            "solve/echo-test/count": 2,
            "solve/echo-test/mean_reward": (1.0 - 0.5) / 2,
        }
    )


def test_recorder_writes_one_line_per_step_at_episode_end(fake_executor: CountingExecutor, tmp_path: Path) -> None:
    path = tmp_path / "runs" / "trajectory.jsonl"
    env = TrajectoryRecorder(make_env(fake_executor), path)
    first_observation, _ = env.reset(seed=0, options={"role": "propose"})
    observation, *_ = env.step(answer(5))
    assert not path.exists()  # the episode is not over yet
    env.step(correct_answer(observation))
    env.step(correct_answer(observation))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(r["episode"], r["step"]) for r in lines] == [(0, 0), (0, 1), (0, 2)]
    assert lines[0]["observation"] == first_observation and lines[0]["action"] == answer(5)
    assert lines[-1]["terminated"] and lines[-1]["info"]["reward_components"]["propose"] == 0.0
    env.close()


def test_chat_observation_gives_system_and_user_messages(fake_executor: CountingExecutor) -> None:
    env = ChatObservation(make_env(fake_executor))
    messages, _ = env.reset(seed=0, options={"role": "solve"})
    assert messages == [
        {"role": "system", "content": "echo system"},
        {"role": "user", "content": "what is f(0)?"},
    ]
    assert messages in env.observation_space


def test_statistics_over_a_vector_env_skip_autoreset_infos(fake_executor: CountingExecutor) -> None:
    from gymnasium.wrappers.vector import DictInfoToList

    from azr_env.vector import AZRVectorEnv
    from azr_env.wrappers import RoleTypeStats

    envs = DictInfoToList(AZRVectorEnv(2, executor=fake_executor, task_types=("echo-test",)))
    envs.reset(seed=0, options={"role": "solve"})
    stats = RoleTypeStats()
    for _ in range(2):  # one judged step, then one autoreset step
        observations = envs.unwrapped.tasks
        _, _, _, _, infos = envs.step([answer(int(t.inputs[0])) if t else "" for t in observations])
        for info in infos:
            stats.update(info)
    assert stats.as_dict() == {
        "solve/echo-test/accuracy": 1.0,
        "solve/echo-test/count": 2,
        "solve/echo-test/mean_reward": 1.0,
    }
