"""Pluggable advantage estimators, selected by name (``TrainConfig.algo``).

Built in: ``trr++`` (the paper's task-relative REINFORCE++, default), ``grpo`` (per-task groups), ``reinforce++``
(one global baseline), ``rloo`` (leave-one-out per task). Add one with::

    @register_estimator("my-algo")
    def my_algo(inputs: AdvantageInputs) -> np.ndarray:
        return inputs.rewards - inputs.rewards.mean()

or pass ``--algo my_module:my_function`` to import one without registering it.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable

from agents.llm.estimators.base import AdvantageInputs, Estimator
from azr_env.errors import DuplicateNameError, UnknownNameError

_ESTIMATORS: dict[str, Estimator] = {}


def register_estimator(name: str) -> Callable[[Estimator], Estimator]:
    """Decorator: register a function as the advantage estimator called ``name``."""

    def decorate(fn: Estimator) -> Estimator:
        if name in _ESTIMATORS:
            raise DuplicateNameError(f"an advantage estimator named {name!r} is already registered")
        _ESTIMATORS[name] = fn
        return fn

    return decorate


def get_estimator(name: str) -> Estimator:
    """Return the estimator registered as ``name``, or the function ``module:attr`` names (importing the module).

    Unknown names raise ``UnknownNameError`` with suggestions.
    """
    if ":" in name and name not in _ESTIMATORS:
        module, _, attr = name.partition(":")
        if os.getcwd() not in sys.path:  # `azr` is a console script: make the user's own modules importable
            sys.path.append(os.getcwd())
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            raise UnknownNameError("advantage estimator", name, _ESTIMATORS) from None
    try:
        return _ESTIMATORS[name]
    except KeyError:
        raise UnknownNameError("advantage estimator", name, _ESTIMATORS) from None


def list_estimators() -> list[str]:
    """Return the registered estimator names, sorted."""
    return sorted(_ESTIMATORS)


from agents.llm.estimators import grpo, reinforce_pp, rloo, trr_pp  # noqa: E402  (built-ins register themselves)

__all__ = [
    "AdvantageInputs",
    "Estimator",
    "get_estimator",
    "grpo",
    "list_estimators",
    "register_estimator",
    "reinforce_pp",
    "rloo",
    "trr_pp",
]
