"""The canonical repr and its equality rule: hand-written cases and a round-trip property."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azr_env.executor import ExecStatus
from azr_env.executor.canonical import canonical_repr, encode


def _evaluate(text: str) -> Any:
    """Evaluate a canonical repr (test-only: the text is our own output, never model text)."""
    return eval(text, {"__builtins__": {"float": float, "set": set, "frozenset": frozenset}})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (True, "True"),
        (1, "1"),
        (1.0, "1.0"),
        (-0.0, "0.0"),
        (float("nan"), "float('nan')"),
        (float("inf"), "float('inf')"),
        (float("-inf"), "-float('inf')"),
        ("a'b", '"a\'b"'),
        (b"\x00", "b'\\x00'"),
        ((1,), "(1,)"),
        ((), "()"),
        ([1, [2]], "[1, [2]]"),
        ({"b": 1, "a": 2}, "{'a': 2, 'b': 1}"),
        ({3, 1, 2}, "{1, 2, 3}"),
        (set(), "set()"),
        (frozenset(), "frozenset()"),
        (frozenset({"b", "a"}), "frozenset({'a', 'b'})"),
        ({frozenset({2, 1}): {(1, "x")}}, "{frozenset({1, 2}): {(1, 'x')}}"),
    ],
)
def test_canonical_repr_of_hand_written_cases(value: Any, text: str) -> None:
    assert canonical_repr(value) == text


@pytest.mark.parametrize(("a", "b"), [(1, 1.0), (1, True), (0, False), ([1], (1,)), ({1}, frozenset({1})), ("1", 1)])
def test_the_rule_is_type_strict(a: Any, b: Any) -> None:
    assert canonical_repr(a) != canonical_repr(b)


def test_nan_equals_nan_and_negative_zero_equals_zero() -> None:
    assert canonical_repr([float("nan")]) == canonical_repr([math.nan])
    assert canonical_repr(-0.0) == canonical_repr(0.0)


def test_dict_insertion_order_does_not_matter() -> None:
    assert canonical_repr({"x": 1, "y": 2}) == canonical_repr({"y": 2, "x": 1})


class _Sub(int):
    pass


@pytest.mark.parametrize("value", [_Sub(1), object(), len, iter([]), range(3), 1j, bytearray(b"x"), [[object()]]])
def test_non_plain_data_is_refused(value: Any) -> None:
    assert encode(value)[0] is ExecStatus.OUTPUT_NOT_DATA
    with pytest.raises(TypeError):
        canonical_repr(value)


def test_a_cycle_is_not_data() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    assert encode(cycle)[0] is ExecStatus.OUTPUT_NOT_DATA


def test_caps_on_size_and_depth() -> None:
    nested: list[Any] = []
    for _ in range(40):
        nested = [nested]
    assert encode(nested)[0] is ExecStatus.OUTPUT_TOO_LARGE
    assert encode("x" * 20_000)[0] is ExecStatus.OUTPUT_TOO_LARGE
    assert encode(list(range(10_000)))[0] is ExecStatus.OUTPUT_TOO_LARGE
    assert encode(10**20_000)[0] is ExecStatus.OUTPUT_TOO_LARGE
    assert encode("x" * 10_000) == (ExecStatus.OK, repr("x" * 10_000))


def test_a_hostile_metaclass_eq_is_never_called() -> None:
    class Meta(type):
        def __eq__(cls, other: object) -> bool:
            raise AssertionError("called")

        __hash__ = None  # type: ignore[assignment]

    class Evil(metaclass=Meta):
        pass

    assert encode([Evil()])[0] is ExecStatus.OUTPUT_NOT_DATA


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.binary(max_size=8)
_hashable = st.recursive(
    _scalars, lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3), max_leaves=3
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(_hashable, inner, max_size=4)
        | st.sets(_hashable, max_size=4)
        | st.frozensets(_hashable, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_canonical_repr_round_trips(value: Any) -> None:
    text = canonical_repr(value)
    assert canonical_repr(_evaluate(text)) == text


# Elements of one type family only: Python itself merges 0, 0.0 and False into one set element, keeping the first.
_same_kind = st.recursive(st.integers() | st.text(max_size=6), lambda inner: st.tuples(inner, inner), max_leaves=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(_same_kind, max_size=6))
def test_set_repr_is_independent_of_insertion_order(items: list[Any]) -> None:
    assert canonical_repr(set(items)) == canonical_repr(set(reversed(items)))
