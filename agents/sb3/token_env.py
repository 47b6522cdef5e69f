"""``TokenEnv``: the text env as a token-level MDP that classic RL algorithms (SB3 PPO, A2C) accept.

Observation: ``Box(0, V-1, (prompt_len + answer_len,), float32)`` of byte-level token ids (vocabulary in
:mod:`agents.sb3.vocab`, ``V = 258``): the last ``prompt_len`` bytes of the prompt (left-padded), then the answer
generated so far (right-padded). Action: ``Discrete(V)``, one token per step. Emitting the end id (or the pad id)
or reaching ``answer_len`` tokens submits the answer: the text is wrapped into the envelope the task type expects
(``formatter``; by default the solver's answer block of ``info["task_type"]``) and sent to the wrapped env in one
step. Intermediate steps give reward 0; the submission step gives the wrapped env's reward. If the wrapped episode
goes on (a self-play proposal followed by its solve steps), the next prompt starts a fresh answer.

Floats hold the ids because SB3 one-hot encodes ``MultiDiscrete`` (``L * V`` inputs, ten times slower in measurements).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import gymnasium as gym
import numpy as np

from agents.baselines.answers import solve_response
from agents.sb3.vocab import EOS, PAD, VOCAB_SIZE, decode, encode, fit

Formatter = Callable[[str, Mapping[str, Any]], str]


def solve_formatter(content: str, info: Mapping[str, Any]) -> str:
    """Wrap ``content`` as a solver answer for ``info["task_type"]``."""
    return solve_response(str(info.get("task_type", "")), content)


class TokenEnv(gym.Wrapper[Any, Any, Any, Any]):
    """One token per step over a text env; see the module docstring."""

    def __init__(
        self,
        env: gym.Env[str, str],
        *,
        prompt_len: int = 192,
        answer_len: int = 16,
        formatter: Formatter = solve_formatter,
        reset_options: Mapping[str, Any] | None = None,
    ) -> None:
        """Wrap ``env``; ``reset_options`` are passed to every reset that gives none (e.g. ``{"role": "solve"}``)."""
        super().__init__(env)
        self.prompt_len, self.answer_len = prompt_len, answer_len
        self.formatter = formatter
        self.reset_options = dict(reset_options or {})
        self.observation_space = gym.spaces.Box(0, VOCAB_SIZE - 1, (prompt_len + answer_len,), np.float32)
        self.action_space = gym.spaces.Discrete(VOCAB_SIZE)
        self._prompt: list[int] = []
        self._answer: list[int] = []
        self._info: dict[str, Any] = {}

    def observe(self, prompt_ids: list[int], answer_ids: list[int]) -> np.ndarray:
        """Return the observation vector of a prompt and a partial answer."""
        head = fit(prompt_ids, self.prompt_len, keep_tail=True)
        return np.concatenate([head, fit(answer_ids, self.answer_len, keep_tail=False)])

    def _start(self, text: str, info: Mapping[str, Any]) -> np.ndarray:
        self._prompt, self._answer, self._info = encode(text), [], dict(info)
        return self.observe(self._prompt, self._answer)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict]:
        """Reset the wrapped env and show its prompt with an empty answer."""
        text, info = self.env.reset(seed=seed, options=options if options is not None else dict(self.reset_options))
        return self._start(text, info), dict(info)

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Append one token; submit the answer on the end id, the pad id or a full answer."""
        token = int(action)
        if token not in (EOS, PAD):
            self._answer.append(token)
            if len(self._answer) < self.answer_len:
                return self.observe(self._prompt, self._answer), 0.0, False, False, {}
        response = self.formatter(decode(self._answer), self._info)
        text, reward, terminated, truncated, info = self.env.step(response)
        info = {**info, "answer": decode(self._answer)}
        return self._start(text, info), float(reward), bool(terminated), bool(truncated), info
