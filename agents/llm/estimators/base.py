"""The advantage-estimator contract: a pure function from one batch of scored responses to advantages.

An estimator receives an :class:`AdvantageInputs` (rewards plus the labels it may group by) and returns ``(B,)``
advantages, one per response; the trainer applies each value to every token of its response. Estimators are
registered by name (``@register_estimator("name")``) and chosen with ``TrainConfig.algo``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from agents.llm.trr import Level


@dataclass(frozen=True)
class AdvantageInputs:
    """One training batch as estimators see it.

    Attributes:
        rewards: ``(B,)`` scalar reward per response.
        task_types: ``(B,)`` task type of each response.
        roles: ``(B,)`` ``"propose"`` or ``"solve"``.
        group_ids: ``(B,)`` the task each response is about: a solve attempt's task id (the n attempts at one new
            proposal share it, which gives GRPO its groups), a proposal's own id for proposals.
        lengths: ``(B,)`` response lengths in tokens (for token-level statistics).
        level: ``"sequence"`` or ``"token"`` statistics, for estimators that whiten.
    """

    rewards: np.ndarray
    task_types: Sequence[str]
    roles: Sequence[str]
    group_ids: Sequence[str]
    lengths: np.ndarray
    level: Level = "sequence"


Estimator = Callable[[AdvantageInputs], np.ndarray]
"""``estimator(inputs) -> (B,) advantages``."""
