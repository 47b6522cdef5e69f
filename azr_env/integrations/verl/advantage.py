"""TRR++ advantages for verl: rewards whitened per (task type, role) group, as in the paper (eq. 8).

verl hands an estimator only the rewards, the response mask and each row's ``uid`` (one per prompt row). The
self-play service records the (type, role) of every rollout it served by uid, so the registered estimator
(``azr_env.integrations.verl.plugin``) asks it for the group keys and pools every rollout of one (type, role) in
the batch, across prompts; a uid the service never saw is its own group (per-prompt whitening for it). The
statistics are those of our own trainer (``agents.llm.trr.group_whiten``), at sequence or token level.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from agents.llm.trr import Level, group_whiten


def trr_advantages(
    scores: np.ndarray, keys: Sequence[str], lengths: np.ndarray | None = None, level: Level = "sequence"
) -> np.ndarray:
    """Whiten ``scores`` (B,) within each group of equal ``keys``; singleton and constant groups get 0."""
    return group_whiten(np.asarray(scores, dtype=np.float64), list(keys), level=level, lengths=lengths)
