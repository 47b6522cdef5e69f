"""The data-literal rule: what is data, what is refused, and that reading model text never raises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azr_env.executor.canonical import MAX_DEPTH, canonical_repr, encode
from azr_env.executor.literals import (
    Arguments,
    JsonArguments,
    NotData,
    arguments_key,
    canonical_value,
    read_arguments,
    read_value,
)
from azr_env.executor.result import ExecStatus

from .test_canonical import _values as plain_data


@given(plain_data)
@settings(max_examples=300, deadline=None)
def test_every_canonical_output_reads_back_as_the_same_value(value: object) -> None:
    text = canonical_repr(value)
    assert canonical_value(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "sum(ord(c) * 7 % 13 for c in 'banana')",
        "1 + 1",
        "x",
        "[i for i in range(3)]",
        "(lambda: 1)()",
        "1+2j",
        "...",
        "-True",
        "--1",
        "float('1.5')",
        "frozenset(5)",
        "{[1]: 2}",
        "{**{'a': 1}}",
        "'a' * 3",
        "f'{1}'",
    ],
)
def test_computations_are_not_data(text: str) -> None:
    assert isinstance(canonical_value(text), NotData)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("set()", "set()"),
        ("frozenset()", "frozenset()"),
        ("frozenset([2, 1, 2])", "frozenset({1, 2})"),
        ("float('nan')", "float('nan')"),
        ("float('-INF')", "-float('inf')"),
        ("-float('inf')", "-float('inf')"),
        ("1, 'a'", "(1, 'a')"),
        ("-0.0", "0.0"),
        ("{'b': 1, 'a': 2}  # a comment", "{'a': 2, 'b': 1}"),
    ],
)
def test_the_constructors_plain_data_needs_are_data(text: str, canonical: str) -> None:
    assert canonical_value(text) == canonical


def test_nesting_deeper_than_the_output_cap_is_refused() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert isinstance(read_value(deep), NotData)


def test_nesting_at_the_output_cap_is_data() -> None:
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert canonical_value(deep) == deep


def test_frozensets_nested_at_the_output_cap_are_data() -> None:
    # A canonical output nests frozensets as frozenset({...}): one level each, as the sandbox counts them.
    value: frozenset[object] = frozenset()
    for _ in range(MAX_DEPTH - 1):
        value = frozenset([value])
    status, text = encode(value)
    assert status is ExecStatus.OK
    assert canonical_value(text) == text


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_reading_any_text_never_raises(text: str) -> None:
    read_value(text)
    read_arguments(text)


@pytest.mark.parametrize("text", ["[" * 150 + "]" * 150, "(" * 5000 + ")" * 5000, "9" * 5000, "'\ud800'", "1\x00"])
def test_hostile_texts_are_refused_not_raised(text: str) -> None:
    assert isinstance(read_arguments(text), NotData)


@pytest.mark.parametrize(
    ("text", "args", "kwargs"),
    [
        ("[1, 2], key='a'", [[1, 2]], {"key": "a"}),
        ("", [], {}),
        ("  # no arguments", [], {}),
        ("'abc',", ["abc"], {}),
        ("[1, 2.5], 3", [[1, 2.5], 3], {}),
    ],
)
def test_argument_lists_give_their_values(text: str, args: list[object], kwargs: dict[str, object]) -> None:
    arguments = read_arguments(text)
    assert not isinstance(arguments, NotData)
    assert arguments.values() == (args, kwargs)


@pytest.mark.parametrize(
    "text",
    ["1) or evil() or (1", "*[1, 2]", "**{'a': 1}", "a=1, a=2", "key=lambda v: v", "1)\nimport os\nf(1", "1); (2"],
)
def test_argument_lists_that_are_not_data_are_refused(text: str) -> None:
    assert isinstance(read_arguments(text), NotData)


@pytest.mark.parametrize("text", ["\uff58=1", "1, \uff58 = [2]"])
def test_a_keyword_name_that_is_not_ascii_is_refused(text: str) -> None:
    assert isinstance(read_arguments(text), NotData)  # Python would pass the fullwidth x as x


def test_text_that_is_not_ascii_in_values_is_data() -> None:
    assert not isinstance(read_arguments("'\uff58', x='\u00e9'"), NotData)


@pytest.mark.parametrize("text", ["[[1], 2]", "[[1], 2], x={'k': [3]}"])
def test_values_are_fresh_objects_on_every_call(text: str) -> None:
    arguments = read_arguments(text)
    assert isinstance(arguments, Arguments | JsonArguments)
    first, _ = arguments.values()
    first[0][0].append("mutated")
    assert arguments.values()[0][0][0] == [1]


def test_json_and_python_spellings_of_the_same_arguments_share_a_key() -> None:
    assert arguments_key('[1, 2], "a"') == arguments_key("[1,2],'a'") == "[1, 2], 'a'"


def test_keyword_order_does_not_change_the_key() -> None:
    assert arguments_key("a=1, b=2") == arguments_key("b=2, a=1")
