"""Shared machinery of the two task types whose proposer writes a program and one input: deduction, abduction.

Both types sample K references from their own buffer, parse the same ```` ```python ```` + ```` ```input ````
proposal (by tag), and validate it with one ``validate_many`` call per batch. They differ in their prompts and in
how a solver's answer is verified, which each subclass defines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import (
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
from azr_env.tasks.parsing import extract_answer, last_block
from azr_env.tasks.prompts import SYSTEM_PROMPT, render, render_references
from azr_env.tasks.sampling import sample_uniform

IDENTITY_PROGRAM = "def f(x):\n    return x\n"
"""The identity program: the zero-triplet seed, and the sandboxed evaluator of answer expressions."""


Scorer = Callable[[Sequence[tuple[Task, str]]], list[Verdict]]
"""Scores a batch of ``(task, answer block)`` pairs that all parsed; one verdict each, in order."""


def verify_blocks(items: Sequence[tuple[Task, str]], tag: str, score: Scorer) -> list[Verdict]:
    """Parse each response's ``tag`` block; score the parsed ones in one batch, the rest are format errors."""
    blocks = [answer_block(response, tag) for _, response in items]
    parsed = [(task, block) for (task, _), block in zip(items, blocks, strict=True) if isinstance(block, str)]
    scored = iter(score(parsed) if parsed else [])
    return [
        Verdict(Outcome.FORMAT_ERROR, block.reason) if isinstance(block, ParseFailure) else next(scored)
        for block in blocks
    ]


def answer_block(text: str, tag: str) -> str | ParseFailure:
    """Return the last ``tag`` block inside the response's ``<answer>`` envelope, or why there is none."""
    answer = extract_answer(text)
    if answer is None:
        return ParseFailure("no complete <answer>...</answer> in the response")
    block = last_block(answer, tag)
    if block is None:
        return ParseFailure(f"no ```{tag} block inside <answer>")
    if not block.strip():
        return ParseFailure(f"the ```{tag} block is empty")
    return block


class ProgramInputTaskType(TaskType):
    """A task type whose proposal is one program and one input, labelled by the sandbox."""

    proposer_template: ClassVar[str]
    """The proposer's user message: ``{references}`` and the shared fragments of ``prompts.render`` as placeholders."""

    zero_inputs: ClassVar[tuple[str, ...]] = ("'hello'",)
    """Inputs of the identity seed task."""

    def make_context(self, buffers: dict[str, Sequence[Task]], k: int, rng: np.random.Generator) -> ProposalContext:
        """Sample ``k`` references uniformly without replacement from this type's own buffer."""
        return ProposalContext(references=tuple(sample_uniform(buffers.get(self.name, ()), k, rng)))

    def proposer_prompt(self, context: ProposalContext) -> Prompt:
        """Build the proposer prompt: instructions, then the references."""
        return Prompt(SYSTEM_PROMPT, render(self.proposer_template, references=render_references(context.references)))

    def parse_proposal(self, text: str, context: ProposalContext) -> Proposal | ParseFailure:
        """Take the last ```` ```python ```` and the last ```` ```input ```` block inside ``<answer>``."""
        program = answer_block(text, "python")
        if isinstance(program, ParseFailure):
            return program
        expr = answer_block(text, "input")
        if isinstance(expr, ParseFailure):
            return expr
        return Proposal(program=program + "\n", inputs=(expr.strip(),))

    def validate(
        self, items: Sequence[tuple[Proposal, ProposalContext]], executor: ExecutorBackend
    ) -> list[ProposalCheck]:
        """Validate every proposal in one ``validate_many`` batch (static checks, two hash seeds, plain data)."""
        results = executor.validate_many([(proposal.program, proposal.inputs[0]) for proposal, _ in items])
        checks = []
        for (proposal, _), result in zip(items, results, strict=True):
            if not result.valid or result.output is None:
                checks.append(ProposalCheck(Outcome.INVALID, status=result.outcome, error=result.error))
                continue
            task = Task(self.name, proposal.program, proposal.inputs, (result.output,))
            checks.append(ProposalCheck(Outcome.VALID, task=task))
        return checks
