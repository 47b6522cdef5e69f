"""Python's ``==`` between gold outputs and answer values, evaluated in the sandbox (``ValueEquality.PYTHON``).

CRUXEval's scorer accepts an answer when ``gold == answer`` holds in Python, which is looser than the executor's
type-strict canonical rule: ``1 == 1.0 == True``, and ``float('nan') != float('nan')``. Both sides here are
canonical reprs of plain data (the gold output, and the answer's value as read by ``azr_env.tasks.answers``), so
each pair is one comparison of two data expressions; the comparison still runs in the sandbox, batched in one
``run_many``, because the env's process evaluates nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.parsing import ValueEquality

EQUAL_PROGRAM = "def f():\n    return (\n{}\n) == (\n{}\n)\n"
"""The sandbox program comparing one gold output (first) with one answer value (second)."""


def python_equal(pairs: Sequence[tuple[str, str]], executor: ExecutorBackend) -> list[bool]:
    """Return ``gold == answer`` for every ``(gold, answer)`` pair of canonical data reprs, in one batch."""
    if not pairs:
        return []
    runs = executor.run_many([(EQUAL_PROGRAM.format(gold, answer), "") for gold, answer in pairs])
    return [run.ok and run.output == "True" for run in runs]


def equal_to_gold(items: Sequence[tuple[str, str | None, ValueEquality]], executor: ExecutorBackend) -> list[bool]:
    """Return whether each ``(gold, value, equality)`` holds equal values; a ``None`` value equals nothing.

    ``CANONICAL`` compares the canonical texts in-process; the ``PYTHON`` items go to ``python_equal`` in one batch.
    """
    same = [value is not None and value == gold for gold, value, _ in items]
    python = [i for i, (_, value, rule) in enumerate(items) if value is not None and rule is ValueEquality.PYTHON]
    found = python_equal([(items[i][0], str(items[i][1])) for i in python], executor)
    for i, equal in zip(python, found, strict=True):
        same[i] = equal
    return same
