"""Attribute capabilities: which attributes of which objects a sandboxed program may read.

An allow-list, not a block-list. ``obj.name`` is readable when ``name`` is an exact ``str`` that does not start
with ``_`` and the class that *defines* ``name`` for ``obj`` grants it. The defining class is found the way
CPython looks an attribute up: the first class of the MRO whose own namespace holds the name (for a class object,
its own MRO first, then its metaclass's). Then:

- a class the program defined itself (see ``modules.is_own``) grants every name it defines;
- a foreign class grants only the names listed for it in :data:`GRANTS`: the public methods and fields of plain
  data types, of the offered library value types (``Counter``, ``Fraction``, ``re.Match``...), of exceptions, and
  every name of a module proxy. What is not listed does not exist for the program: ``partial.func``,
  ``property.fget``, ``AttributeError.obj``, ``gi_frame``, ``dict_keys.mapping``, ``ABCMeta.register`` and every
  attribute of a foreign function, frame, code object or descriptor;
- a name no class defines is an instance attribute: readable on the program's own instances, and on foreign
  objects only where :data:`INSTANCE_GRANTS` lists it (``re.error.msg``).

Decisions are cached per (type, name). The cache of foreign types is filled once, at import (so it never grows
inside a task); decisions about the program's own classes go to a per-run cache that ``forget_run`` empties, so no
program class outlives its run through it. ``str.format``, ``__init__`` and ``super()`` are handled by the guard in
:mod:`azr_env.executor.policy` before this module is asked.
"""

from __future__ import annotations

import builtins
import collections
import collections.abc
import dataclasses
import decimal
import enum
import fractions
import functools
import itertools
import numbers
import re
import statistics
from collections.abc import Mapping
from types import GeneratorType, MappingProxyType
from typing import Any

from azr_env.executor.modules import MODULE_PROXIES, is_own

_MRO = type.__dict__["__mro__"].__get__
_CLASS_DICT = type.__dict__["__dict__"].__get__
_SUPER_THIS = vars(super)["__thisclass__"].__get__
_SUPER_SELF_CLASS = vars(super)["__self_class__"].__get__

_ORDERED_DICT_VIEWS = tuple(type(getattr(collections.OrderedDict(), view)()) for view in ("keys", "values", "items"))
_DATA_TYPES: tuple[type, ...] = (
    int, bool, float, complex, str, bytes, bytearray, list, tuple, dict, set, frozenset, range, slice,
    type({}.keys()), type({}.values()), type({}.items()),
)  # fmt: skip
_LIBRARY_TYPES: tuple[type, ...] = (
    collections.Counter, collections.OrderedDict, collections.defaultdict, collections.deque, collections.ChainMap,
    fractions.Fraction, decimal.Decimal, decimal.Context, numbers.Number, numbers.Complex, numbers.Real,
    numbers.Rational, numbers.Integral, re.Pattern, re.Match, type(re.compile("").scanner("")), enum.Enum,  # type: ignore[attr-defined]
    enum.Flag, enum.IntFlag,
    *(vars(collections.abc)[name] for name in collections.abc.__all__ if name in vars(collections.abc)),
    *(kind for kind in vars(itertools).values() if isinstance(kind, type)),  # chain.from_iterable
    *_ORDERED_DICT_VIEWS,
)  # fmt: skip
_NOT_GRANTED: dict[type, set[str]] = {
    str: {"format", "format_map"},  # offered through ``policy.safe_format`` only (CVE-2023-41039)
    type({}.keys()): {"mapping"},
    type({}.values()): {"mapping"},
    type({}.items()): {"mapping"},
    **{view: {"mapping"} for view in _ORDERED_DICT_VIEWS},
}
_EXCEPTIONS = tuple(
    kind
    for kind in (
        *vars(builtins).values(),
        *(getattr(decimal, name) for name in dir(decimal)),
        statistics.StatisticsError,
        dataclasses.FrozenInstanceError,
    )
    if isinstance(kind, type) and issubclass(kind, BaseException) and kind is not AttributeError
)


def _public(kind: type) -> frozenset[str]:
    """The public names a class defines in its own namespace."""
    return frozenset(name for name in _CLASS_DICT(kind) if not name.startswith("_"))


