"""Canonical text of plain-data values: the one equality rule of the executor.

Plain data is, by exact type (subclasses are not plain data): ``None``, ``bool``, ``int``, ``float``, ``str``,
``bytes``, ``list``, ``tuple``, ``dict``, ``set`` and ``frozenset``, nested without cycles.

The canonical repr is valid Python that evaluates back to an equal value:

- scalars are written as ``repr`` writes them, except ``float('nan')``, ``float('inf')``, ``-float('inf')``, and
  ``-0.0``, which is written ``0.0`` (zero has one value, as Python's ``==`` says);
- lists, tuples and dicts keep Python's layout (``[1, 2]``, ``(1,)``, ``{'a': 1}``), but dict items are sorted by
  the canonical repr of their key;
- sets and frozensets are sorted by the canonical repr of their elements: ``{1, 2}``, ``set()``,
  ``frozenset({1})``, ``frozenset()``.

**Equality rule: two values are equal iff their canonical strings are equal.** The rule is type-strict (``1``,
``1.0`` and ``True`` differ, ``[1]`` and ``(1,)`` differ), independent of dict insertion order and of the hash seed,
and NaN equals NaN.

The module is pure and imports nothing heavy, so the env process and the sandbox workers share it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from azr_env.executor.result import ExecStatus

MAX_DEPTH = 32
"""Deepest nesting of containers an output may have."""

MAX_INT_BITS = 34_100
"""Integers with more bits than this have more than 10,240 digits: over any output cap, refused without printing."""


class _Refused(Exception):
    """Raised inside the walk to stop at the first reason the value is refused."""

    def __init__(self, status: ExecStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def canonical_repr(value: Any) -> str:
    """Return the canonical repr of a plain-data value (no size or depth cap).

    Args:
        value: plain data (see the module docstring).

    Returns:
        The canonical text; ``canonical_repr(a) == canonical_repr(b)`` is the executor's equality rule.

    Raises:
        TypeError: ``value`` is not plain data (a programmer error in the caller: model outputs are checked in the
            sandbox, where a refusal is an ``ExecStatus``, never an exception).
    """
    status, text = encode(value, max_chars=None, max_depth=None)
    if status is not ExecStatus.OK:
        raise TypeError(f"not plain data: {text}")
    return text


def encode(value: Any, max_chars: int | None = 10_240, max_depth: int | None = MAX_DEPTH) -> tuple[ExecStatus, str]:
    """Canonicalize ``value`` under caps without raising: the form the sandbox uses for program outputs.

    Args:
        value: any object; it is only inspected by exact type, none of its methods run.
        max_chars: the longest canonical text accepted, or ``None`` for no cap.
        max_depth: the deepest container nesting accepted, or ``None`` for no cap.

    Returns:
        ``(ExecStatus.OK, text)``, or ``(OUTPUT_NOT_DATA | OUTPUT_TOO_LARGE, reason)``.
    """
    fast = _fast(value, max_chars) if max_chars is not None else None
    if fast is not None:
        return fast
    walker = _Walker(max_chars, max_depth)
    try:
        text = walker.walk(value, 0)
    except _Refused as refused:
        return refused.status, str(refused)
    except RecursionError:
        return ExecStatus.OUTPUT_TOO_LARGE, "output nested too deeply"
    if max_chars is not None and len(text) > max_chars:
        return ExecStatus.OUTPUT_TOO_LARGE, f"canonical output has {len(text)} characters (cap {max_chars})"
    return ExecStatus.OK, text


def _fast(value: Any, max_chars: int) -> tuple[ExecStatus, str] | None:
    """The result for the most common outputs (a scalar, a short flat list or tuple), else ``None``."""
    kind = id(type(value))
    scalar = _SCALARS.get(kind)
    try:
        if scalar is not None:
            text = scalar(value)
        elif kind in _FLAT and len(value) <= 64:
            parts = _scalar_parts(value)
            if parts is None:
                return None
            text = _sequence(type(value) is list, parts)
        else:
            return None
    except _Refused as refused:
        return refused.status, str(refused)
    if len(text) > max_chars:
        return ExecStatus.OUTPUT_TOO_LARGE, "output over the size cap"
    return ExecStatus.OK, text


def _scalar_parts(values: list[Any] | tuple[Any, ...]) -> list[str] | None:
    parts = []
    for item in values:
        scalar = _SCALARS.get(id(type(item)))
        if scalar is None:
            return None
        parts.append(scalar(item))
    return parts


def _sequence(is_list: bool, parts: list[str]) -> str:
    inner = ", ".join(parts)
    if is_list:
        return f"[{inner}]"
    return f"({inner},)" if len(parts) == 1 else f"({inner})"


class _Walker:
    """One canonicalization: tracks the text budget and the containers on the current path (cycles)."""

    def __init__(self, max_chars: int | None, max_depth: int | None) -> None:
        self.budget = max_chars if max_chars is not None else -1
        self.max_depth = max_depth
        self.on_path: set[int] = set()

    def spend(self, text: str) -> str:
        if self.budget >= 0:
            self.budget -= len(text)
            if self.budget < 0:
                raise _Refused(ExecStatus.OUTPUT_TOO_LARGE, "output over the size cap")
        return text

    def walk(self, value: Any, depth: int) -> str:
        kind = type(value)
        scalar = _SCALARS.get(id(kind))  # by identity: a hostile metaclass's __eq__/__hash__ never runs
        if scalar is not None:
            return self.spend(scalar(value))
        container = _CONTAINERS.get(id(kind))
        if container is None:
            raise _Refused(ExecStatus.OUTPUT_NOT_DATA, "output is not plain data (" + _type_name(kind) + ")")
        if self.max_depth is not None and depth >= self.max_depth:
            raise _Refused(ExecStatus.OUTPUT_TOO_LARGE, f"output nested deeper than {self.max_depth}")
        key = id(value)
        if key in self.on_path:
            raise _Refused(ExecStatus.OUTPUT_NOT_DATA, "output contains a reference cycle")
        self.on_path.add(key)
        text = container(self, value, depth + 1)
        self.on_path.discard(key)
        return text

    def items(self, values: Any, depth: int) -> list[str]:
        return [self.walk(v, depth) for v in values]

    def seq(self, value: list[Any] | tuple[Any, ...], depth: int) -> str:
        return _sequence(type(value) is list, self.items(value, depth))

    def mapping(self, value: dict[Any, Any], depth: int) -> str:
        pairs = sorted(((self.walk(k, depth), v) for k, v in _dict_items(value)), key=_first)
        return "{" + ", ".join(f"{k}: {self.walk(v, depth)}" for k, v in pairs) + "}"

    def unordered(self, value: set[Any] | frozenset[Any], depth: int) -> str:
        inner = ", ".join(sorted(self.items(value, depth)))
        if type(value) is set:
            return "{" + inner + "}" if inner else "set()"
        return "frozenset({" + inner + "})" if inner else "frozenset()"


def _dict_items(value: dict[Any, Any]) -> list[tuple[Any, Any]]:
    """Snapshot the items (keys are walked before values, and walking never mutates)."""
    return list(dict.items(value))


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _type_name(kind: type) -> str:
    name = type.__dict__["__name__"].__get__(kind)  # the real name, not a class attribute a program set
    return str.__str__(name)[:60]


def _int(value: int) -> str:
    if value.bit_length() > MAX_INT_BITS:
        raise _Refused(ExecStatus.OUTPUT_TOO_LARGE, "integer output over the size cap")
    try:
        return int.__repr__(value)
    except ValueError as exc:  # more digits than sys.get_int_max_str_digits()
        raise _Refused(ExecStatus.OUTPUT_TOO_LARGE, f"integer output too long to print: {exc}") from None


def _float(value: float) -> str:
    if math.isnan(value):
        return "float('nan')"
    if math.isinf(value):
        return "float('inf')" if value > 0 else "-float('inf')"
    if value == 0.0:
        return "0.0"
    return repr(value)


_SCALARS: Mapping[int, Any] = MappingProxyType(
    {
        id(type(None)): repr,
        id(bool): repr,
        id(int): _int,
        id(float): _float,
        id(str): str.__repr__,
        id(bytes): bytes.__repr__,
    }
)
_FLAT = frozenset({id(list), id(tuple)})
_CONTAINERS: Mapping[int, Any] = MappingProxyType(
    {
        id(list): _Walker.seq,
        id(tuple): _Walker.seq,
        id(dict): _Walker.mapping,
        id(set): _Walker.unordered,
        id(frozenset): _Walker.unordered,
    }
)
