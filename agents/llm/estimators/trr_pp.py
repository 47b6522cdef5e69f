"""``trr++``: the paper's Task-Relative REINFORCE++, six (task type, role) baselines."""

from __future__ import annotations

import numpy as np

from agents.llm.estimators import register_estimator
from agents.llm.estimators.base import AdvantageInputs
from agents.llm.trr import task_relative_advantages


@register_estimator("trr++")
def trr_plus_plus(inputs: AdvantageInputs) -> np.ndarray:
    """Whiten each reward within its (task type, role) group (see ``agents.llm.trr``)."""
    return task_relative_advantages(
        inputs.rewards, inputs.task_types, inputs.roles, level=inputs.level, lengths=inputs.lengths
    )
