"""The modules a sandboxed program may import, each as a read-only proxy exposing an allow-list of names.

Only pure standard-library modules are offered, and from each only the names listed here: never ``string``
(its ``Formatter`` walks attributes: CVE-2023-41039, CVE-2026-76825), never anything that evaluates strings
(``typing.get_type_hints``, ``functools.singledispatch``), reaches attributes by computed name
(``operator.attrgetter``/``methodcaller``, ``functools.update_wrapper``) or changes process-wide state. Functions
that mutate the class or function they are given (``dataclasses.dataclass``, ``functools.total_ordering``,
``functools.wraps``) accept only what the program defined itself, and none takes attribute names from the program
(``wraps`` is our own, copying only ``__name__``, ``__qualname__`` and ``__doc__``); ``copy.deepcopy`` takes no
``memo``.

The modules are imported when this module is, so a zygote that imports it has them all warm before it forks.
"""

from __future__ import annotations

import bisect
import collections
import collections.abc
import copy
import dataclasses
import decimal
import fractions
import functools
import heapq
import itertools
import math
import operator
import re
import statistics
import typing
from collections.abc import Callable, Mapping
from types import FunctionType, MappingProxyType, ModuleType
from typing import Any

from azr_env.executor.limits import ALLOWED_MODULES

SANDBOX_MODULE = "__sandbox__"
"""The ``__name__`` of every program's globals, hence the ``__module__`` of the classes and functions it defines."""

_CLASS_DICT = type.__dict__["__dict__"]


def is_own(obj: Any) -> bool:
    """Whether ``obj`` is a class the program defined, or an instance of one.

    Reads ``__module__`` from the class's own namespace, which a program cannot forge: RestrictedPython refuses
    the name ``__module__`` in its source and no offered function sets it on an existing class.
    """
    cls = obj if isinstance(obj, type) else type(obj)
    return _CLASS_DICT.__get__(cls).get("__module__") == SANDBOX_MODULE


def _own_function(obj: Any) -> bool:
    return type(obj) is FunctionType and obj.__module__ == SANDBOX_MODULE


def own_only(func: Callable[..., Any], accept: Callable[[Any], bool] = is_own) -> Callable[..., Any]:
    """Wrap ``func`` (which mutates its first argument) to refuse objects the program did not define."""

    def guarded(target: Any = None, /, *args: Any, **kwargs: Any) -> Any:
        if target is None:  # decorator-factory form, e.g. @dataclass(frozen=True)
            return lambda cls: guarded(cls, *args, **kwargs)
        if not accept(target):
            raise TypeError(f"{func.__name__}() only accepts what the program itself defined")
        return func(target, *args, **kwargs)

    guarded.__name__ = func.__name__
    return guarded


def _wraps(wrapped: Any, /) -> Callable[[Any], Any]:
    """``functools.wraps(wrapped)`` for the program's own functions: copies the name and docstring, nothing else.

    The library version takes the attribute names to copy (``assigned``/``updated``) from its caller, so
    ``wraps(lib_function, (), ('__globals__',))`` merged a library module's globals, real builtins included, into
    the program's function. Here no names can be chosen, and only ``str`` values are copied.
    """

    def decorate(wrapper: Any, /) -> Any:
        if not _own_function(wrapper):
            raise TypeError("wraps() only decorates functions the program itself defined")
        for attr in ("__name__", "__qualname__", "__doc__"):
            value = getattr(wrapped, attr, None)
            if type(value) is str:
                setattr(wrapper, attr, value)
        return wrapper

    return decorate


