"""``codegen``: a right function scores correct, a wrong one wrong, and a reward-hunting answer never scores correct.

The hostile answers are what a policy searching for reward would try against a test-based judge: weaken the
asserts (rebind ``check``, ``abs``, the harness), fake success (exit early, print), return an object that equals
everything, or run forever. Each is paired with a function that is wrong, so only the attack could make it pass.
"""

from __future__ import annotations

import pytest

from azr_env.config import EnvConfig
from azr_env.judge import Judge
from azr_env.suites import load_suite
from azr_env.tasks import get_solve_type
from azr_env.tasks.base import Outcome
from azr_env.tasks.codegen import CodegenProblem
from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence

WRONG_TRUNCATE = "def truncate_number(number):\n    return 0.5\n"
"""Right on the first assert of HumanEval/2 (3.5 -> 0.5), wrong on the other two."""

HOSTILE = {
    "rebinds abs": "abs = lambda x: 0\n" + WRONG_TRUNCATE,
    "redefines check": "def check(candidate):\n    return None\n" + WRONG_TRUNCATE,
    "rebinds the harness": "azr_run = lambda fn: True\n" + WRONG_TRUNCATE,
    "rebinds the harness from inside": WRONG_TRUNCATE + "def g():\n    global azr_run\n    azr_run = None\n",
    "defines its own f": "def f():\n    return True\n" + WRONG_TRUNCATE,
    "assigns its own f": "f = lambda: True\n" + WRONG_TRUNCATE,
    "exits at import": "raise SystemExit(0)\n" + WRONG_TRUNCATE,
    "exits when called": "def truncate_number(number):\n    raise SystemExit(0)\n",
    "prints a fake pass": "print('True')\nprint('all tests passed')\n" + WRONG_TRUNCATE,
    "equals everything": (
        "class Any:\n    def __eq__(self, other):\n        return True\n    def __lt__(self, other):\n"
        "        return True\n    def __sub__(self, other):\n        return self\n"
        "def truncate_number(number):\n    return Any()\n"
    ),
    "patches a module": "import math\nmath.isclose = lambda *a, **k: True\n" + WRONG_TRUNCATE,
    "deletes a builtin": "del abs\n" + WRONG_TRUNCATE,
    "loops forever": "def truncate_number(number):\n    while True:\n        pass\n",
    "catches everything": ("def truncate_number(number):\n    try:\n        return 0.5\n    finally:\n        pass\n"),
}


@pytest.fixture(scope="module")
def problems() -> dict[str, CodegenProblem]:
    suite = load_suite("humaneval-codegen@1")
    return {origin: task for task, origin in zip(suite.tasks, suite.origins, strict=True)}  # type: ignore[misc]


def _judge(problem: CodegenProblem, code: str, executor) -> Outcome:
    judge = Judge({"codegen": get_solve_type("codegen")}, lambda: executor, EnvConfig())
    (verdict,) = judge.verify([(problem, example_response(fence("python", code)))])
    return verdict.outcome


def test_a_right_function_scores_correct(problems, executor) -> None:
    assert _judge(problems["HumanEval/2"], "def truncate_number(number):\n    return number % 1.0\n", executor) is (
        Outcome.CORRECT
    )


def test_a_wrong_function_scores_wrong(problems, executor) -> None:
    assert _judge(problems["HumanEval/2"], WRONG_TRUNCATE, executor) is Outcome.WRONG


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_a_hostile_answer_never_scores_correct(attack: str, problems, executor) -> None:
    assert _judge(problems["HumanEval/2"], HOSTILE[attack], executor) is not Outcome.CORRECT


def test_an_answer_that_passes_under_one_hash_seed_only_scores_wrong(problems, executor) -> None:
    letters = "{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}"
    first = executor.run_many([(f"def f():\n    return next(iter({letters}))", "")])[0].output
    right, wrong = "number % 1.0", "0.5"
    code = f"def truncate_number(number):\n    return {right} if next(iter({letters})) == {first} else {wrong}\n"
    assert _judge(problems["HumanEval/2"], code, executor) is Outcome.WRONG  # passes in the scoring zygote only


def test_a_result_that_is_not_plain_data_scores_wrong_even_when_it_compares_equal(problems, executor) -> None:
    """Only plain data by exact type may reach the asserts: no object can bring its own idea of equality."""
    code = "from fractions import Fraction\ndef truncate_number(number):\n    return Fraction(number) % 1\n"
    assert _judge(problems["HumanEval/2"], code, executor) is Outcome.WRONG


def test_an_entry_point_named_f_is_judged(problems, executor) -> None:
    """HumanEval/106's entry point is called ``f``, the name the executor calls: the answer's is renamed."""
    problem = problems["HumanEval/106"]
    assert _judge(problem, problem.reference, executor) is Outcome.CORRECT
    assert _judge(problem, "def f(n):\n    return [1] * n\n", executor) is Outcome.WRONG


def test_a_test_that_names_the_entry_point_calls_the_answer(problems, executor) -> None:
    """HumanEval/33's test calls ``sort_third`` by name: that is the answer's function, not a stale one."""
    problem = problems["HumanEval/33"]
    assert _judge(problem, "def sort_third(l):\n    return l\n", executor) is Outcome.WRONG


def test_helpers_and_imports_of_the_prompt_are_available(problems, executor) -> None:
    """An answer may use the prompt's imports (``List``) and helpers without repeating them."""
    problem = problems["HumanEval/10"]
    body = problem.reference.split("def make_palindrome", 1)[1]
    assert _judge(problem, "def make_palindrome" + body, executor) is Outcome.CORRECT


def test_an_answer_without_a_python_block_is_a_format_error(problems, executor) -> None:
    judge = Judge({"codegen": get_solve_type("codegen")}, lambda: executor, EnvConfig())
    (verdict,) = judge.verify([(problems["HumanEval/2"], example_response(fence("output", "0.5")))])
    assert verdict.outcome is Outcome.FORMAT_ERROR


def test_the_listed_reference_exceptions_do_fail(problems, executor) -> None:
    """SUITES.md's exception (HumanEval/160 calls ``eval``) is real: the list of exceptions is not stale."""
    assert _judge(problems["HumanEval/160"], problems["HumanEval/160"].reference, executor) is Outcome.WRONG


def test_the_solver_prompt_shows_the_signature_but_not_the_solution(problems) -> None:
    problem = problems["HumanEval/2"]
    user = get_solve_type("codegen").solver_prompt(problem).user
    assert problem.prompt in user and "return number % 1.0" not in user
