"""Which optional arguments a causal LM's ``forward`` takes: the names differ across ``transformers`` versions."""

from __future__ import annotations

import inspect
from typing import Any


def _forward_parameters(model: Any) -> set[str]:
    """Parameter names of ``model.forward`` (of the wrapped model for a ``peft`` wrapper, which passes them on)."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return set(inspect.signature(inner.forward).parameters)


def accepts_logits_to_keep(model: Any) -> bool:
    """Whether ``model.forward`` takes ``logits_to_keep`` (the LM head then runs on the last positions only)."""
    return "logits_to_keep" in _forward_parameters(model)


def cache_argument(model: Any) -> str:
    """Name the forward argument and output field that carry the KV cache.

    ``cache`` in recent ``transformers`` (which deprecates the old name and warns on every call), ``past_key_values``
    in older ones and in plain modules.
    """
    return "cache" if "cache" in _forward_parameters(model) else "past_key_values"
