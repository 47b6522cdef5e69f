"""Gymnasium's own vector envs work over ``gymnasium.make("azr_env/AbsoluteZero-v5")``."""

from __future__ import annotations

import gymnasium

import azr_env  # noqa: F401 - registers the ids

ENV_ID = "azr_env/AbsoluteZero-v5"
JUNK = ("no answer", "no answer")


def test_sync_vector_env_shares_an_injected_executor(executor: object) -> None:
    envs = gymnasium.vector.SyncVectorEnv([lambda: gymnasium.make(ENV_ID, executor=executor)] * 2)
    observations, infos = envs.reset(seed=0)
    _, rewards, terminated, _, infos = envs.step(JUNK)
    assert len(observations) == 2 and terminated.all() and (rewards == -1.0).all()
    assert list(infos["outcome"]) == ["format_error"] * 2
    envs.close()


def make_in_subprocess() -> gymnasium.Env[str, str]:
    import gymnasium

    return gymnasium.make("azr_env:azr_env/AbsoluteZero-v5", executor_workers=1)


def test_async_vector_env_builds_each_env_in_its_own_process() -> None:
    # Text observations cannot live in Gymnasium's fixed-size shared memory.
    envs = gymnasium.vector.AsyncVectorEnv([make_in_subprocess] * 2, context="spawn", shared_memory=False)
    envs.reset(seed=0)
    _, rewards, terminated, _, _ = envs.step(JUNK)
    assert terminated.all() and (rewards == -1.0).all()
    envs.close()
