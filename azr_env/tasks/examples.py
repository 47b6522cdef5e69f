"""Optional conformance fixtures a task type can provide so the conformance kit can score known answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from azr_env.tasks.base import ProposalContext


@dataclass(frozen=True, slots=True)
class ConformanceExamples:
    """A proposal that validates in a given context, and a correct and a wrong solver answer for the task it makes.

    Attributes:
        proposal: a full proposer response (envelope included) that must parse and validate.
        correct: a full solver response that must score ``CORRECT`` on the resulting task.
        wrong: a well-formed full solver response that must score ``WRONG`` on it.
    """

    proposal: str
    correct: str
    wrong: str


@runtime_checkable
class ProvidesExamples(Protocol):
    """A task type that can give conformance fixtures (optional; ``azr check`` needs it for the full check)."""

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Return fixtures valid in ``context``, a context built by ``make_context`` from a zero-seeded buffer."""
        ...


def example_response(*blocks: str, think: str = "worked it out") -> str:
    """Return a full response with a think section and ``blocks`` inside the answer envelope."""
    return f"<think>{think}</think>\n<answer>\n" + "\n".join(blocks) + "\n</answer>"
