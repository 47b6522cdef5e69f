"""Rollout backends: the ``RolloutBackend`` protocol, ``make_backend``, ``HFBackend`` and ``VLLMBackend``.

``HFBackend`` and ``VLLMBackend`` are loaded on first access, so importing this package imports neither torch
nor vllm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agents.llm.backends.base import BACKENDS, RolloutBackend, make_backend

if TYPE_CHECKING:
    from agents.llm.backends.hf import HFBackend
    from agents.llm.backends.vllm import VLLMBackend

__all__ = ["BACKENDS", "HFBackend", "RolloutBackend", "VLLMBackend", "make_backend"]


def __getattr__(name: str) -> Any:
    if name == "HFBackend":
        from agents.llm.backends.hf import HFBackend

        return HFBackend
    if name == "VLLMBackend":
        from agents.llm.backends.vllm import VLLMBackend

        return VLLMBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
