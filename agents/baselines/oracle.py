"""The ``oracle`` baseline: exact answers and known-valid proposals. The ceiling, and a check on the env's rewards.

What it needs, given explicitly through :class:`~agents.base.AgentContext`:

- ``lookup``: maps ``info["task_id"]`` to the task being solved (the harness passes the suite's items and the env's
  buffer). Without it the oracle cannot answer and says so in its ``<think>`` text.
- ``problems``: the same for a solve-only type's problem (code generation, math), answered with its task type's
  ``reference_answer`` (HumanEval's canonical solution, the gold number).
- ``executor``: deduction answers are recomputed by running the task's program on its input in the sandbox (so a
  wrong stored label would show up as a failed oracle); induction proposals check their inputs run.
- ``buffer_tasks``: for induction proposals on programs outside its library, the stored inputs it mutates.

Solving: deduction answers ``f(input)`` from the executor, abduction answers the task's own input, induction answers
the task's program. Proposing: a program from :mod:`agents.baselines.programs` with freshly drawn inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from agents.base import AgentContext
from agents.baselines.answers import INDUCTION_INPUTS, propose_response, solve_format, solve_response
from agents.baselines.inputs import fresh_inputs
from agents.baselines.programs import LIBRARY, library_inputs
from agents.registry import register_agent
from azr_env.tasks import get_solve_type
from azr_env.tasks.base import Task
from azr_env.tasks.parsing import fenced_blocks

_MESSAGE = "Compare the outputs of neighbouring inputs."


class OracleAgent:
    """Answers from the task itself and proposes programs known to validate."""

    def __init__(self, context: AgentContext) -> None:
        """Create the oracle from a context that carries ``lookup`` (and ideally ``executor``)."""
        self.context = context
        self.rng = np.random.default_rng(context.seed)

    def _deduction_outputs(self, tasks: Sequence[Task]) -> list[str]:
        executor = self.context.executor
        if executor is None or not tasks:
            return [t.outputs[0] for t in tasks]
        results = executor.run_many([(t.program, t.inputs[0]) for t in tasks])
        return [
            r.output if r.ok and r.output is not None else t.outputs[0] for r, t in zip(results, tasks, strict=True)
        ]

    def _solve_all(self, infos: Sequence[Mapping[str, Any]]) -> list[str]:
        tasks = [self.context.lookup(str(info.get("task_id", ""))) for info in infos]
        deduction = [t for t in tasks if t is not None and t.task_type == "deduction"]
        computed = dict(zip((t.task_id for t in deduction), self._deduction_outputs(deduction), strict=True))
        out = []
        for info, task in zip(infos, tasks, strict=True):
            task_type = str(info.get("task_type", ""))
            if task is None:
                out.append(self._reference(str(info.get("task_id", "")), task_type))
                continue
            answer = computed.get(task.task_id) or solve_format(task.task_type).gold(task)
            out.append(solve_response(task_type, answer, thought="oracle"))
        return out

    def _reference(self, task_id: str, task_type: str) -> str:
        """A solve-only problem's reference answer, or a wrong placeholder when there is none."""
        problem = self.context.problems(task_id)
        region = get_solve_type(problem.task_type).reference_answer(problem) if problem is not None else None
        if region is None:
            return solve_response(task_type, "None", thought="oracle: task not found by lookup")
        return f"<think>oracle</think>\n<answer>\n{region}\n</answer>"

    def _induction_inputs(self, program: str) -> list[str]:
        generator = library_inputs(program)
        if generator is not None:
            drawn = {generator(self.rng): None for _ in range(INDUCTION_INPUTS * 4)}
            return list(drawn)[:INDUCTION_INPUTS]
        stored = [
            t.inputs[0]
            for name in ("deduction", "abduction", "induction")
            for t in self.context.buffer_tasks(name)
            if t.program.strip() == program.strip()
        ]
        candidates = fresh_inputs(stored[0] if stored else "1", INDUCTION_INPUTS * 3, self.rng)
        if self.context.executor is not None:
            results = self.context.executor.run_many([(program, c) for c in candidates])
            candidates = [c for c, r in zip(candidates, results, strict=True) if r.ok]
        return (list(dict.fromkeys([*stored, *candidates])))[:INDUCTION_INPUTS]

    def _propose(self, observation: str, task_type: str) -> str:
        if task_type == "induction":
            blocks = fenced_blocks(observation, "python")
            program = blocks[-1] if blocks else LIBRARY[0].source
            return propose_response(task_type, program, self._induction_inputs(program), _MESSAGE)
        known = LIBRARY[int(self.rng.integers(0, len(LIBRARY)))]
        return propose_response(task_type, known.source, [known.make_input(self.rng)])

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return exact answers for solve prompts and known-valid proposals for propose prompts."""
        solving = [i for i, info in enumerate(infos) if info.get("role") != "propose"]
        answers = dict(zip(solving, self._solve_all([infos[i] for i in solving]), strict=True))
        return [
            answers[i] if i in answers else self._propose(obs, str(info.get("task_type", "")))
            for i, (obs, info) in enumerate(zip(observations, infos, strict=True))
        ]


register_agent("oracle")(OracleAgent)
