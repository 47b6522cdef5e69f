"""A small library of known-valid programs with input generators: what the oracle proposes.

Every program is deterministic, imports nothing, and returns plain data for every input its generator produces, so
each proposal built from it validates. Inputs are single argument expressions written with ``repr``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class KnownProgram:
    """A program and a generator of inputs it accepts.

    Attributes:
        source: Python source defining ``f``.
        make_input: draws one input expression from the generator.
    """

    source: str
    make_input: Callable[[np.random.Generator], str]


def _int(rng: np.random.Generator) -> str:
    return repr(int(rng.integers(-50, 51)))


def _small_int(rng: np.random.Generator) -> str:
    return repr(int(rng.integers(0, 15)))


def _int_list(rng: np.random.Generator) -> str:
    return repr([int(v) for v in rng.integers(-20, 21, size=int(rng.integers(1, 8)))])


def _word(rng: np.random.Generator) -> str:
    return repr("".join(rng.choice(list("abcdeAB xyz"), size=int(rng.integers(1, 10)))))


LIBRARY: tuple[KnownProgram, ...] = (
    KnownProgram("def f(x):\n    return x * 3 - 7", _int),
    KnownProgram("def f(s):\n    return s[::-1].upper()", _word),
    KnownProgram("def f(xs):\n    return sorted(xs, reverse=True)[:3]", _int_list),
    KnownProgram("def f(xs):\n    return sum(x * x for x in xs) % 97", _int_list),
    KnownProgram("def f(s):\n    return {c: s.count(c) for c in s}", _word),
    KnownProgram(
        "def f(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a", _small_int
    ),
    KnownProgram("def f(xs):\n    return tuple(x for x in xs if x % 2 == 0)", _int_list),
    KnownProgram(
        "def helper(x):\n    return x % 5\n\ndef f(xs):\n    return [helper(x) for x in xs if x > 0]", _int_list
    ),
    KnownProgram("def f(s):\n    return len(set(s)), s.count('a')", _word),
    KnownProgram("def f(x):\n    return x > 10 and x % 2 == 1", _int),
)
"""The oracle's proposals: varied output types (int, str, list, tuple, dict, bool) so the buffer stays diverse."""


def library_inputs(program: str) -> Callable[[np.random.Generator], str] | None:
    """Return the input generator of a library program, or ``None`` if ``program`` is not in the library."""
    for known in LIBRARY:
        if known.source == program.strip():
            return known.make_input
    return None
