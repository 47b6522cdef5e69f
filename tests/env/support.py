"""Test doubles for episode mechanics: a tiny registered task type and an executor that counts its calls.

``echo-test``: a proposal is an envelope whose answer holds one fenced ``input`` block with an integer N (the task
is the identity program on N); an answer is correct when it holds the same block again (see ``answer``). The fake
executor labels integer literals without running anything, so these tests exercise only the env's own code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np

from azr_env.executor.result import ExecStatus, ExecutionResult, ValidationResult
from azr_env.tasks.base import (
    Answer,
    Outcome,
    ParseFailure,
    Prompt,
    Proposal,
    ProposalCheck,
    ProposalContext,
    Task,
    TaskType,
    Verdict,
)
from azr_env.tasks.examples import ConformanceExamples
from azr_env.tasks.registry import get_task_type, register_task_type

IDENTITY = "def f(x):\n    return x\n"
_INTEGER = re.compile(r"-?\d{1,9}")


def answer(n: int) -> str:
    """The echo-test text for the integer ``n`` (a proposal or an answer)."""
    return f"<think>echo</think>\n<answer>\n```input\n{n}\n```\n</answer>"


class CountingExecutor:
    """An ``ExecutorBackend`` double: integer literals are valid and evaluate to themselves; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.closed = False

    def _label(self, expr: str) -> tuple[ExecStatus, str | None]:
        if re.fullmatch(r"-?\d{1,9}", expr):
            return ExecStatus.OK, str(int(expr))
        return ExecStatus.BAD_INPUT, None

    def run_many(self, jobs: Sequence[tuple[str, str]]) -> list[ExecutionResult]:
        self.calls.append(("run_many", len(jobs)))
        return [ExecutionResult(*self._label(expr)) for _, expr in jobs]

    def validate_many(self, jobs: Sequence[tuple[str, str]], deadline_share: float = 0.5) -> list[ValidationResult]:
        self.calls.append(("validate_many", len(jobs)))
        return [ValidationResult(*self._label(expr)) for _, expr in jobs]

    def security_layers(self) -> Mapping[str, bool]:
        return {}

    def close(self) -> None:
        self.closed = True


@register_task_type
class EchoTestType(TaskType):
    """Propose an integer; solve by repeating it."""

    name: ClassVar[str] = "echo-test"
    description: ClassVar[str] = "test-only: propose an integer, answer it back"
    zero_inputs: ClassVar[tuple[str, ...]] = ("0",)

    def make_context(self, buffers: dict[str, Sequence[Task]], k: int, rng: np.random.Generator) -> ProposalContext:
        store = buffers.get(self.name, ())
        picks = rng.choice(len(store), size=min(k, len(store)), replace=False) if store else []
        return ProposalContext(references=tuple(store[int(i)] for i in picks))

    def proposer_prompt(self, context: ProposalContext) -> Prompt:
        return Prompt("echo system", "propose an integer unlike " + ", ".join(t.inputs[0] for t in context.references))

    def parse_proposal(self, answer: Answer, context: ProposalContext) -> Proposal | ParseFailure:
        n = _integer(answer)
        return Proposal(IDENTITY, (n,)) if n is not None else ParseFailure("no fenced integer in the answer")

    def validate(self, items, executor) -> list[ProposalCheck]:  # type: ignore[no-untyped-def]
        results = executor.validate_many([(p.program, p.inputs[0]) for p, _ in items])
        return [
            ProposalCheck(Outcome.VALID, Task(self.name, p.program, p.inputs, (r.output,)))
            if r.valid
            else ProposalCheck(Outcome.INVALID, status=r.outcome, error=r.error)
            for (p, _), r in zip(items, results, strict=True)
        ]

    def solver_prompt(self, task: Task) -> Prompt:
        return Prompt("echo system", f"what is f({task.inputs[0]})?")

    def verify(self, items, executor) -> list[Verdict]:  # type: ignore[no-untyped-def]
        matches = [_integer(answer) for _, answer in items]
        results = iter(executor.run_many([(IDENTITY, n) for n in matches if n is not None]))
        verdicts = []
        for (task, _), match in zip(items, matches, strict=True):
            if match is None:
                verdicts.append(Verdict(Outcome.FORMAT_ERROR, "no fenced integer in the answer"))
            else:
                correct = next(results).output == task.outputs[0]
                verdicts.append(Verdict(Outcome.CORRECT if correct else Outcome.WRONG, "" if correct else "differs"))
        return verdicts

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Fixtures for the conformance kit, which runs over every registered type (this one included)."""
        return ConformanceExamples(proposal=answer(7), correct=answer(7), wrong=answer(8))


def _integer(answer: Answer) -> str | None:
    blocks = answer.tagged("input")
    return blocks[0] if len(blocks) == 1 and len(answer.blocks) == 1 and _INTEGER.fullmatch(blocks[0]) else None


ECHO = get_task_type("echo-test")


def correct_answer(observation: str) -> str:
    """The correct echo-test answer to a solver observation."""
    match = re.search(r"what is f\((-?\d+)\)\?", observation)
    return answer(int(match.group(1))) if match else "no idea"
