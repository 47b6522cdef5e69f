"""``reinforce++``: one global baseline, the whole batch whitened together."""

from __future__ import annotations

import numpy as np

from agents.llm.estimators import register_estimator
from agents.llm.estimators.base import AdvantageInputs
from agents.llm.trr import group_whiten


@register_estimator("reinforce++")
def reinforce_plus_plus(inputs: AdvantageInputs) -> np.ndarray:
    """Whiten all rewards of the batch as a single group."""
    keys = [0] * len(inputs.rewards)
    return group_whiten(inputs.rewards, keys, level=inputs.level, lengths=inputs.lengths)
