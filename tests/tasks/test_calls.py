"""``call_key``: inputs compared as calls of the program's ``f``, bound to its signature without running it."""

from __future__ import annotations

import pytest

from azr_env.tasks.calls import call_key

PROGRAM = "def f(x, scale=3, *rest, key=len, **extra):\n    return x\n"


@pytest.mark.parametrize("expr", ["x=1", "1, 3", "scale=3, x=1", "x=1, scale=3"])
def test_spellings_of_one_call_have_one_key(expr: str) -> None:
    assert call_key(PROGRAM, expr) == call_key(PROGRAM, "1")


@pytest.mark.parametrize("expr", ["1, 4", "1.0", "True", "1, 3, 5", "1, key=2", "1, z=2", "[1]"])
def test_different_calls_have_different_keys(expr: str) -> None:
    assert call_key(PROGRAM, expr) != call_key(PROGRAM, "1")


def test_a_default_that_is_not_data_is_never_taken_for_a_passed_value() -> None:
    assert call_key(PROGRAM, "1, key=None") != call_key(PROGRAM, "1")


def test_without_one_plain_def_f_inputs_are_compared_by_value() -> None:
    decorated = "@staticmethod\ndef f(x):\n    return x\n"
    assert call_key(decorated, "x=1") != call_key(decorated, "1")
    assert call_key(decorated, "[1,2]") == call_key(decorated, "[1, 2]")


def test_an_input_that_does_not_bind_keeps_its_own_key() -> None:
    positional_only = "def f(x, /):\n    return x\n"
    assert call_key(positional_only, "x=1") != call_key(positional_only, "1")
