"""``ChatObservation``: observations as chat messages (system + user) for instruct models' chat templates."""

from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym

from azr_env.spaces import PROMPT_MAX_CHARS, ChatMessages, Message
from azr_env.tasks.base import Prompt
from azr_env.tasks.prompts import render_messages


class ChatObservation(gym.Wrapper[list[Message], Any, Any, Any]):
    """Replace the text observation by ``[{"role": "system", ...}, {"role": "user", ...}]`` of the same prompt.

    Works with either ``prompt_format``; reads the current prompt from the wrapped env's ``prompt`` attribute.
    """

    def __init__(self, env: gym.Env[Any, Any]) -> None:
        """Wrap an azr-env env (``AbsoluteZeroEnv`` or ``SolveEnv``)."""
        super().__init__(env)
        self.observation_space = ChatMessages(PROMPT_MAX_CHARS)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[list[Message], dict[str, Any]]:
        """Reset the env; the observation is the prompt's messages."""
        _, info = self.env.reset(seed=seed, options=options)
        return self._messages(), info

    def step(self, action: Any) -> tuple[list[Message], SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env; the observation is the next prompt's messages."""
        _, reward, terminated, truncated, info = self.env.step(action)
        return self._messages(), reward, terminated, truncated, info

    def _messages(self) -> list[Message]:
        prompt: Prompt = self.env.get_wrapper_attr("prompt")
        return render_messages(prompt)
