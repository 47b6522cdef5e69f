r"""``final_answer``: one number is read from a math answer region; hedges, expressions and lists are format errors."""

from __future__ import annotations

import pytest

from azr_env.tasks.math_answers import MAX_ANSWER_CHARS, final_answer
from azr_env.tasks.parsing import ParseFailure

READ = {
    "18": "18",
    "\\boxed{18}": "18",
    "The answer is $\\boxed{\\frac{1}{2}}$.": "\\frac{1}{2}",
    "$-4$": "-4",
    "1,000": "1,000",
    "x = 13": "x = 13",
    "\\$18.50": "\\$18.50",
    "25\\%": "25",
    "25 %": "25",
    "18 \\text{ dollars}": "18 \\text{ dollars}",
    "3/4": "3/4",
}

REFUSED = {
    "two boxes, different values": "\\boxed{3} or \\boxed{18}",
    "two boxes, same value": "\\boxed{18} \\boxed{18}",
    "several candidates": "3 or 18",
    "a list of numbers": ", ".join(str(n) for n in range(200)),
    "an expression": "9 \\cdot 2",
    "the question's own division": "\\frac{36}{2}",
    "a fraction not in lowest terms": "36/2",
    "a huge exponent": "9**9**9**9",
    "a LaTeX tower": "9^{9^{9^{9}}}",
    "nested parentheses": "(" * 500 + "5" + ")" * 500,
    "prose": "eighteen",
    "a number with words": "18 dollars",
    "an unclosed box": "\\boxed{18",
    "a denominator of one": "18/1",
    "a code block": "```output\n18\n```",
}


@pytest.mark.parametrize(("region", "expected"), READ.items(), ids=list(READ))
def test_one_number_is_read(region: str, expected: str) -> None:
    assert final_answer(region) == expected


@pytest.mark.parametrize("region", REFUSED.values(), ids=list(REFUSED))
def test_a_hedge_expression_or_list_is_a_format_error(region: str) -> None:
    assert isinstance(final_answer(region), ParseFailure)


def test_an_overlong_number_is_a_format_error() -> None:
    assert isinstance(final_answer("7" * (MAX_ANSWER_CHARS + 1)), ParseFailure)


def test_a_megabyte_answer_is_refused_without_a_regex_blowup() -> None:
    assert isinstance(final_answer("\\boxed{" + "1" * (1 << 20) + "}"), ParseFailure)
