"""verl plugin (entry point ``verl.plugins``): registers the AZR agent loops and the ``azr_trr`` estimator.

verl imports every ``verl.plugins`` entry point when it is imported, in every process of a run, so installing
azr-env next to verl is enough: set ``algorithm.adv_estimator=azr_trr`` and name the loops in the dataset
(``agent_name``: ``azr_propose`` / ``azr_solve``). Supported: verl 0.9.1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from azr_env.integrations.verl import VERL
from azr_env.integrations.verl.advantage import trr_advantages
from azr_env.optional import require

require(VERL)

import torch  # noqa: E402 - verl is checked first, so a wrong verl fails with the message that says what to install
from verl.trainer.ppo.core_algos import register_adv_est  # noqa: E402

from azr_env.integrations.verl import agent_loops  # noqa: E402, F401 - registers azr_propose and azr_solve


@register_adv_est("azr_trr")
def trr_estimator(
    token_level_rewards: torch.Tensor,
    response_mask: torch.Tensor,
    index: np.ndarray | None = None,
    config: Any = None,
    **_: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    """TRR++ for verl: one baseline per (task type, role) over the whole batch, sequence level (paper eq. 8)."""
    scores = token_level_rewards.sum(dim=-1)  # (B,)
    uids = [str(u) for u in (index if index is not None else range(scores.shape[0]))]
    keys = group_keys(uids)
    advantages = trr_advantages(scores.detach().cpu().numpy(), keys)  # (B,)
    out = torch.as_tensor(advantages, dtype=scores.dtype, device=scores.device).unsqueeze(-1) * response_mask
    return out, out


def group_keys(uids: list[str]) -> list[str]:
    """Each rollout's ``"type/role"`` from the self-play service, or its uid when no service runs."""
    import ray

    from azr_env.integrations.verl.service import NAMESPACE, SERVICE_NAME

    if not ray.is_initialized():
        return uids
    try:
        service = ray.get_actor(SERVICE_NAME, namespace=NAMESPACE)
    except ValueError:
        return uids
    return list(ray.get(service.group_keys.remote(uids)))
