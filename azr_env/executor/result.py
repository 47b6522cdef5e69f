"""Result types of the executor: plain frozen data, one status enum for every way a run can end."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ExecStatus(StrEnum):
    """How one execution (or one validation) of model-written code ended.

    ``OK`` is the only success. Everything else names the first reason the code was refused or failed; the
    executor never raises on model code, it returns one of these.
    """

    OK = "ok"
    PROGRAM_TOO_LARGE = "program_too_large"  # source over the cap, refused before anything ran
    INPUT_TOO_LARGE = "input_too_large"  # input expression over the cap, refused before anything ran
    SYNTAX_ERROR = "syntax_error"  # the program or the input expression does not parse
    NO_F = "no_f"  # not exactly one top-level ``def f`` (helpers and classes are fine)
    FORBIDDEN_IMPORT = "forbidden_import"  # imports a module outside the allow-list
    FORBIDDEN_NAME = "forbidden_name"  # uses a name or construct the restricted compiler refuses
    BAD_INPUT = "bad_input"  # the input expression failed to evaluate to call arguments
    ERROR = "error"  # the program raised an exception
    TIMEOUT = "timeout"  # past the wall-clock deadline; the worker was killed and respawned
    MEMORY = "memory"  # hit the memory limit
    RECURSION = "recursion"  # hit the recursion limit
    OUTPUT_NOT_DATA = "output_not_data"  # returned something that is not plain data (function, object, cycle...)
    OUTPUT_TOO_LARGE = "output_too_large"  # canonical output over the cap, or too deep
    NONDETERMINISTIC = "nondeterministic"  # validate() only: the hash-seed runs disagreed
    CRASHED = "crashed"  # the worker died (signal, exit) without answering; it was respawned


RESOURCE_FAILURES = frozenset({ExecStatus.TIMEOUT, ExecStatus.MEMORY, ExecStatus.RECURSION, ExecStatus.CRASHED})
"""Statuses a run ends with because of a limit or the machine rather than what the program computes."""


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    """The outcome of running ``f(<input>)`` once.

    Attributes:
        status: how the run ended.
        output: the canonical repr of the returned value when ``status is OK``, else ``None``.
        error: a short human-readable reason (exception type and message), empty on success.
    """

    status: ExecStatus
    output: str | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether the run succeeded."""
        return self.status is ExecStatus.OK


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The outcome of validating a proposed ``(program, input)`` pair: static checks, then one run per hash seed.

    Attributes:
        outcome: ``ExecStatus.OK`` when valid, otherwise the first reason it is not.
        output: the canonical output (equal in both runs) when valid, else ``None``.
        error: a short human-readable reason, empty when valid.
    """

    outcome: ExecStatus
    output: str | None = None
    error: str = ""

    @property
    def valid(self) -> bool:
        """Whether the pair is a valid task (deterministic, plain-data output within the caps)."""
        return self.outcome is ExecStatus.OK
