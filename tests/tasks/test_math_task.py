r"""``math``: one number compared by math-verify; hedges, pathological answers and reward hunts never score correct."""

from __future__ import annotations

import pytest

from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.judge import Judge
from azr_env.tasks import get_solve_type, get_task_type
from azr_env.tasks.base import Outcome
from azr_env.tasks.examples import example_response
from azr_env.tasks.math_task import MathProblem

PROBLEM = MathProblem("math", "Tom has 9 bags of 2 apples. How many apples does he have?", "18")
HALF = MathProblem("math", "What is 1 divided by 2?", "0.5")


def _outcomes(problem: MathProblem, *regions: str, executor=None) -> list[Outcome]:
    judge = Judge({"math": get_solve_type("math")}, lambda: executor, EnvConfig())
    return [verdict.outcome for verdict in judge.verify([(problem, example_response(r)) for r in regions])]


def test_the_gold_answer_is_correct() -> None:
    assert _outcomes(PROBLEM, "18", "\\boxed{18}") == [Outcome.CORRECT] * 2


def test_an_equivalent_form_is_correct() -> None:
    assert _outcomes(HALF, "\\frac{1}{2}", "1/2", "$0.50$") == [Outcome.CORRECT] * 3


def test_a_wrong_number_is_wrong() -> None:
    assert _outcomes(PROBLEM, "19", "-18", "\\frac{1}{18}") == [Outcome.WRONG] * 3


def test_a_percent_sign_does_not_also_match_the_hundredth() -> None:
    # math-verify finds "18\\%" equal to both 18 and 0.18: a free hedge on the scale of the answer.
    hundredth = MathProblem("math", "What is 0.09 times 2?", "0.18")
    assert _outcomes(PROBLEM, "18\\%") + _outcomes(hundredth, "18\\%") == [Outcome.CORRECT, Outcome.WRONG]


HUNTS = {
    "several candidates": "3 or 18",
    "boxes with different values": "\\boxed{3} \\boxed{18}",
    "a boxed list": "\\boxed{3, 18}",
    "many numbers": " ".join(str(n) for n in range(100)),
    "the question's arithmetic": "9 \\cdot 2",
    "the question's arithmetic as a fraction": "\\frac{36}{2}",
    "a set": "\\{3, 18\\}",
}


@pytest.mark.parametrize("region", HUNTS.values(), ids=list(HUNTS))
def test_a_reward_hunting_answer_is_not_correct(region: str) -> None:
    assert _outcomes(PROBLEM, region) == [Outcome.FORMAT_ERROR]


PATHOLOGICAL = {
    "a huge exponent": "9**9**9**9",
    "a LaTeX power tower": "9^{9^{9^{9}}}",
    "deeply nested parentheses": "(" * 5000 + "18" + ")" * 5000,
    "a megabyte": "1" * (1 << 20),
}


@pytest.mark.parametrize("region", PATHOLOGICAL.values(), ids=list(PATHOLOGICAL))
def test_a_pathological_answer_is_a_format_error_without_reaching_the_checker(region: str) -> None:
    assert _outcomes(PROBLEM, region) == [Outcome.FORMAT_ERROR]


def test_a_response_without_an_answer_is_a_format_error() -> None:
    judge = Judge({"math": get_solve_type("math")}, lambda: None, EnvConfig())
    (verdict,) = judge.verify([(PROBLEM, "<think>18</think> so 18")])
    assert verdict.outcome is Outcome.FORMAT_ERROR


def test_the_prompt_shows_the_question_and_asks_for_one_number() -> None:
    prompt = get_solve_type("math").solver_prompt(PROBLEM)
    assert PROBLEM.question in prompt.user and "<answer>" in prompt.user and "<think>" in prompt.system


def test_braces_in_a_question_are_shown_as_written() -> None:
    problem = MathProblem("math", "Find {answer} in the set {1, 2}.", "1")
    assert "Find {answer} in the set {1, 2}." in get_solve_type("math").solver_prompt(problem).user


def test_self_play_refuses_the_solve_only_type() -> None:
    with pytest.raises(ConfigError, match="solve-only"):
        get_task_type("math")


def test_the_reference_answer_is_the_gold() -> None:
    assert get_solve_type("math").reference_answer(PROBLEM) == "18"
