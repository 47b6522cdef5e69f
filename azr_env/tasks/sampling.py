"""Uniform sampling from buffer views, with an injected generator (never a global RNG)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

_T = TypeVar("_T")


def sample_uniform(items: Sequence[_T], k: int, rng: np.random.Generator) -> list[_T]:
    """Return ``min(k, len(items))`` items drawn uniformly without replacement; O(k) for indexable stores."""
    n = len(items)
    if k <= 0 or n == 0:
        return []
    if 4 * k > n:
        return [items[int(i)] for i in rng.choice(n, size=min(k, n), replace=False)]
    picks: dict[int, None] = {}  # few draws from a large store: rejection is O(k) and cheaper than choice()
    while len(picks) < k:
        for index in rng.integers(n, size=k).tolist():
            picks.setdefault(index)
            if len(picks) == k:
                break
    return [items[i] for i in picks]


def sample_one_of(stores: Sequence[Sequence[_T]], rng: np.random.Generator) -> _T | None:
    """Return one item drawn uniformly from the concatenation of ``stores`` (without copying), or ``None``."""
    total = sum(len(store) for store in stores)
    if total == 0:
        return None
    index = int(rng.integers(total))
    for store in stores:
        if index < len(store):
            return store[index]
        index -= len(store)
    return None
