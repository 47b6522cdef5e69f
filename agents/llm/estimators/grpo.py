"""``grpo``: per-task baselines; the n solve attempts at one proposal form a group.

A response whose task has no other response in the batch (a proposal, a single buffer solve) is a singleton group
and gets advantage 0, as GRPO gives a prompt with one sample.
"""

from __future__ import annotations

import numpy as np

from agents.llm.estimators import register_estimator
from agents.llm.estimators.base import AdvantageInputs
from agents.llm.trr import group_whiten


@register_estimator("grpo")
def grpo(inputs: AdvantageInputs) -> np.ndarray:
    """Whiten each reward within the group of responses to the same task (same role)."""
    keys = [(g, r) for g, r in zip(inputs.group_ids, inputs.roles, strict=True)]
    return group_whiten(inputs.rewards, keys, level=inputs.level, lengths=inputs.lengths)
