"""Shared machinery of the two task types whose proposer writes a program and one input: deduction, abduction.

Both types sample K references from their own buffer, read the same ```` ```python ```` + ```` ```input ````
proposal from the answer's blocks (by tag), refuse an input that is not data, and validate the rest with one
``validate_many`` call per batch. They differ in their prompts and in how a solver's answer is verified, which each
subclass defines. An empty ```` ```input ```` block means "no arguments" (a program ``f`` that takes none). A
program is shown to the solver as written, so it must read as Python reads it (``azr_env.tasks.legibility``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.answers import checked_input
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
from azr_env.tasks.legibility import misreading
from azr_env.tasks.prompts import SYSTEM_PROMPT, render, render_references
from azr_env.tasks.sampling import sample_uniform

Scorer = Callable[[Sequence[tuple[Task, str, Answer]]], list[Verdict]]
"""Scores a batch of ``(task, block, answer)`` triples whose block was found; one verdict each, in order."""


def verify_blocks(
    items: Sequence[tuple[Task, Answer]], tag: str, score: Scorer, *, allow_empty: bool = False
) -> list[Verdict]:
    """Take each answer's ``tag`` block (``Answer.sole``); score the found ones at once; the rest are format errors."""
    blocks = [answer_block(answer, tag, allow_empty=allow_empty, sole=True) for _, answer in items]
    found = [
        (task, block, answer) for (task, answer), block in zip(items, blocks, strict=True) if isinstance(block, str)
    ]
    scored = iter(score(found) if found else [])
    return [
        Verdict(Outcome.FORMAT_ERROR, block.reason) if isinstance(block, ParseFailure) else next(scored)
        for block in blocks
    ]


def answer_block(answer: Answer, tag: str, *, allow_empty: bool = False, sole: bool = False) -> str | ParseFailure:
    """Return the answer's last ``tag`` block, or why there is none (an empty one only when ``allow_empty``).

    ``sole``: the answer needs only this block, so a chat rule may read it untagged (``Answer.sole``).
    """
    block = answer.sole(tag) if sole else answer.last(tag)
    if block is None:
        return ParseFailure(f"no ```{tag} block in the answer")
    if not allow_empty and not block.strip():
        return ParseFailure(f"the ```{tag} block is empty")
    return block


def input_block(answer: Answer) -> str | ParseFailure:
    """Return the answer's last ```` ```input ```` block, stripped, when it is data (empty: no arguments)."""
    block = answer_block(answer, "input", allow_empty=True)
    return block if isinstance(block, ParseFailure) else checked_input(block.strip())


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

    def parse_proposal(self, answer: Answer, context: ProposalContext) -> Proposal | ParseFailure:
        """Take the last ```` ```python ```` block and the last ```` ```input ```` block, which must be data."""
        program = answer_block(answer, "python")
        if isinstance(program, ParseFailure):
            return program
        misread = misreading(program)
        if misread is not None:
            return ParseFailure(f"the program does not read as it runs: {misread}")
        expr = input_block(answer)
        if isinstance(expr, ParseFailure):
            return expr
        return Proposal(program=program + "\n", inputs=(expr,))

    def validate(
        self, items: Sequence[tuple[Proposal, ProposalContext]], executor: ExecutorBackend
    ) -> list[ProposalCheck]:
        """Validate every proposal in one ``validate_many`` batch (static checks, a run per zygote, data)."""
        results = executor.validate_many([(proposal.program, proposal.inputs[0]) for proposal, _ in items])
        checks = []
        for (proposal, _), result in zip(items, results, strict=True):
            if not result.valid or result.output is None:
                checks.append(ProposalCheck(Outcome.INVALID, status=result.outcome, error=result.error))
                continue
            task = Task(self.name, proposal.program, proposal.inputs, (result.output,))
            checks.append(ProposalCheck(Outcome.VALID, task=task))
        return checks
