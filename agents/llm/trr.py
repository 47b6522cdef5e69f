"""Task-Relative REINFORCE++ (TRR++) advantages: the paper's six baselines, as pure numpy functions.

Absolute Zero normalizes every reward by the mean and standard deviation of its own (task type, role) group:
three task types times two roles give six baselines (paper eq. 8). Two variants:

- ``level="sequence"`` (paper eq. 8): each response counts once; ``A_i = (r_i - mean) / sqrt(var + eps)`` with the
  population variance of the group.
- ``level="token"`` (the paper's code, veRL ``masked_whiten``): the reward sits on every response token (gamma = 1),
  and the mean and the (Bessel-corrected) variance are taken over *all valid tokens* of the group, so a long
  response weighs more in the baseline. Every token of one response then gets the same advantage, so it is
  returned per response as well.

A group with a single member, or whose rewards are all equal, carries no signal: its advantages are exactly 0.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np

from azr_env.errors import ConfigError

Level = Literal["sequence", "token"]
EPS = 1e-8
"""Added to the variance before the square root (veRL uses the same constant)."""


def group_indices(keys: Sequence[Hashable]) -> list[np.ndarray]:
    """Return the index arrays of equal keys, groups in order of first appearance."""
    groups: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    return [np.asarray(idx, dtype=np.int64) for idx in groups.values()]


def whiten(values: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Whiten one group: ``(x - mean) / sqrt(var + EPS)``; 0 for singleton or constant groups.

    Args:
        values: ``(G,)`` one reward per response.
        weights: ``(G,)`` response lengths in tokens for the token-level variant (each response is repeated that
            many times, variance Bessel-corrected over tokens), or None for the sequence-level variant.

    Returns:
        ``(G,)`` float64 advantages.
    """
    values = np.asarray(values, dtype=np.float64)  # (G,)
    if values.size < 2 or np.all(values == values[0]):
        return np.zeros_like(values)
    if weights is None:
        mean, var = values.mean(), values.var()
    else:
        w = np.asarray(weights, dtype=np.float64)  # (G,)
        n_tokens = w.sum()
        mean = float((w * values).sum() / n_tokens)
        var = float((w * (values - mean) ** 2).sum() / n_tokens) * n_tokens / max(n_tokens - 1.0, 1.0)
    return (values - mean) / np.sqrt(var + EPS)


def group_whiten(
    rewards: np.ndarray,
    keys: Sequence[Hashable],
    *,
    level: Level = "sequence",
    lengths: np.ndarray | None = None,
) -> np.ndarray:
    """Whiten ``rewards`` (B,) within each group of equal ``keys``; ``lengths`` (B,) is needed for ``"token"``."""
    rewards = np.asarray(rewards, dtype=np.float64)  # (B,)
    if len(keys) != rewards.shape[0]:
        raise ConfigError(f"got {rewards.shape[0]} rewards but {len(keys)} group keys")
    if level == "token" and lengths is None:
        raise ConfigError("the token-level variant needs the response lengths")
    out = np.zeros_like(rewards)  # (B,)
    for idx in group_indices(keys):
        weights = None if level == "sequence" or lengths is None else np.asarray(lengths)[idx]
        out[idx] = whiten(rewards[idx], weights)
    return out


def task_relative_advantages(
    rewards: np.ndarray | Sequence[float],
    task_types: Sequence[str],
    roles: Sequence[str],
    *,
    level: Level = "sequence",
    lengths: np.ndarray | Sequence[int] | None = None,
) -> np.ndarray:
    """TRR++: normalize each reward by the mean and std of its own (task type, role) group.

    Args:
        rewards: ``(B,)`` one scalar reward per response.
        task_types: ``(B,)`` task type name of each response (``"deduction"``, ...).
        roles: ``(B,)`` ``"propose"`` or ``"solve"``.
        level: ``"sequence"`` (paper eq. 8) or ``"token"`` (the paper's code: token-weighted statistics).
        lengths: ``(B,)`` response lengths in tokens; required for ``level="token"``.

    Returns:
        ``(B,)`` float64 advantages, one per response (the same value applies to each of its tokens).
    """
    if len(task_types) != len(roles):
        raise ConfigError(f"got {len(task_types)} task types but {len(roles)} roles")
    keys = [(str(t), str(r)) for t, r in zip(task_types, roles, strict=True)]
    lens = None if lengths is None else np.asarray(lengths, dtype=np.float64)
    return group_whiten(np.asarray(rewards, dtype=np.float64), keys, level=level, lengths=lens)
