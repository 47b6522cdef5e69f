"""Agents by name: ``register_agent(name)`` decorates a factory, ``make_agent(name, ...)`` builds one.

A factory is any callable ``factory(context: AgentContext, **options) -> Agent`` (a class works). Built-in agents
live in modules imported on first use, so listing or building one never imports torch unless that agent needs it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from agents.base import Agent, AgentContext
from azr_env.errors import ConfigError, DuplicateNameError, UnknownNameError

F = TypeVar("F", bound=Callable[..., Agent])

_FACTORIES: dict[str, Callable[..., Agent]] = {}

BUILTIN_MODULES: tuple[str, ...] = (
    "agents.baselines.random_agent",
    "agents.baselines.replay",
    "agents.baselines.oracle",
    "agents.baselines.stochastic_oracle",
    "agents.baselines.zero_shot",
    "agents.sb3.train",
)
"""Modules whose import registers the built-in agents (random, replay, oracle, stochastic-oracle, zero-shot, sb3-ppo,
sb3-a2c)."""


def register_agent(name: str) -> Callable[[F], F]:
    """Register an agent factory under ``name``; raises ``DuplicateNameError`` if the name is taken."""

    def decorate(factory: F) -> F:
        if name in _FACTORIES and _FACTORIES[name] is not factory:
            raise DuplicateNameError(f"agent {name!r} is already registered by {_FACTORIES[name]!r}")
        _FACTORIES[name] = factory
        return factory

    return decorate


def _load_builtins() -> None:
    for module in BUILTIN_MODULES:
        importlib.import_module(module)


def list_agents() -> list[str]:
    """Return every registered agent name, sorted."""
    _load_builtins()
    return sorted(_FACTORIES)


def make_agent(name: str, context: AgentContext | None = None, **options: Any) -> Agent:
    """Build the agent registered as ``name``; unknown names raise ``UnknownNameError`` with a suggestion."""
    _load_builtins()
    if name not in _FACTORIES:
        raise UnknownNameError("agent", name, _FACTORIES)
    factory = _FACTORIES[name]
    try:
        inspect.signature(factory).bind(context, **options)
    except TypeError as exc:
        accepted = [p for p in inspect.signature(factory).parameters if p not in ("self", "context")]
        raise ConfigError(f"agent {name!r} takes the options {accepted}, not {sorted(options)}: {exc}") from None
    return factory(context or AgentContext(), **options)
