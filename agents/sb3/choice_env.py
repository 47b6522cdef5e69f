"""``ChoiceEnv``: the text env as a ``Discrete(K)`` choice among K candidate answers, for SB3 PPO and A2C.

At each reset the wrapped env shows a solve prompt; the wrapper finds the task behind ``info["task_id"]``
(``lookup``; by default the suite of a ``SolveEnv`` or the buffer of an ``AbsoluteZeroEnv``), builds the gold answer
and ``K - 1`` wrong ones proven wrong with the executor (:mod:`agents.sb3.candidates`), and shuffles them with the
env's RNG (``np_random``, seeded by ``reset(seed=...)``). Observation: ``Box(0, V-1, (prompt_len + K *
choice_len,), float32)`` byte ids: the prompt's tail, then each candidate's head. Action ``i`` submits candidate
``i`` wrapped in the task type's answer envelope; the episode ends with the wrapped env's reward.
``info["correct_choice"]`` names the right index (for tests and diagnostics; a policy never sees ``info``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from agents.base import TaskLookup
from agents.baselines.answers import solve_response
from agents.sb3.candidates import candidates
from agents.sb3.vocab import VOCAB_SIZE, encode, fit
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import Task


def env_lookup(env: gym.Env[Any, Any]) -> TaskLookup:
    """Return a lookup over the tasks the wrapped env knows: a suite's items, or the shared buffer."""
    base = env.unwrapped
    suite = getattr(base, "suite", None)
    if suite is not None:
        return {task.task_id: task for task in suite.tasks}.get
    buffer = getattr(base, "buffer", None)
    if buffer is not None:
        return lambda task_id: buffer.get(task_id) if task_id in buffer else None
    raise ConfigError("ChoiceEnv needs a lookup: the wrapped env has neither a suite nor a buffer")


class ChoiceEnv(gym.Wrapper[Any, Any, Any, Any]):
    """Choose one of K executor-checked candidate answers; see the module docstring."""

    def __init__(
        self,
        env: gym.Env[str, str],
        executor: ExecutorBackend,
        *,
        k: int = 4,
        prompt_len: int = 128,
        choice_len: int = 32,
        lookup: TaskLookup | None = None,
        reset_options: Mapping[str, Any] | None = None,
    ) -> None:
        """Wrap ``env``; candidates are computed with ``executor``; ``reset_options`` apply to option-less resets."""
        super().__init__(env)
        if k < 2:
            raise ConfigError("k must be >= 2: a choice among fewer than two answers is no choice")
        self.executor, self.k = executor, k
        self.prompt_len, self.choice_len = prompt_len, choice_len
        self.lookup: Callable[[str], Task | None] = lookup or env_lookup(env)
        self.reset_options = dict(reset_options or {})
        self.observation_space = gym.spaces.Box(0, VOCAB_SIZE - 1, (prompt_len + k * choice_len,), np.float32)
        self.action_space = gym.spaces.Discrete(k)
        self._choices: list[str] = []
        self._info: dict[str, Any] = {}

    def observe(self, prompt: str, choices: list[str]) -> np.ndarray:
        """Return the observation vector of a prompt and its candidates."""
        parts = [fit(encode(prompt), self.prompt_len, keep_tail=True)]
        parts += [fit(encode(choice), self.choice_len, keep_tail=False) for choice in choices]
        return np.concatenate(parts)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Reset the wrapped env, then build and shuffle the candidates of its task."""
        text, info = self.env.reset(seed=seed, options=options if options is not None else dict(self.reset_options))
        task = self.lookup(str(info.get("task_id", "")))
        if task is None:
            raise ConfigError(f"ChoiceEnv cannot find task {info.get('task_id')!r}; pass a lookup that knows it")
        self._choices, correct = candidates(task, self.executor, self.k, self.np_random)
        self._info = {**info, "correct_choice": correct}
        return self.observe(text, self._choices), dict(self._info)

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Submit candidate ``action``; the episode ends with the wrapped env's reward."""
        response = solve_response(str(self._info.get("task_type", "")), self._choices[int(action)])
        text, reward, _, truncated, info = self.env.step(response)
        obs = self.observe(text, self._choices)
        return obs, float(reward), True, bool(truncated), {**info, "correct_choice": self._info["correct_choice"]}
