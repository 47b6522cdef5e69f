"""The ``random`` baseline: well-formed envelopes around random characters. The floor of every table.

Its responses always parse as far as the envelope goes, so its score separates "knows the format" from "knows the
answer": proposals fail validation and answers are wrong unless chance says otherwise.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from agents.base import AgentContext
from agents.baselines.answers import INDUCTION_INPUTS, propose_response, solve_response
from agents.registry import register_agent

_ALPHABET = list(string.ascii_letters + string.digits + " ()[]+-*,:'")


class RandomAgent:
    """Answers every prompt with random characters inside the right fenced blocks."""

    def __init__(self, context: AgentContext, max_chars: int = 16) -> None:
        """Create the agent; ``max_chars`` bounds the length of each random block."""
        self.rng = np.random.default_rng(context.seed)
        self.max_chars = max_chars

    def _text(self) -> str:
        size = int(self.rng.integers(1, self.max_chars + 1))
        return "".join(self.rng.choice(_ALPHABET, size=size))

    def _respond(self, info: Mapping[str, Any]) -> str:
        task_type = str(info.get("task_type", ""))
        if info.get("role") == "propose":
            inputs = [self._text() for _ in range(INDUCTION_INPUTS)]
            return propose_response(task_type, self._text(), inputs, self._text())
        return solve_response(task_type, self._text())

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return one random well-formed response per observation."""
        return [self._respond(info) for info in infos]


register_agent("random")(RandomAgent)
