"""The task-type contract: what every task type (built in or third party) implements, in two parts.

**The solve part** (``SolveType``, every task type has it): how the solver is prompted for a ``Problem``
(``solver_prompt``), how a solver's answer is judged (``verify``), how a problem is read back from a suite file
(``read_problem``) and, optionally, its reference answer (``reference_answer``, what the oracle baseline writes).

**The propose part** (``ProposeType``, self-play needs it): how the proposer is prompted (``make_context``,
``proposer_prompt``), how its answer is parsed into a candidate task (``parse_proposal``) and how that candidate is
validated in the sandbox (``validate``). ``TaskType`` is both parts over the program triplet ``Task``.

A task of a self-play type is a triplet ``(program, input, output)`` with ``output = program(input)``. A
*solve-only* type (``SolveType`` alone: code generation, math word problems) has its own problem record, a frozen
dataclass with typed fields (``Problem``); it can be evaluated on a suite, in ``Solve-v5`` and with ``azr eval``,
and self-play refuses it with a ``ConfigError`` (there is nothing to propose). One file per task type, registered
with ``@register_task_type`` whichever parts it has.

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

import dataclasses
import hashlib
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

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
    return content_id(task_type, program, *inputs)


def content_id(*parts: str) -> str:
    """Return the stable content id of a problem's fields: the first 16 hex digits of a SHA-256 of ``parts``."""
    # surrogatepass: any str hashes, even one holding a lone surrogate (never raised out of env.step)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Problem(Protocol):
    """What a solver is asked: a ``Task``, or the record of a solve-only type.

    A problem is a frozen dataclass whose fields are ``str`` or ``tuple[str, ...]``, two of them ``task_type`` (the
    registered type that judges it) and ``task_id`` (a content hash of the other fields, computed in
    ``__post_init__`` when not given, so a suite file's ids check its content).
    """

    @property
    def task_type(self) -> str:
        """The registered name of the task type that owns it."""
        ...

    @property
    def task_id(self) -> str:
        """The stable content id."""
        ...


ProblemT = TypeVar("ProblemT", bound=Problem)


def read_dataclass(cls: type[ProblemT], record: Mapping[str, Any]) -> ProblemT:
    """Build a problem of dataclass ``cls`` from a suite record, its ``task_id`` recomputed (never copied).

    Every init field but ``task_id`` is read by its annotation: ``str`` fields need a string, ``tuple[str, ...]``
    fields a list of strings. Missing fields take their default.

    Raises:
        KeyError, TypeError, ValueError: the record is malformed (the suite loader reports it as an integrity error).
    """
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    for spec in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not spec.init or spec.name == "task_id" or (spec.name not in record and _has_default(spec)):
            continue
        values[spec.name] = _field_value(spec.name, hints[spec.name], record[spec.name])
    return cls(**values)


def _has_default(spec: dataclasses.Field[Any]) -> bool:
    return spec.default is not dataclasses.MISSING or spec.default_factory is not dataclasses.MISSING


def _field_value(name: str, hint: object, value: object) -> str | tuple[str, ...]:
    if hint is str and isinstance(value, str):
        return value
    if hint == tuple[str, ...] and isinstance(value, list) and all(isinstance(x, str) for x in value):
        return tuple(value)
    raise TypeError(f"field {name!r} must be {hint}, got {type(value).__name__}")


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


class SolveType(ABC, Generic[ProblemT]):
    """The solve part of a task type; subclass it alone for a solve-only type, then register it.

    A solve-only type sets ``problem_type`` to its frozen dataclass (see ``Problem``) and implements
    ``solver_prompt`` and ``verify``; ``reference_answer`` is optional (the oracle baseline writes it). Prompts are
    pure functions of the problem (the same problem gives the same prompt).
    """

    name: ClassVar[str]
    """Registry name, for example ``"deduction"``."""

    description: ClassVar[str] = ""
    """One line shown by ``azr tasks list``."""

    problem_type: ClassVar[type[Any]]
    """The dataclass of this type's problems (``Task`` for self-play types); suite files are read into it."""

    @abstractmethod
    def solver_prompt(self, task: ProblemT) -> Prompt:
        """Build the solver prompt for a problem (induction shows only the visible pairs)."""

    @abstractmethod
    def verify(self, items: Sequence[tuple[ProblemT, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Verify a batch of solver answers against their problems; one verdict each, in order.

        A missing block or a value that is not data is ``FORMAT_ERROR``; a well-formed answer is ``CORRECT`` or
        ``WRONG``. Model text never runs in the env's process: whatever must run goes to ``executor``.
        """

    def read_problem(self, record: Mapping[str, Any]) -> ProblemT:
        """Read one problem from a suite record (its fields by name); ``read_dataclass`` of ``problem_type``.

        Raises:
            KeyError, TypeError, ValueError: the record is malformed.
        """
        problem: ProblemT = read_dataclass(self.problem_type, record)
        return problem

    def reference_answer(self, task: ProblemT) -> str | None:
        """Return a known-correct answer region (what goes inside ``<answer>``) for ``task``, or ``None``."""
        return None


class ProposeType(ABC):
    """The propose part of a task type: what self-play needs besides solving. Only ``TaskType`` has it.

    All randomness comes from the ``rng`` argument of ``make_context``.
    """

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


class TaskType(SolveType[Task], ProposeType):
    """A self-play task type: both parts, over the program triplet ``Task``. Subclass it, set ``name``, register.

    Prompts are pure functions of their inputs (the same context gives the same prompt).
    """

    problem_type: ClassVar[type[Any]] = Task

    inputs_shown: ClassVar[bool] = True
    """Whether the solver is shown (or scored on) the task's inputs. When not (abduction: the solver sees the program
    and the output), tasks that differ only in their inputs are one puzzle, and the buffer's duplicate rule
    (``azr_env.buffer.dedup_key``) ignores the inputs: a reference copied with another input giving the same output
    is still a copy."""
