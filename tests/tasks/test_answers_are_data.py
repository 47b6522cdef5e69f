"""Answers and proposed inputs are data, refused before anything runs when they compute (issue 12, cause 8)."""

import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, ParseFailure, Proposal, ProposalContext, Task, get_task_type
from azr_env.tasks.induction import N_INPUTS

from .helpers import fenced, parse, respond, verdict, verdicts
from .test_batching import CountingExecutor

BANANA = "def f(word):\n    return sum(ord(c) * 7 % 13 for c in word)\n"
TABLE = "TABLE = [3, 1, 2]\n\ndef helper(i):\n    return TABLE[i]\n\ndef f(i):\n    return helper(i) * 10\n"


@pytest.fixture(scope="module")
def banana(executor: ExecutorBackend) -> Task:
    check = get_task_type("deduction").validate([(Proposal(BANANA, ("'banana'",)), ProposalContext())], executor)
    assert check[0].task is not None
    return check[0].task


@pytest.fixture(scope="module")
def table(executor: ExecutorBackend) -> Task:
    check = get_task_type("abduction").validate([(Proposal(TABLE, ("2",)), ProposalContext())], executor)
    assert check[0].task is not None
    return check[0].task


def test_the_program_body_inlined_as_an_answer_is_a_format_error(banana: Task, executor: ExecutorBackend) -> None:
    answer = respond(fenced("output", "sum(ord(c) * 7 % 13 for c in 'banana')"))
    assert verdict(banana, answer, executor) is Outcome.FORMAT_ERROR


def test_the_value_written_out_is_correct(banana: Task, executor: ExecutorBackend) -> None:
    assert verdict(banana, respond(fenced("output", banana.outputs[0])), executor) is Outcome.CORRECT


def test_a_non_data_answer_names_the_rule(banana: Task, executor: ExecutorBackend) -> None:
    (result,) = verdicts(banana, [respond(fenced("output", "3 + 4"))], executor)
    assert "not data" in result.detail and "literals" in result.detail


def test_the_expression_syntax_scores_the_inlined_body_as_cruxeval_does(
    banana: Task, executor: ExecutorBackend
) -> None:
    answer = respond(fenced("output", "sum(ord(c) * 7 % 13 for c in 'banana')"))
    assert verdict(banana, answer, executor, answer_syntax="expression") is Outcome.CORRECT


@pytest.mark.parametrize(
    "expr",
    [
        "[i for i in range(3) if helper(i) == 20][0]",  # brute force with the program's helper
        "TABLE.append(2) or 3",  # mutate the program's table
        "next(i for i in range(9) if f(i) == 20)",
    ],
)
def test_an_abduction_answer_that_computes_never_reaches_the_executor(
    expr: str, table: Task, executor: ExecutorBackend
) -> None:
    counting = CountingExecutor(executor)
    outcome = verdicts(table, [respond(fenced("input", expr))], counting)[0].outcome  # type: ignore[arg-type]
    assert (outcome, counting.calls) == (Outcome.FORMAT_ERROR, 0)


def test_an_abduction_answer_written_as_data_is_correct(table: Task, executor: ExecutorBackend) -> None:
    assert verdict(table, respond(fenced("input", "i=2")), executor) is Outcome.CORRECT


@pytest.mark.parametrize("name", ["deduction", "abduction"])
def test_a_proposed_input_that_computes_is_a_format_error(name: str) -> None:
    text = respond(fenced("python", "def f(xs):\n    return len(xs)"), fenced("input", "list(range(5))"))
    assert isinstance(parse(name, text, ProposalContext()), ParseFailure)


def test_an_induction_input_that_computes_is_a_format_error() -> None:
    context = ProposalContext(program=Task("deduction", "def f(n):\n    return n\n", ("1",), ("1",)))
    inputs = [str(n) for n in range(N_INPUTS - 1)] + ["2 ** 10"]
    text = respond(*(fenced("input", expr) for expr in inputs), fenced("message", "hint"))
    assert isinstance(parse("induction", text, context), ParseFailure)


def test_keyword_arguments_with_data_values_are_an_input() -> None:
    text = respond(fenced("python", "def f(xs, key=0):\n    return xs[key]"), fenced("input", "[4, 5], key=1"))
    assert parse("deduction", text, ProposalContext()) == Proposal(
        "def f(xs, key=0):\n    return xs[key]\n", ("[4, 5], key=1",)
    )
