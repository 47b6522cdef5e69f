"""Turning a solver's answer expression into a canonical output string, without evaluating it in our process.

Fast path: ``ast.literal_eval`` on the capped text, then the executor's ``canonical_repr`` (both pure; a literal
gives the same canonical string as the sandbox would). Anything that is not a plain literal (``float('nan')``,
``frozenset(...)``, or a hostile expression) is evaluated inside the sandbox by the identity program, batched in one
``run_many`` call.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.canonical import canonical_repr
from azr_env.tasks.program_io import IDENTITY_PROGRAM

MAX_ANSWER_CHARS = 16384
"""Longest answer expression considered; a longer one is wrong (gold outputs are capped well below this)."""


@dataclass(frozen=True, slots=True)
class Canonical:
    """An answer expression's canonical value, or why it has none.

    Attributes:
        output: the canonical repr, or ``None`` when the expression is not a valid plain-data value.
        error: the reason when ``output`` is ``None``.
    """

    output: str | None
    error: str = ""


def canonicalize_many(exprs: Sequence[str], executor: ExecutorBackend) -> list[Canonical]:
    """Return the canonical value of every answer expression; the non-literals go to the sandbox in one batch."""
    results: list[Canonical | None] = [_literal(expr) for expr in exprs]
    pending = [i for i, result in enumerate(results) if result is None]
    # Parenthesized on their own lines so that a bare tuple ("1, 2") is one value and a trailing comment is harmless.
    runs = executor.run_many([(IDENTITY_PROGRAM, f"(\n{exprs[i]}\n)") for i in pending]) if pending else []
    for i, run in zip(pending, runs, strict=True):
        results[i] = Canonical(run.output) if run.ok else Canonical(None, f"{run.status.value}: {run.error}")
    return [result if result is not None else Canonical(None, "not evaluated") for result in results]


def _literal(expr: str) -> Canonical | None:
    """Return the canonical value of a plain literal, a refusal for an oversized one, or ``None`` (use the sandbox)."""
    if len(expr) > MAX_ANSWER_CHARS:
        return Canonical(None, f"answer longer than {MAX_ANSWER_CHARS} characters")
    try:
        value = ast.literal_eval(f"(\n{expr}\n)")
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    try:
        return Canonical(canonical_repr(value))
    except Exception:  # over a size or depth cap: let the sandbox give the precise status
        return None
