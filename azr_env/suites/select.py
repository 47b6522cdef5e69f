"""Labelling and deterministic selection of suite items (build time).

``label`` sends every ``(program, input)`` pair to the executor's ``validate_many`` (static checks, then one run per
determinism zygote, three hash seeds by default, outputs compared) and keeps the valid pairs that pass the
readability filters (``PairFilter``). The ``pick_*`` functions then choose items with an injected
``numpy.random.Generator``: the same seed and the same labels always give the same suite.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from azr_env.executor.backend import ExecutorBackend
from azr_env.suites.sources import SourceProgram
from azr_env.tasks.base import Task

Pair = tuple[str, str]
"""A validated ``(input, canonical output)`` pair."""

Labeled = tuple[SourceProgram, tuple[Pair, ...]]
"""A program with its valid pairs, in the program's input order."""


@dataclass(frozen=True, slots=True)
class PairFilter:
    """What makes a valid pair usable in a suite.

    Attributes:
        max_input_chars: longest input expression kept (a solver must read or write it).
        max_output_chars: longest canonical output kept.
        max_float_decimals: outputs holding a float with more fractional digits are dropped: predicting the exact
            repr of unrounded arithmetic (``0.30000000000000004``) tests float trivia, not reasoning.
    """

    max_input_chars: int = 400
    max_output_chars: int = 400
    max_float_decimals: int = 6

    def reject_reason(self, pair: Pair) -> str | None:
        """Return why a valid pair is not usable, or ``None`` when it is."""
        text_in, text_out = pair
        if len(text_in) > self.max_input_chars:
            return "input_too_long"
        if len(text_out) > self.max_output_chars:
            return "output_too_long"
        if max_float_decimals(text_out) > self.max_float_decimals:
            return "output_float_noise"
        return None


def max_float_decimals(canonical: str) -> int:
    """Return the most fractional digits of any float literal in a canonical output (parsed, never evaluated)."""
    try:
        tree = ast.parse(canonical, mode="eval")
    except SyntaxError:
        return 0
    floats = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)]
    return max((_decimals(value) for value in floats), default=0)


def _decimals(value: float) -> int:
    mantissa, _, exponent = repr(value).partition("e")
    digits = len(mantissa.partition(".")[2])
    return max(digits - int(exponent or 0), 0)


def label(
    programs: Sequence[SourceProgram],
    executor: ExecutorBackend,
    *,
    batch_size: int = 256,
    progress: Callable[[int], object] | None = None,
) -> tuple[list[Labeled], Counter[str]]:
    """Validate every candidate pair with the executor; return the valid pairs per program and why others failed.

    Args:
        programs: the candidates.
        executor: computes the labels (``validate_many``: both hash seeds must agree).
        batch_size: jobs per ``validate_many`` call.
        progress: called with the number of jobs finished after each batch (for a progress bar).

    Returns:
        One entry per program (possibly with no pairs), and a count of every invalid pair by executor status.
    """
    jobs = [(p.program, text_in) for p in programs for text_in in p.inputs]
    results = []
    for start in range(0, len(jobs), batch_size):
        results.extend(executor.validate_many(jobs[start : start + batch_size]))
        if progress is not None:
            progress(len(jobs[start : start + batch_size]))
    failures: Counter[str] = Counter(str(r.outcome) for r in results if not r.valid)
    labeled: list[Labeled] = []
    cursor = 0
    for program in programs:
        chunk = results[cursor : cursor + len(program.inputs)]
        cursor += len(program.inputs)
        pairs = tuple(
            (i, r.output) for i, r in zip(program.inputs, chunk, strict=True) if r.valid and r.output is not None
        )
        labeled.append((program, pairs))
    return labeled, failures


def usable(labeled: Iterable[Labeled], pair_filter: PairFilter, dropped: Counter[str]) -> list[Labeled]:
    """Apply a ``PairFilter`` to every program's pairs, counting the rejected pairs in ``dropped``."""
    kept: list[Labeled] = []
    for program, pairs in labeled:
        good = []
        for pair in pairs:
            reason = pair_filter.reject_reason(pair)
            if reason is None:
                good.append(pair)
            else:
                dropped[reason] += 1
        kept.append((program, tuple(good)))
    return kept


def _subset(n: int, k: int, rng: np.random.Generator) -> list[int]:
    """Choose ``min(k, n)`` of ``range(n)`` uniformly without replacement, returned in increasing order."""
    return sorted(int(i) for i in rng.choice(n, size=min(k, n), replace=False))


def pick_single(
    labeled: Sequence[Labeled],
    task_type: str,
    *,
    per_program: int,
    max_programs: int | None,
    rng: np.random.Generator,
) -> list[tuple[Task, str]]:
    """Build one-input tasks (deduction or abduction): up to ``per_program`` pairs from each chosen program.

    Programs without pairs are skipped; when more remain than ``max_programs``, that many are sampled. Returns
    ``(task, origin)`` in source order.
    """
    eligible = [item for item in labeled if item[1]]
    chosen = _subset(len(eligible), max_programs if max_programs is not None else len(eligible), rng)
    items: list[tuple[Task, str]] = []
    for index in chosen:
        program, pairs = eligible[index]
        for k in _subset(len(pairs), per_program, rng):
            task = Task(task_type, program.program, (pairs[k][0],), (pairs[k][1],))
            items.append((task, program.name))
    return items


def induction_pairs(item: Labeled, n_pairs: int, rng: np.random.Generator) -> tuple[Pair, ...] | None:
    """Choose ``n_pairs`` pairs of a program for an induction task, or ``None`` when it cannot make a useful one.

    A program needs a description (the message), at least ``n_pairs`` valid pairs, and two distinct outputs among
    the chosen pairs (a constant function is not worth inducing).
    """
    program, pairs = item
    if len(pairs) < n_pairs or not program.description:
        return None
    picked = tuple(pairs[k] for k in _subset(len(pairs), n_pairs, rng))
    return picked if len({out for _, out in picked}) >= 2 else None


def pick_induction(
    labeled: Sequence[Labeled], *, n_pairs: int, max_programs: int | None, rng: np.random.Generator
) -> list[tuple[Task, str]]:
    """Build induction tasks: ``n_pairs`` pairs per chosen program, the program's description as the message."""
    ready = [(program, induction_pairs((program, pairs), n_pairs, rng)) for program, pairs in labeled]
    eligible = [(program, picked) for program, picked in ready if picked is not None]
    chosen = _subset(len(eligible), max_programs if max_programs is not None else len(eligible), rng)
    items: list[tuple[Task, str]] = []
    for index in chosen:
        program, picked = eligible[index]
        task = Task(
            "induction",
            program.program,
            tuple(i for i, _ in picked),
            tuple(o for _, o in picked),
            message=program.description,
        )
        items.append((task, program.name))
    return items