def _one_argument(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``func(x)`` with no further arguments (``copy.deepcopy``'s ``memo`` would receive object ids)."""

    def call(x: Any, /) -> Any:
        return func(x)

    call.__name__ = func.__name__
    return call


def _namedtuple(
    typename: Any, field_names: Any, *, rename: bool = False, defaults: Any = None, module: Any = None
) -> Any:
    """``collections.namedtuple`` whose class always belongs to the program (``module=`` is accepted and ignored).

    The library takes the class's ``__module__`` from ``module``; a class made to look foreign would lose its
    capabilities, and one made to look like another module's would mislead, so it is always ``__sandbox__``.
    """
    return collections.namedtuple(typename, field_names, rename=rename, defaults=defaults, module=SANDBOX_MODULE)


def _names(module: ModuleType, names: str) -> dict[str, Any]:
    return {name: getattr(module, name) for name in names.split()}


def _public(module: ModuleType) -> dict[str, Any]:
    """Every public name: only for modules made entirely of pure functions and constants."""
    return {name: getattr(module, name) for name in dir(module) if not name.startswith("_")}


_OPERATOR = (
    "abs add and_ concat contains countOf eq floordiv ge getitem gt iadd iand iconcat ifloordiv ilshift imatmul imod "
    "imul index indexOf inv invert ior ipow irshift is_ is_not isub itemgetter itruediv ixor le length_hint lshift lt "
    "matmul mod mul ne neg not_ or_ pos pow rshift sub truediv truth xor"
)

_ATTRS: dict[str, dict[str, Any]] = {
    "math": _public(math),
    "itertools": _public(itertools),
    "heapq": _public(heapq),
    "bisect": _public(bisect),
    "functools": {
        **_names(functools, "reduce partial partialmethod lru_cache cache cached_property cmp_to_key"),
        "total_ordering": own_only(functools.total_ordering),
        "wraps": _wraps,
    },
    "collections": {**_names(collections, "Counter defaultdict deque OrderedDict ChainMap"), "namedtuple": _namedtuple},
    "collections.abc": _names(
        collections.abc,
        "Callable Collection Container Generator Hashable ItemsView Iterable Iterator KeysView Mapping "
        "MutableMapping MutableSequence MutableSet Reversible Sequence Set Sized ValuesView",
    ),
    "re": _names(
        re,
        "compile search match fullmatch split findall finditer sub subn escape error Pattern Match "
        "A ASCII I IGNORECASE M MULTILINE S DOTALL X VERBOSE U UNICODE",
    ),
    "operator": _names(operator, _OPERATOR),
    "fractions": _names(fractions, "Fraction"),
    "decimal": _names(
        decimal,
        "Decimal Context getcontext localcontext InvalidOperation DivisionByZero Overflow Inexact Rounded "
        "ROUND_CEILING ROUND_DOWN ROUND_FLOOR "
        "ROUND_HALF_DOWN ROUND_HALF_EVEN ROUND_HALF_UP ROUND_UP ROUND_05UP",
    ),
    "statistics": _names(
        statistics,
        "mean fmean geometric_mean harmonic_mean median median_low median_high median_grouped mode multimode "
        "quantiles pstdev pvariance stdev variance StatisticsError",
    ),
    "copy": {"copy": _one_argument(copy.copy), "deepcopy": _one_argument(copy.deepcopy)},
    "dataclasses": {
        **_names(dataclasses, "field fields asdict astuple replace is_dataclass FrozenInstanceError InitVar"),
        "dataclass": own_only(dataclasses.dataclass),
    },
    "typing": _names(
        typing,
        "Any Callable ClassVar Counter DefaultDict Deque Dict Final FrozenSet Generator Generic Hashable Iterable "
        "Iterator List Literal Mapping MutableMapping MutableSequence MutableSet NamedTuple NoReturn Optional "
        "OrderedDict Sequence Set Sized Tuple Type TypeVar Union cast TYPE_CHECKING",
    ),
    "__future__": {"annotations": __import__("__future__").annotations},
}


def _proxy(name: str, attrs: Mapping[str, Any]) -> Any:
    """An immutable object whose attributes are ``attrs`` (staticmethod keeps functions unbound)."""

    def refuse(self: Any, *args: Any) -> None:
        raise TypeError(f"module {name!r} is read-only in the sandbox")

    namespace: dict[str, Any] = {key: staticmethod(value) for key, value in attrs.items()}
    namespace.update(__slots__=(), __setattr__=refuse, __delattr__=refuse, __module__="azr_env.sandbox_modules")
    namespace["__repr__"] = lambda self: f"<sandbox module {name!r}>"
    return type(name, (), namespace)()


_ATTRS["collections"]["abc"] = _proxy("collections.abc", _ATTRS["collections.abc"])
MODULE_ATTRS: dict[str, Mapping[str, Any]] = {name: MappingProxyType(attrs) for name, attrs in _ATTRS.items()}
"""Module name -> the names a program may take from it (read-only mappings)."""
MODULE_PROXIES: dict[str, Any] = {name: _proxy(name, attrs) for name, attrs in MODULE_ATTRS.items()}
MODULE_PROXIES["collections.abc"] = MODULE_ATTRS["collections"]["abc"]
"""Module name -> its read-only proxy; the sandbox's ``__import__`` returns these and nothing else."""


def restrict(names: list[str]) -> None:
    """Offer only ``names`` from now on (called once in a zygote, before any program runs)."""
    for name in set(ALLOWED_MODULES) - set(names):
        del MODULE_ATTRS[name]
        del MODULE_PROXIES[name]


__all__ = ["ALLOWED_MODULES", "MODULE_ATTRS", "MODULE_PROXIES", "SANDBOX_MODULE", "is_own", "own_only", "restrict"]
