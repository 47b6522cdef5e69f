"""Gymnasium ids of azr-env, registered on ``import azr_env`` (entry points are strings: nothing heavy loads).

Ids are versioned: any change to rewards or verification semantics gets a new ``-vN``.
"""

from __future__ import annotations

from typing import Any

import gymnasium

ENV_IDS: dict[str, dict[str, Any]] = {
    "azr_env/AbsoluteZero-v0": {
        "entry_point": "azr_env.env:AbsoluteZeroEnv",
        "vector_entry_point": "azr_env.vector:AZRVectorEnv",
    },
    "azr_env/Solve-v0": {"entry_point": "azr_env.solve_env:SolveEnv"},
}
"""Every registered id and its entry points."""


def register_envs() -> None:
    """Register every id in ``ENV_IDS`` with Gymnasium; ids already registered are left alone (re-imports)."""
    for env_id, entry_points in ENV_IDS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, disable_env_checker=False, **entry_points)
