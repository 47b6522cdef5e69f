"""ValueEquality.PYTHON: CRUXEval's ``gold == answer``, evaluated in the sandbox, beside the type-strict default."""

import pytest

from azr_env.config import SCORING_MODES
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, Task
from azr_env.tasks.equality import python_equal

from .helpers import fenced, respond, verdict

CRUXEVAL = SCORING_MODES["cruxeval"]
ONE = Task("deduction", "def f(x):\n    return x\n", ("1",), ("1",))
ORDERED = Task("abduction", "def f(d):\n    return list(d)\n", ("{'b': 1, 'a': 2}",), ("['b', 'a']",))


def test_python_equality_follows_the_numeric_tower_and_nan(executor: ExecutorBackend) -> None:
    pairs = [("1", "1.0"), ("1", "True"), ("[1, 2]", "(1, 2)"), ("float('nan')", "float('nan')"), ("'a'", "'a'")]
    assert python_equal(pairs, executor) == [True, True, False, False, True]


@pytest.mark.parametrize("written", ["1.0", "True"])
def test_default_scoring_is_type_strict(written: str, executor: ExecutorBackend) -> None:
    assert verdict(ONE, respond(fenced("output", written)), executor) is Outcome.WRONG


@pytest.mark.parametrize("written", ["1.0", "True", "3 - 2"])
def test_cruxeval_scoring_accepts_what_python_equality_accepts(written: str, executor: ExecutorBackend) -> None:
    assert verdict(ONE, respond(fenced("output", written)), executor, **CRUXEVAL) is Outcome.CORRECT


@pytest.mark.parametrize("written", ["2", "'1'", "[1]", "(1,)"])
def test_cruxeval_scoring_refuses_unequal_values(written: str, executor: ExecutorBackend) -> None:
    assert verdict(ONE, respond(fenced("output", written)), executor, **CRUXEVAL) is Outcome.WRONG


def test_cruxeval_scoring_compares_an_abduction_output_with_python_equality(executor: ExecutorBackend) -> None:
    task = Task("abduction", "def f(x):\n    return x * 2\n", ("2",), ("4",))
    answers = {"2.0": (Outcome.WRONG, Outcome.CORRECT), "3": (Outcome.WRONG, Outcome.WRONG)}
    for written, (default, cruxeval) in answers.items():
        response = respond(fenced("input", written))
        assert (verdict(task, response, executor), verdict(task, response, executor, **CRUXEVAL)) == (default, cruxeval)


def test_an_expression_input_keeps_its_dict_order(executor: ExecutorBackend) -> None:
    response = respond(fenced("input", "dict(b=1, a=2)"))
    assert verdict(ORDERED, response, executor, **CRUXEVAL) is Outcome.CORRECT
