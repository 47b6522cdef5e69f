"""Isolation between runs inside one worker: a clean start before every run, a census after it, an audit per task.

Every run of a program on an input starts from the state the worker had when it was forked, whatever earlier
runs did. The steps (``worker.Session`` calls them):

1. **Reset** (:func:`prepare`, before a run): a fresh ``decimal`` context, a full garbage collection (so gc
   timing inside the run depends only on the run, never on what ran before), then ``gc.freeze()``: everything
   alive now moves to the permanent generation, out of sight of the census.
2. **Census** (:func:`empty_caches`, still under the tripwire, then :func:`survivors`): the library caches a run
   may fill are emptied (``re``, ``typing``, the ABCs the run checked, the capability cache of the program's own
   classes) and garbage is collected; every object the collector still tracks outside the permanent generation is
   then one the run created and that outlived it: a cache entry holding a program object (``re.compile(p, E(2))``
   with an ``int`` subclass whose ``__eq__`` is always true), an object stored into library state, a suspended
   generator kept alive somewhere. Any survivor retires the worker after it answers.
3. **Audit** (:func:`intact`, before the first run of every task): the namespaces on the verdict path (our sandbox
   modules, their classes and module-level tables, RestrictedPython, ``builtins``) and the closure cells of our
   functions must be as they were when the worker started (same keys, same objects); every :data:`SWEEP_EVERY`
   tasks, so must every other module namespace and every class a program can reach. A program that got past the
   policy and rebound a name (``worker.encode``, a builtin, a library method) never has a later task run on its
   worker. The policy's own tables are immutable (``MappingProxyType``, ``frozenset``) and need no audit.

What this does not cover (and the threat model says so): a program already outside the policy that changes an
existing mutable object in place without creating one (an element of a list some module holds, an attribute of a
library object), or a library namespace between two sweeps. The audit-hook tripwire (:mod:`.tripwire`) and the
kernel layers are the defences there.
"""

from __future__ import annotations

import abc
import builtins
import contextlib
import decimal
import gc
import operator
import re
import sys
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FunctionType, MappingProxyType, ModuleType
from typing import Any

from azr_env.executor import capabilities
from azr_env.executor.modules import MODULE_ATTRS, MODULE_PROXIES

Watched = dict[str, Any] | MappingProxyType[str, Any] | list[Any] | set[Any]

_SANDBOX_PACKAGES = ("azr_env.executor", "RestrictedPython")
_clear_abc = getattr(abc, "_reset_caches", None)


_ABCS: list[type] = []
"""Every abstract base class of the process (``isinstance`` against one fills caches on it and its subclasses)."""

_TOUCHED_ABCS: set[type] = set()
"""The ABCs an ``isinstance``/``issubclass`` check reached during the current run (their caches may have grown)."""

_TYPING_CLEANUPS: list[Callable[[], None]] = getattr(typing, "_cleanups", [])


class _Unrelated:
    """A class no ABC claims: checking it against each ABC creates that ABC's negative cache."""


def settle_library_state() -> None:
    """Once, in the zygote after its warm-up: create every lazily built library cache container now.

    An ABC creates its cache sets on first use; created during a run, they would outlive it and count as its
    leftovers. So each ABC is checked once against itself and against an unrelated class, and then emptied. Then
    ``ABCMeta.__instancecheck__``/``__subclasscheck__`` are wrapped to note each ABC they run on, so that after a run
    only those are emptied (emptying all 113 took 7 µs a run).
    """
    _ABCS[:] = [obj for obj in gc.get_objects() if isinstance(obj, abc.ABCMeta)]
    for cls in _ABCS:
        for candidate in (cls, _Unrelated):
            with contextlib.suppress(TypeError):  # some typing protocols refuse issubclass
                issubclass(candidate, cls)
    if _clear_abc is not None:
        for cls in _ABCS:
            _clear_abc(cls)
    for name in ("__instancecheck__", "__subclasscheck__"):
        setattr(abc.ABCMeta, name, _noting_touched(getattr(abc.ABCMeta, name)))
    empty_caches()


def _noting_touched(check: Callable[[type, Any], bool]) -> Callable[[type, Any], bool]:
    """``check`` (an ABCMeta method) that also notes the ABC it ran on, so only those caches are emptied."""

    def noted(cls: type, other: Any) -> bool:
        _TOUCHED_ABCS.add(cls)
        return check(cls, other)

    return noted


def prepare() -> None:
    """Before a run: a fresh ``decimal`` context, a full collection, then freeze everything that is alive."""
    decimal.setcontext(decimal.Context())
    gc.collect()
    gc.freeze()


def empty_caches() -> None:
    """After a run, while the tripwire still watches: empty the caches a run may fill, then collect."""
    capabilities.forget_run()
    re.purge()
    for clear in _TYPING_CLEANUPS:
        clear()
    if _clear_abc is not None:
        for cls in _TOUCHED_ABCS:
            _clear_abc(cls)
    _TOUCHED_ABCS.clear()
    gc.collect()


