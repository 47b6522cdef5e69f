"""Reading value answers: a deduction's output, an abduction's input, and a proposal's input.

Under ``ValueSyntax.DATA`` (training, the default) an answer is data under the rule of ``azr_env.executor.literals``
and is read in the env's process without running anything: a deduction answer's canonical value is computed here
(no executor call), and an input that is not data is refused before it reaches the executor. A value that breaks
the rule is a format error naming the rule.

Under ``ValueSyntax.EXPRESSION`` (benchmark scoring as CRUXEval's scorer does it) an answer that is not data but
parses as one expression (or as one argument list) is evaluated in the sandbox, batched in one ``run_many``: a
deduction answer by the program ``def f(): return (<answer>)``, an abduction answer by packing its arguments into
a value whose canonical repr becomes the data input the task's program then runs on. Unlike CRUXEval, the
expression does not see the task program's globals. Nothing is ever evaluated in the env's process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.canonical import canonical_repr
from azr_env.executor.limits import MAX_INPUT_CHARS
from azr_env.executor.literals import NotData, arguments_key, canonical_value, read_value
from azr_env.tasks.parsing import ParseFailure, ValueSyntax

MAX_ANSWER_CHARS = 16384
"""Longest answer value considered; a longer one is a format error (gold outputs are capped well below this)."""

PACK_PROGRAM = "def pack(*args, **kwargs):\n    return [list(args), kwargs]\n\n\ndef f():\n    return pack(\n{}\n)\n"
"""The sandbox program that evaluates an argument-list expression (``ValueSyntax.EXPRESSION`` only)."""

VALUE_PROGRAM = "def f():\n    return (\n{}\n)\n"
"""The sandbox program that evaluates a value expression (``ValueSyntax.EXPRESSION`` only)."""


@dataclass(frozen=True, slots=True)
class Reading:
    """What an answer reads as: a canonical output or a data input text, or why it has none.

    Attributes:
        text: the canonical value (an output) or the data argument list (an input); ``None`` when unreadable.
        error: why ``text`` is ``None``.
        format_error: the answer broke the data rule (a format error), rather than failing to evaluate (wrong).
        expression: the answer is not data but parses as one expression (or argument list), which
            ``ValueSyntax.EXPRESSION`` evaluates in the sandbox.
    """

    text: str | None
    error: str = ""
    format_error: bool = False
    expression: bool = False


def checked_input(expr: str) -> str | ParseFailure:
    """Return a proposed or answered input when it is data under the rule, else why it is refused."""
    reading = _input(expr)
    return expr if reading.text is not None else ParseFailure(reading.error)


def read_outputs(exprs: Sequence[tuple[str, ValueSyntax]], executor: ExecutorBackend) -> list[Reading]:
    """Return the canonical value of every answer; under ``EXPRESSION`` the non-data ones go to the sandbox."""
    return _read(exprs, executor, _output, VALUE_PROGRAM, Reading)


def read_inputs(exprs: Sequence[tuple[str, ValueSyntax]], executor: ExecutorBackend) -> list[Reading]:
    """Return every answered input as a data argument list; under ``EXPRESSION`` non-data ones are evaluated first."""
    return _read(exprs, executor, _input, PACK_PROGRAM, _unpacked)


def _read(
    exprs: Sequence[tuple[str, ValueSyntax]],
    executor: ExecutorBackend,
    read: Callable[[str], Reading],
    program: str,
    finish: Callable[[str | None], Reading],
) -> list[Reading]:
    """Read every answer in-process; evaluate the expressions ``EXPRESSION`` allows by ``program``, in one batch."""
    readings = [read(expr) for expr, _ in exprs]
    pending = [i for i, (_, syntax) in enumerate(exprs) if syntax is ValueSyntax.EXPRESSION and readings[i].expression]
    runs = executor.run_many([(program.format(exprs[i][0]), "") for i in pending]) if pending else []
    for i, run in zip(pending, runs, strict=True):
        readings[i] = finish(run.output) if run.ok else Reading(None, f"{run.status.value}: {run.error}")
    return readings


def _output(expr: str) -> Reading:
    if len(expr) > MAX_ANSWER_CHARS:
        return Reading(None, f"the answer has {len(expr)} characters, more than {MAX_ANSWER_CHARS}", True)
    value = canonical_value(expr)
    if isinstance(value, NotData):
        return Reading(None, f"the answer is not data: {value.reason}", True, value.computation)
    return Reading(value)


def _input(expr: str) -> Reading:
    if len(expr) > MAX_INPUT_CHARS:
        return Reading(None, f"the input has {len(expr)} characters, more than {MAX_INPUT_CHARS}", True)
    key = arguments_key(expr)
    if isinstance(key, NotData):
        return Reading(None, f"the input is not data: {key.reason}", True, key.computation)
    return Reading(expr)


def _unpacked(output: str | None) -> Reading:
    """Turn the packed ``[args, kwargs]`` an argument expression evaluated to into a data argument list."""
    data = read_value(output or "")
    if isinstance(data, NotData) or not isinstance(data.value, list) or len(data.value) != 2:
        return Reading(None, "the answer's arguments are not data")
    args, kwargs = data.value
    if not all(isinstance(key, str) and key.isidentifier() for key in kwargs):
        return Reading(None, "the answer's keyword names are not identifiers")
    parts = [canonical_repr(arg) for arg in args] + [f"{key}={canonical_repr(v)}" for key, v in kwargs.items()]
    return Reading(", ".join(parts))
