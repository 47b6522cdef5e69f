"""azr-env: Absolute Zero as a Gymnasium environment.

``import azr_env`` registers ``azr_env/AbsoluteZero-v5`` and ``azr_env/Solve-v5`` with Gymnasium and stays light: the
env classes, the executor and everything heavy load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from azr_env.registration import ENV_IDS, register_envs

__version__ = "0.1.0"

if TYPE_CHECKING:
    from azr_env.config import EnvConfig
    from azr_env.env import AbsoluteZeroEnv
    from azr_env.solve_env import SolveEnv
    from azr_env.vector import AZRVectorEnv

_LAZY = {
    "AbsoluteZeroEnv": "azr_env.env",
    "AZRVectorEnv": "azr_env.vector",
    "EnvConfig": "azr_env.config",
    "SolveEnv": "azr_env.solve_env",
}

__all__ = ["ENV_IDS", "AZRVectorEnv", "AbsoluteZeroEnv", "EnvConfig", "SolveEnv", "__version__"]

register_envs()


def __getattr__(name: str) -> Any:
    """Import the public classes on first access, so ``import azr_env`` stays cheap."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'azr_env' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
