"""``rloo``: REINFORCE leave-one-out; the baseline of a response is the mean reward of the others on its task."""

from __future__ import annotations

import numpy as np

from agents.llm.estimators import register_estimator
from agents.llm.estimators.base import AdvantageInputs
from agents.llm.trr import group_indices


@register_estimator("rloo")
def rloo(inputs: AdvantageInputs) -> np.ndarray:
    """``A_i = r_i - mean_{j != i} r_j`` within each (task, role) group; singletons get 0. Not whitened."""
    rewards = np.asarray(inputs.rewards, dtype=np.float64)  # (B,)
    out = np.zeros_like(rewards)  # (B,)
    for idx in group_indices([(g, r) for g, r in zip(inputs.group_ids, inputs.roles, strict=True)]):
        n = idx.size
        if n > 1:
            group = rewards[idx]  # (n,)
            out[idx] = group - (group.sum() - group) / (n - 1)
    return out