def survivors(keep: object) -> list[object]:
    """The objects created since :func:`prepare` that are still alive, except ``keep`` (the run's result)."""
    alive = gc.get_objects()  # no comprehension here: its own function and cell would be counted
    for index, obj in enumerate(alive):
        if obj is keep:
            del alive[index]
            break
    return alive


def _class_namespaces(modules: Iterable[ModuleType]) -> list[Watched]:
    classes: dict[int, type] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                classes.update((id(cls), cls) for cls in value.__mro__ if not cls.__flags__ & _IMMUTABLE_TYPE)
    return [vars(cls) for cls in classes.values()]


def _offered_classes() -> list[Watched]:
    """The namespaces of the classes a program can reach (offered values, granted types, module proxies).

    Only heap types can change (``Counter.most_common = ...``); builtin static types refuse attribute writes.
    """
    roots = [value for attrs in MODULE_ATTRS.values() for value in attrs.values()]
    roots += [type(proxy) for proxy in MODULE_PROXIES.values()] + list(capabilities.GRANTS)
    classes = {id(base): base for cls in roots if isinstance(cls, type) for base in cls.__mro__}
    return [vars(cls) for cls in classes.values() if not cls.__flags__ & _IMMUTABLE_TYPE]


_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE


def _tables(modules: Iterable[ModuleType]) -> list[Watched]:
    """The mutable containers (exact ``dict``, ``list``, ``set``) our sandbox modules hold at module level."""
    return [value for module in modules for value in vars(module).values() if type(value) in (dict, list, set)]


def _closure_cells(namespaces: Iterable[Watched]) -> list[Any]:
    """The closure cells of the functions our sandbox modules and the module allow-lists hold."""
    values = [
        value for namespace in namespaces if not isinstance(namespace, list | set) for value in namespace.values()
    ]
    values += [value for attrs in MODULE_ATTRS.values() for value in attrs.values()]
    return [cell for value in values if type(value) is FunctionType for cell in value.__closure__ or ()]


SWEEP_EVERY = 1024
"""Tasks between two audits of the library namespaces (the sandbox's own are audited before every task)."""


@dataclass(frozen=True)
class Audited:
    """Live objects and the copies taken of them; ``live == copies`` (one C-level comparison) when unchanged."""

    live: tuple[Any, ...]
    copies: tuple[Any, ...]

    def unchanged(self) -> bool:
        """Whether every live object still equals its copy (identity first, element by element)."""
        return self.live == self.copies


@dataclass(frozen=True)
class Snapshot:
    """What :func:`intact` compares against.

    Attributes:
        verdict_path: the namespaces every verdict passes through (our sandbox modules, their classes and
            tables, RestrictedPython, ``builtins``): audited before every task.
        library: every other module namespace and the classes a program can reach: audited every
            :data:`SWEEP_EVERY` tasks, because they hold about six times as many entries (about 10,000; comparing
            them all costs 25 us warm and 1-8 ms with cold caches in a worker, far more than a whole run).
        cells: the closure cells of our functions and of the offered ones; the copies are their contents.
    """

    verdict_path: Audited
    library: Audited
    cells: tuple[Any, ...]
    contents: tuple[Any, ...]


def _audited(namespaces: Iterable[Watched], skip: set[int]) -> Audited:
    unique = {id(namespace): namespace for namespace in namespaces if id(namespace) not in skip}
    live = tuple(unique.values())
    return Audited(live, tuple(_copy(namespace) for namespace in live))


def snapshot() -> Snapshot:
    """Copies of what :func:`intact` compares, taken once per worker before its first run (caches emptied first)."""
    empty_caches()
    modules = [module for module in list(sys.modules.values()) if isinstance(module, ModuleType)]
    ours = [module for module in modules if module.__name__.startswith(_SANDBOX_PACKAGES) or module is builtins]
    own = [vars(module) for module in ours] + _class_namespaces(ours) + _tables(ours)
    verdict_path = _audited(own, set())
    library = _audited([vars(module) for module in modules] + _offered_classes(), set(map(id, verdict_path.live)))
    cells = tuple(_closure_cells(own))
    return Snapshot(verdict_path, library, cells, tuple(map(_CELL_CONTENTS, cells)))


_CELL_CONTENTS = operator.attrgetter("cell_contents")


def _copy(live: Watched) -> Watched:
    if type(live) is list:
        return list(live)
    if type(live) is set:
        return set(live)
    return dict(live)


def intact(baseline: Snapshot, sweep: bool) -> bool:
    """Whether every audited namespace still maps the same names to equal objects (``sweep``: the library too).

    The comparison runs in C and compares identity first. A replaced value passes only if it compares equal to the
    original: a builtin value of the same value (harmless), or an object whose ``__eq__`` lies, which is a
    program object created during the run and therefore also a census survivor (:func:`survivors` runs first).
    """
    if not baseline.verdict_path.unchanged() or tuple(map(_CELL_CONTENTS, baseline.cells)) != baseline.contents:
        return False
    return not sweep or baseline.library.unchanged()
