"""The task-type registry: built-ins register on import of ``azr_env.tasks``; plugins through entry points.

One registry holds every task type, self-play types (``TaskType``) and solve-only ones (``SolveType`` alone):
``get_solve_type`` returns any of them (suites, ``Solve-v5``), ``get_task_type`` only a self-play type and refuses a
solve-only one with a ``ConfigError`` that says why.

A third-party package adds a type by declaring, in its ``pyproject.toml``::

    [project.entry-points."azr_env.task_types"]
    mytype = "my_package.my_module:MyTaskType"

Entry points are loaded once, lazily, the first time the registry is read.
"""

from __future__ import annotations

import importlib
import warnings
from importlib.metadata import entry_points
from typing import Any, TypeVar

from azr_env.errors import ConfigError, DuplicateNameError, UnknownNameError
from azr_env.tasks.base import SolveType, TaskType

ENTRY_POINT_GROUP = "azr_env.task_types"

_T = TypeVar("_T", bound=type[SolveType[Any]])

_REGISTRY: dict[str, type[SolveType[Any]]] = {}
_INSTANCES: dict[str, SolveType[Any]] = {}
_entry_points_loaded = False


def register_task_type(cls: _T) -> _T:
    """Class decorator: register a ``TaskType`` (or solve-only ``SolveType``) subclass under its ``name``.

    Raises:
        DuplicateNameError: another class is already registered under the same name.
        TypeError: ``cls`` is not a ``SolveType`` subclass with a non-empty string ``name``.
    """
    if not (isinstance(cls, type) and issubclass(cls, SolveType)):
        raise TypeError(f"register_task_type expects a TaskType or SolveType subclass, got {cls!r}")
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise TypeError(f"{cls.__qualname__} needs a non-empty class attribute `name` to be registered")
    known = _REGISTRY.get(name)
    if known is not None and known is not cls:
        raise DuplicateNameError(f"task type {name!r} is registered twice: {known.__qualname__} and {cls.__qualname__}")
    _REGISTRY[name] = cls
    return cls


def get_task_type(name: str) -> TaskType:
    """Return the (shared, stateless) instance of the self-play task type registered as ``name``.

    Raises:
        UnknownNameError: no such type; the message suggests close names.
        ConfigError: the type is solve-only (it has no propose part, so self-play cannot use it).
    """
    return proposing(get_solve_type(name))


def proposing(task_type: SolveType[Any]) -> TaskType:
    """Return ``task_type`` as a self-play type.

    Raises:
        ConfigError: it is solve-only.
    """
    if not isinstance(task_type, TaskType):
        raise ConfigError(
            f"task type {task_type.name!r} is solve-only: it has no propose part (no proposer prompt, no proposal "
            "validation), so self-play cannot use it; evaluate it on a suite (azr eval, azr_env/Solve-v5)"
        )
    return task_type


def get_solve_type(name: str) -> SolveType[Any]:
    """Return the (shared, stateless) instance of any task type registered as ``name``, solve-only ones included.

    Raises:
        UnknownNameError: no such type; the message suggests close names.
    """
    _load_entry_points()
    if name not in _INSTANCES:
        cls = _REGISTRY.get(name)
        if cls is None:
            raise UnknownNameError("task type", name, _REGISTRY)
        _INSTANCES[name] = cls()
    return _INSTANCES[name]


def list_task_types(*, solve_only: bool | None = False) -> list[str]:
    """Return registered task-type names, built-ins first, in registration order.

    Args:
        solve_only: ``False`` (default): the self-play types; ``True``: the solve-only types; ``None``: all.
    """
    _load_entry_points()
    if solve_only is None:
        return list(_REGISTRY)
    return [name for name, cls in _REGISTRY.items() if issubclass(cls, TaskType) != solve_only]


def resolve_task_type(spec: str) -> TaskType:
    """Return a task type from a registered name or an import path ``package.module:ClassName``.

    Raises:
        UnknownNameError: the name is not registered, or the module has no such class.
        ConfigError: the module cannot be imported.
        TypeError: the import path names something that is not a ``TaskType`` subclass.
    """
    if ":" not in spec:
        return get_task_type(spec)
    module_name, _, class_name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"cannot import module {module_name!r} of task type {spec!r}: {exc}") from exc
    cls = getattr(module, class_name, None)
    if cls is None:
        public = [attr for attr in vars(module) if not attr.startswith("_")]
        raise UnknownNameError(f"class in module {module_name}", class_name, public)
    if not (isinstance(cls, type) and issubclass(cls, TaskType)):
        raise TypeError(f"{spec} is not a TaskType subclass")
    return cls()


def _load_entry_points() -> None:
    global _entry_points_loaded  # noqa: PLW0603 - the registry is the one deliberate module-level cache
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry_point.load()
            register_task_type(cls)
        except Exception as exc:  # a broken plugin must not break the built-in types
            warnings.warn(f"task-type plugin {entry_point.name!r} failed to load: {exc}", stacklevel=2)
