"""An induction message that copies the program's code leaks it, whatever names the copy uses; prose does not."""

from __future__ import annotations

import pytest

from azr_env.tasks.leaks import message_leaks, states_hidden_pair

PROGRAM = (
    "def f(xs):\n"
    "    out = []\n"
    "    for x in xs:\n"
    "        if x % 3 == 0:\n"
    "            out.append(x * x)\n"
    "    return sorted(out)[::-1]\n"
)

LEAKS = {
    "the body without the def line": "for x in xs:\n    if x % 3 == 0:\n        out.append(x * x)",
    "the program with renamed names": PROGRAM.replace("xs", "values").replace("x", "v").replace("def f", "def g"),
    "one statement on a line of its own": "Hint: each kept item goes through\nout.append(item * item)",
    "a returned value in an inline span": "The result is `sorted(result)[::-1]` at the end.",
    "a fenced block": "Look:\n```python\n    for v in vs:\n        if v % 3 == 0:\n            acc.append(v * v)\n```",
}

CLEAN = {
    "prose": "Keep the multiples of three, square them, and list them from largest to smallest.",
    "a short generic statement": "Start with `out = []` and `return out`.",
    "another computation": "Think of `[y + 1 for y in ys if y > 2]` and adapt it.",
}


@pytest.mark.parametrize("message", LEAKS.values(), ids=list(LEAKS))
def test_a_copy_of_the_code_leaks(message: str) -> None:
    assert message_leaks(message, PROGRAM)


@pytest.mark.parametrize("message", CLEAN.values(), ids=list(CLEAN))
def test_a_message_without_the_code_does_not_leak(message: str) -> None:
    assert not message_leaks(message, PROGRAM)


def test_a_message_that_is_not_text_python_can_parse_does_not_raise() -> None:
    assert not message_leaks("(" * 5000 + "'\x00" + "\ud800", PROGRAM)


HIDDEN = [("7", "48"), ("'abc'", "'cba'"), ("[1, 2], reverse=True", "[2, 1]"), ("2", "5")]


@pytest.mark.parametrize(
    "message",
    [
        "f(7) = 48",
        "7 -> 48.",
        "reversing 'abc' gives 'cba'",
        "abc becomes cba",
        "f([1, 2], reverse=True) is [2,1]",
        "f(2) = 5",
    ],
)
def test_a_message_writing_a_hidden_pair_states_it(message: str) -> None:
    assert states_hidden_pair(message, HIDDEN)


@pytest.mark.parametrize(
    "message",
    [
        "f(17) = 148",
        "7.5 gives 48.5",
        "square 7, then much later in a long explanation, 48",
        "abcd -> cba",
        "times 2 add 5",
    ],
)
def test_numbers_inside_other_numbers_or_far_apart_state_nothing(message: str) -> None:
    assert not states_hidden_pair(message, HIDDEN)