def _grants() -> dict[type, frozenset[str]]:
    grants = {kind: _public(kind) - _NOT_GRANTED.get(kind, set()) for kind in (*_DATA_TYPES, *_LIBRARY_TYPES)}
    grants.update((kind, _public(kind)) for kind in _EXCEPTIONS)
    grants[BaseException] = frozenset({"args", "with_traceback", "add_note"})
    grants[AttributeError] = frozenset()  # never .obj or .name: they hand out the object that was probed
    grants[type] = frozenset({"mro"})
    grants[GeneratorType] = frozenset({"send", "throw", "close"})
    grants[property] = frozenset({"getter", "setter", "deleter"})
    grants[type(functools.lru_cache(len))] = frozenset({"cache_info", "cache_clear", "cache_parameters"})
    grants[functools._CacheInfo] = frozenset(functools._CacheInfo._fields)
    grants[decimal.DecimalTuple] = frozenset(decimal.DecimalTuple._fields)
    grants[dataclasses.Field] = frozenset(
        {"name", "type", "default", "default_factory", "init", "repr", "hash", "compare", "metadata", "kw_only"}
    )
    grants[dataclasses.InitVar] = frozenset({"type"})
    grants.update((type(proxy), _public(type(proxy))) for proxy in MODULE_PROXIES.values())
    return grants


GRANTS: Mapping[type, frozenset[str]] = MappingProxyType(_grants())
"""Foreign class -> the names it defines that a program may read."""

INSTANCE_GRANTS: Mapping[type, frozenset[str]] = MappingProxyType(
    {re.error: frozenset({"msg", "pattern", "pos", "lineno", "colno"})}
)
"""Foreign class -> instance attributes (set by its ``__init__``, in no class namespace) a program may read."""


def _definer(kind: type, name: str) -> type | None:
    """The first class of ``kind``'s MRO whose own namespace holds ``name`` (CPython's ``_PyType_Lookup``)."""
    for cls in _MRO(kind):
        if name in _CLASS_DICT(cls):
            return cls
    return None


def _granted_by(cls: type, name: str) -> bool:
    return is_own(cls) or name in GRANTS.get(cls, ())


def _instance_attribute(obj: Any, name: str) -> bool:
    """``name`` is in no class namespace: readable on the program's own instances, else where listed."""
    return is_own(obj) or any(name in INSTANCE_GRANTS.get(cls, ()) for cls in _MRO(type(obj)))


def decide_super(proxy: super, name: str) -> bool:
    """Whether ``super(...).name`` may be read: the definer is searched after ``__thisclass__`` in the MRO."""
    if name.startswith("_"):
        return False
    this = _SUPER_THIS(proxy)
    start = _SUPER_SELF_CLASS(proxy)
    if start is None:
        return False
    mro = _MRO(start)
    after = next((i for i, cls in enumerate(mro) if cls is this), len(mro)) + 1
    where = next((cls for cls in mro[after:] if name in _CLASS_DICT(cls)), None)
    return where is not None and _granted_by(where, name)


def decide(obj: Any, name: str) -> bool:
    """Whether ``obj.name`` may be read (uncached; ``name`` must already be an exact ``str``)."""
    if name.startswith("_"):
        return False
    if isinstance(obj, type):
        where = _definer(obj, name) or _definer(type(obj), name)
        return where is not None and _granted_by(where, name)
    where = _definer(type(obj), name)
    if where is None:
        return _instance_attribute(obj, name)
    return _granted_by(where, name)


_FOREIGN: Mapping[tuple[Any, str], bool]
"""(type of an instance, name) -> decision, for instances of foreign classes; filled at import, read-only."""

_FOREIGN_CLASSES: Mapping[tuple[Any, str], bool]
"""(foreign class object, name) -> decision; filled at import, read-only."""

_RUN: dict[tuple[Any, str], bool] = {}
"""Decisions about the program's own objects during the current run; emptied by ``forget_run``."""


def readable(obj: Any, name: str) -> bool:
    """Whether a program may read ``obj.name`` (cached). ``name`` must be an exact ``str`` (the caller checks)."""
    kind = type(obj)
    hit = _FOREIGN.get((kind, name))
    if hit is not None:
        return hit
    key = (obj, name) if isinstance(obj, type) else (kind, name)
    hit = _FOREIGN_CLASSES.get(key)
    if hit is None:
        hit = _RUN.get(key)
    if hit is None:
        hit = decide(obj, name)
        if is_own(obj):
            _RUN[key] = hit
    return hit


def forget_run() -> None:
    """Drop every decision about the program's own classes (called after each run)."""
    _RUN.clear()


def _prefill() -> tuple[dict[tuple[Any, str], bool], dict[tuple[Any, str], bool]]:
    """Decide every public name of every granted class once, for its instances and for the class object."""
    instances, classes = {}, {}
    for kind in GRANTS:
        for name in {name for cls in _MRO(kind) for name in _public(cls)}:
            classes[(kind, name)] = decide(kind, name)
            where = _definer(kind, name)
            if where is not None and not issubclass(kind, type):
                instances[(kind, name)] = _granted_by(where, name)
    return instances, classes


_FOREIGN, _FOREIGN_CLASSES = (MappingProxyType(table) for table in _prefill())
