"""How baseline agents write responses: the envelope and the fenced blocks each task type reads.

A response is ``<think>...</think>`` followed by ``<answer>...</answer>`` holding fenced blocks tagged by language
(```` ```python ````, ```` ```input ````, ```` ```output ````, ```` ```message ````). What goes in the answer depends
on the task type and role; :data:`SOLVE_FORMATS` maps each type to the block its solver writes and the gold content
of that block for a known task. A task type not listed here is answered like deduction (an ``output`` block holding
the task's first output), which fits any type whose gold answer is the program's output.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from azr_env.tasks.base import Task


@dataclass(frozen=True, slots=True)
class SolveFormat:
    """What a solver of one task type writes.

    Attributes:
        block: the language tag of the fenced block holding the answer.
        gold: the exactly correct block content for a known task.
    """

    block: str
    gold: Callable[[Task], str]


def _first_output(task: Task) -> str:
    return task.outputs[0]


def _first_input(task: Task) -> str:
    return task.inputs[0]


def _program(task: Task) -> str:
    return task.program


SOLVE_FORMATS: dict[str, SolveFormat] = {
    "deduction": SolveFormat("output", _first_output),
    "abduction": SolveFormat("input", _first_input),
    "induction": SolveFormat("python", _program),
}
DEFAULT_SOLVE_FORMAT = SolveFormat("output", _first_output)

INDUCTION_INPUTS = 10
"""How many inputs an induction proposal carries (the paper's count)."""


def solve_format(task_type: str) -> SolveFormat:
    """Return the solver format of a task type (deduction's for unknown types)."""
    return SOLVE_FORMATS.get(task_type, DEFAULT_SOLVE_FORMAT)


def fence(tag: str, content: str) -> str:
    """Return one fenced block."""
    return f"```{tag}\n{content}\n```"


def envelope(blocks: Sequence[tuple[str, str]], thought: str = "") -> str:
    """Return a well-formed response whose answer holds the given ``(tag, content)`` blocks, in order."""
    body = "\n".join(fence(tag, content) for tag, content in blocks)
    return f"<think>{thought}</think>\n<answer>\n{body}\n</answer>"


def solve_response(task_type: str, content: str, thought: str = "") -> str:
    """Return a solver response for ``task_type`` whose answer block holds ``content``."""
    return envelope([(solve_format(task_type).block, content)], thought)


def propose_response(task_type: str, program: str, inputs: Sequence[str], message: str = "") -> str:
    """Return a proposer response: induction gets inputs and a message, every other type a program and an input."""
    if task_type == "induction":
        blocks = [("input", text) for text in inputs]
        return envelope([*blocks, ("message", message)])
    return envelope([("python", program), ("input", inputs[0])])
