"""The task-type contract: what every task type (built in or third party) implements.

A task is a triplet ``(program, input, output)`` with ``output = program(input)``. A task type says how the
proposer is prompted, how its answer is parsed into a candidate task, how that candidate is validated in the
sandbox, how the solver is prompted, and how a solver's answer is verified. One file per task type, registered with
``@register_task_type``.

Task types never see raw response text: the judge finds each response's answer region once, under the env's
``AnswerRule`` (``azr_env.tasks.parsing``, the one answer parser), and passes an ``Answer``: the region's fenced
blocks by tag. A response without an answer region is a format error before any task type is asked. Answers and
proposed inputs are data (``azr_env.executor.literals``): a task type refuses, as a format error, a value that is
not data before anything runs (``Answer.syntax`` says when a benchmark scores expressions instead).

All executor work is batched: ``validate`` and ``verify`` take a whole batch and should send it to the executor in
as few ``run_many`` / ``validate_many`` calls as possible, because the vector env calls them once per step.
Model mistakes never raise: they come back as a ``ParseFailure`` or a ``Verdict`` / ``ProposalCheck`` whose
``outcome`` names what went wrong.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar

import numpy as np

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.result import ExecStatus
from azr_env.tasks.parsing import Answer, ParseFailure


class Role(StrEnum):
    """Which of the two roles of the single policy acts in a step."""

    PROPOSE = "propose"
    SOLVE = "solve"


class Outcome(StrEnum):
    """How one action was judged. The reward functions map these to numbers."""

    VALID = "valid"  # proposer: parsed and validated into a new task
    INVALID = "invalid"  # proposer: well formed, but the task failed validation (see the ExecStatus detail)
    CORRECT = "correct"  # solver: the answer verified
    WRONG = "wrong"  # solver: well formed, but wrong (or it failed to run)
    FORMAT_ERROR = "format_error"  # either role: the envelope or a required fenced block is missing/unparseable


@dataclass(frozen=True, slots=True)
class Task:
    """One validated task. Outputs are always the executor's canonical reprs, never a model's claim.

    Attributes:
        task_type: the registered name of the task type that owns it.
        program: Python source defining a top-level ``def f``.
        inputs: argument expressions spliced into ``f(<input>)``; one for deduction/abduction, ten for induction.
        outputs: canonical outputs, one per input.
        message: induction only: the proposer's hint to the solver.
        task_id: stable content hash (type, program, inputs); set automatically.
    """

    task_type: str
    program: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    message: str = ""
    task_id: str = field(default="")

    def __post_init__(self) -> None:
        if len(self.inputs) != len(self.outputs):
            raise ValueError("a task needs exactly one output per input")
        if not self.task_id:
            object.__setattr__(self, "task_id", task_id_of(self.task_type, self.program, self.inputs))


def task_id_of(task_type: str, program: str, inputs: Sequence[str]) -> str:
    """Return the stable content id of a task: the first 16 hex digits of a SHA-256."""
    # surrogatepass: any str hashes, even one holding a lone surrogate (never raised out of env.step)
    digest = hashlib.sha256("\x1f".join([task_type, program, *inputs]).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:16]


@dataclass(frozen=True, slots=True)
class Prompt:
    """A prompt as a system instruction and a user message; renderers turn it into R1 text or chat messages."""

    system: str
    user: str


@dataclass(frozen=True, slots=True)
class ProposalContext:
    """What a proposer prompt is built from, kept so the proposal can be parsed and validated against it.

    Attributes:
        references: K tasks sampled from the buffer, shown as examples to be different from.
        program: induction only: the buffer task whose program the proposer writes inputs for.
    """

    references: tuple[Task, ...] = ()
    program: Task | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A parsed, not yet validated, proposal: a program and its inputs (and a message for induction)."""

    program: str
    inputs: tuple[str, ...]
    message: str = ""


@dataclass(frozen=True, slots=True)
class ProposalCheck:
    """The result of validating one proposal.

    Attributes:
        outcome: ``Outcome.VALID`` or ``Outcome.INVALID``.
        task: the new task when valid, else ``None``.
        status: the executor status behind an invalid outcome (``ExecStatus.OK`` when valid).
        error: a short reason when invalid.
    """

    outcome: Outcome
    task: Task | None = None
    status: ExecStatus = ExecStatus.OK
    error: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The result of verifying one solver answer.

    Attributes:
        outcome: ``CORRECT``, ``WRONG`` or ``FORMAT_ERROR``.
        detail: a short explanation (the parse error, or which pair failed), for ``info`` and logs.
    """

    outcome: Outcome
    detail: str = ""


class TaskType(ABC):
    """Base class of every task type. Subclass it, set ``name``, implement the methods, register it.

    Prompts are pure functions of their inputs (the same context gives the same prompt). All randomness comes from
    the ``rng`` argument of ``make_context``.
    """

    name: ClassVar[str]
    """Registry name, for example ``"deduction"``."""

    description: ClassVar[str] = ""
    """One line shown by ``azr tasks list``."""

    @abstractmethod
    def make_context(self, buffers: dict[str, Sequence[Task]], k: int, rng: np.random.Generator) -> ProposalContext:
        """Sample what the proposer prompt shows, from the current buffers (keyed by task-type name)."""

    @abstractmethod
    def proposer_prompt(self, context: ProposalContext) -> Prompt:
        """Build the proposer prompt."""

    @abstractmethod
    def parse_proposal(self, answer: Answer, context: ProposalContext) -> Proposal | ParseFailure:
        """Read a proposal from the proposer's answer blocks, or say why it cannot (a format error).

        Refuse here what needs no sandbox: a missing block, an input that is not data.
        """

    @abstractmethod
    def validate(
        self, items: Sequence[tuple[Proposal, ProposalContext]], executor: ExecutorBackend
    ) -> list[ProposalCheck]:
        """Validate a batch of proposals in the sandbox; one check per item, in order."""

    @abstractmethod
    def solver_prompt(self, task: Task) -> Prompt:
        """Build the solver prompt for a task (induction shows only the visible pairs)."""

    @abstractmethod
    def verify(self, items: Sequence[tuple[Task, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Verify a batch of solver answers against their tasks; one verdict each, in order.

        A missing block or a value that is not data is ``FORMAT_ERROR``; a well-formed answer is ``CORRECT`` or
        ``WRONG``.
        """
