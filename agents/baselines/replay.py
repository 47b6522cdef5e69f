"""The ``replay`` baseline: proposes buffer programs with fresh inputs, and answers with trivial guesses.

Proposals copy a program from the env's buffer (through ``AgentContext.buffer_tasks``) and mutate the literals of
one of its stored inputs, so they are usually valid but add nothing new. Answers are the identity guess: deduction
answers with the input it is shown, abduction with the output it is shown, induction with ``def f(x): return x``.
It reads the shown blocks from the observation with the tasks' own parsing helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from agents.base import AgentContext
from agents.baselines.answers import INDUCTION_INPUTS, propose_response, solve_response
from agents.baselines.inputs import fresh_inputs, mutate_input
from agents.registry import register_agent
from azr_env.tasks.base import Task
from azr_env.tasks.parsing import fenced_blocks

IDENTITY = "def f(x):\n    return x"
_ECHO_BLOCK = {"deduction": "input", "abduction": "output"}


def _last_block(text: str, tag: str, default: str) -> str:
    blocks = fenced_blocks(text, tag)
    return blocks[-1] if blocks else default


class ReplayAgent:
    """Copies buffer programs when proposing and echoes what it is shown when solving."""

    def __init__(self, context: AgentContext) -> None:
        """Create the agent; it reads buffer tasks through ``context.buffer_tasks``."""
        self.context = context
        self.rng = np.random.default_rng(context.seed)

    def _pick(self, task_type: str) -> Task | None:
        tasks = self.context.buffer_tasks(task_type)
        return tasks[int(self.rng.integers(0, len(tasks)))] if tasks else None

    def _propose(self, observation: str, task_type: str) -> str:
        if task_type == "induction":
            program = _last_block(observation, "python", IDENTITY)
            known = [t for t in self.context.buffer_tasks(task_type) if t.program.strip() == program.strip()]
            seed_input = known[0].inputs[0] if known else "1"
            inputs = fresh_inputs(seed_input, INDUCTION_INPUTS, self.rng)
            return propose_response(task_type, program, inputs, "Try a few values and compare.")
        task = self._pick(task_type)
        program, seed_input = (task.program, task.inputs[0]) if task else (IDENTITY, "1")
        return propose_response(task_type, program, [mutate_input(seed_input, self.rng)])

    def _solve(self, observation: str, task_type: str) -> str:
        tag = _ECHO_BLOCK.get(task_type)
        guess = _last_block(observation, tag, "0") if tag else IDENTITY
        return solve_response(task_type, guess)

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return one replayed proposal or trivial guess per observation."""
        out = []
        for obs, info in zip(observations, infos, strict=True):
            task_type = str(info.get("task_type", ""))
            out.append(self._propose(obs, task_type) if info.get("role") == "propose" else self._solve(obs, task_type))
        return out


register_agent("replay")(ReplayAgent)
