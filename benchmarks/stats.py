"""Statistics for agent evaluation: 95% confidence intervals over seeds and items, and unbiased pass@k.

All functions are pure; the bootstrap takes an injected ``numpy.random.Generator``, so the same seed gives the same
interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054
"""The two-sided 95% quantile of the standard normal distribution."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """A point estimate with a 95% confidence interval.

    Attributes:
        mean: the point estimate.
        low: lower bound of the 95% interval.
        high: upper bound of the 95% interval.
        n: how many observations it rests on.
    """

    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """Return the estimate as plain JSON-ready data."""
        return {"mean": self.mean, "low": self.low, "high": self.high, "n": self.n}

    def fmt(self, scale: float = 100.0, digits: int = 1) -> str:
        """Format as ``mean [low, high]``, scaled (percent by default)."""
        return f"{self.mean * scale:.{digits}f} [{self.low * scale:.{digits}f}, {self.high * scale:.{digits}f}]"


def wilson_interval(successes: int, total: int) -> Estimate:
    """Wilson score 95% interval of a proportion; well behaved at 0% and 100%, unlike the normal approximation."""
    if total <= 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    p = successes / total
    denom = 1.0 + Z95**2 / total
    centre = (p + Z95**2 / (2 * total)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2)) / denom
    return Estimate(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)), total)


def bootstrap_seeds_items(groups: Sequence[Sequence[float]], rng: np.random.Generator, n_boot: int = 2000) -> Estimate:
    """Two-level bootstrap 95% interval of a mean over seeds (groups) of per-item scores.

    Each replicate resamples the items of every seed with replacement, then resamples seeds with replacement and
    averages their means; so the interval covers the agent's run-to-run variance and the finite size of the item
    set. Seeds may hold different numbers of items (self-play); the point estimate is the mean of seed means. A
    single seed (or item) contributes no variance on that axis.
    """
    arrays = [np.asarray(g, dtype=np.float64) for g in groups if len(g)]
    if not arrays:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    item_means = np.stack([a[rng.integers(0, a.size, size=(n_boot, a.size))].mean(axis=1) for a in arrays])  # (S, B)
    seed_idx = rng.integers(0, len(arrays), size=(n_boot, len(arrays)))  # (B, S)
    means = item_means[seed_idx, np.arange(n_boot)[:, None]].mean(axis=1)  # (B,)
    low, high = np.quantile(means, [0.025, 0.975])
    point = float(np.mean([a.mean() for a in arrays]))
    return Estimate(point, min(float(low), point), max(float(high), point), sum(a.size for a in arrays))


def rate_interval(groups: Sequence[Sequence[float]], rng: np.random.Generator, n_boot: int = 2000) -> Estimate:
    """95% interval of a rate over seeds and items: the two-level bootstrap, or Wilson where it has no spread.

    When every score is 0 (or every score is 1) a bootstrap interval collapses to a point, which overstates what
    a finite number of items shows; the Wilson score interval over all the scores is used then instead.
    """
    flat = np.concatenate([np.asarray(g, dtype=np.float64) for g in groups]) if groups else np.zeros(0)
    if flat.size and np.all(flat == flat[0]) and flat[0] in (0.0, 1.0):
        return wilson_interval(int(flat.sum()), int(flat.size))
    return bootstrap_seeds_items(groups, rng, n_boot)


def stratified_interval(groups: Sequence[Sequence[float]], rng: np.random.Generator, n_boot: int = 2000) -> Estimate:
    """95% interval of a mean over strata (seeds) of per-item scores, resampling items within each stratum only.

    The strata are fixed (every replicate keeps every seed and averages the seed means), so the interval covers the
    finite number of episodes each seed played, not a population of seeds: with two or three seeds, resampling
    seeds would only say which seed came out. Where no seed's scores vary, a bootstrap would collapse to a point:
    for scores of 0 and 1 the Wilson interval over all of them is used instead; otherwise (one learnability reward
    per seed, say) nothing bounds the spread, so the interval is undefined (NaN bounds, which no comparison of
    intervals calls clear).
    """
    arrays = [np.asarray(g, dtype=np.float64) for g in groups if len(g)]
    if not arrays:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    flat = np.concatenate(arrays)
    point = float(np.mean([a.mean() for a in arrays]))
    if all(np.all(a == a[0]) for a in arrays):
        if np.all((flat == 0.0) | (flat == 1.0)):
            wilson = wilson_interval(int(flat.sum()), int(flat.size))
            return Estimate(point, min(wilson.low, point), max(wilson.high, point), int(flat.size))
        return Estimate(point, float("nan"), float("nan"), int(flat.size))
    means = np.mean([a[rng.integers(0, a.size, size=(n_boot, a.size))].mean(axis=1) for a in arrays], axis=0)  # (B,)
    low, high = np.quantile(means, [0.025, 0.975])
    return Estimate(point, min(float(low), point), max(float(high), point), int(flat.size))


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from ``n`` samples of which ``c`` are correct: ``1 - C(n-c, k) / C(n, k)``.

    Computed as a stable product (Chen et al., 2021) rather than with large binomials.
    """
    if not 0 < k <= n or not 0 <= c <= n:
        raise ValueError(f"pass@k needs 0 < k <= n and 0 <= c <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - float(np.prod(1.0 - k / np.arange(n - c + 1, n + 1)))


def mean_pass_at_k(correct_counts: Sequence[int], n: int, k: int) -> float:
    """Mean unbiased pass@k over items, each with ``n`` samples and ``correct_counts[i]`` correct."""
    if not correct_counts:
        return float("nan")
    return float(np.mean([pass_at_k(n, c, k) for c in correct_counts]))
