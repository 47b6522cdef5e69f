"""Reading value answers: a deduction's output, an abduction's input, and a proposal's input.

Under ``ValueSyntax.DATA`` (training, the default) an answer is data under the rule of ``azr_env.executor.literals``
and is read in the env's process without running anything: a deduction answer's canonical value is computed here
(no executor call), and an input that is not data is refused before it reaches the executor. A value that breaks
the rule is a format error naming the rule.

Under ``ValueSyntax.EXPRESSION`` (benchmark scoring as CRUXEval's scorer does it) an answer that is not data but
parses as one expression (or as one argument list) is evaluated in the sandbox, batched in one ``run_many``: a
deduction answer by the program ``def f(): return (<answer>)``, an abduction answer by writing its argument values
back as source (each value's ``repr``, so dicts keep their insertion order), which must be data and is the input
the task's program then runs on. Unlike CRUXEval, the expression does not see the task program's globals. Nothing
is ever evaluated in the env's process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.limits import MAX_INPUT_CHARS
from azr_env.executor.literals import NotData, arguments_key, canonical_value, read_value
from azr_env.tasks.legibility import input_misreading
from azr_env.tasks.parsing import ParseFailure, ValueSyntax

MAX_ANSWER_CHARS = 16384
"""Longest answer value considered; a longer one is a format error (gold outputs are capped well below this)."""

PACK_PROGRAM = (
    "def pack(*args, **kwargs):\n"
    "    return ', '.join([repr(a) for a in args] + [k + '=' + repr(v) for k, v in kwargs.items()])\n\n\n"
    "def f():\n    return pack(\n{}\n)\n"
)
"""The sandbox program that evaluates an argument-list expression (``ValueSyntax.EXPRESSION`` only) and writes the
arguments back as source with their own ``repr``: a dict keeps its insertion order, which the program may depend on
(a canonical repr would sort it). The text must then be data under the rule, or the answer is unreadable."""

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
    """Return a proposed input when it is data under the rule and reads as its values, else why it is refused.

    A proposed input is shown to solvers as written (``legibility.input_misreading``: no comment, no raw character
    that does not print), and its values' canonical text, the form in which they come back in an output, fits the
    input cap as well: a solver that writes an input as an output shows it must not break the cap (an input of raw
    control characters, or of ``1,2`` without spaces, is shorter written than shown).
    """
    reading = _input(expr)
    if reading.text is None:
        return ParseFailure(reading.error)
    misread = input_misreading(expr)
    if misread is not None:
        return ParseFailure(f"the input does not read as its data: {misread}")
    shown = arguments_key(expr)
    if isinstance(shown, str) and len(shown) > MAX_INPUT_CHARS:
        return ParseFailure(f"the input's values written out have {len(shown)} characters, more than {MAX_INPUT_CHARS}")
    return expr


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
    """Read the argument source ``PACK_PROGRAM`` returned; it is the input when it is data under the rule."""
    data = read_value(output or "")
    if isinstance(data, NotData) or not isinstance(data.value, str):
        return Reading(None, "the answer's arguments are not data")
    if isinstance(arguments_key(data.value), NotData):
        return Reading(None, f"the answer's arguments are not data: {data.value[:80]}")
    return Reading(data.value)
