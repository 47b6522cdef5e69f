"""Value answers are data read in-process; only ``ValueSyntax.EXPRESSION`` evaluates expressions, in the sandbox."""

import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.literals import RULE
from azr_env.tasks.answers import MAX_ANSWER_CHARS, VALUE_PROGRAM, checked_input, read_inputs, read_outputs
from azr_env.tasks.parsing import ParseFailure, ValueSyntax

DATA, EXPRESSION = ValueSyntax.DATA, ValueSyntax.EXPRESSION

LITERALS = [
    "[3, 1]",
    "{'b': 1, 'a': (2,)}",
    "{3, 1, 2}",
    "frozenset({2, 1})",
    "-0.0",
    "1e400",
    "b'x'",
    "'a', 2",
    "set()",
    "float('nan')",
    "-float('inf')",
]


@pytest.mark.parametrize("expr", LITERALS)
def test_in_process_value_is_the_sandbox_canonical_string(expr: str, executor: ExecutorBackend) -> None:
    (reading,) = read_outputs([(expr, DATA)], executor)
    (sandbox,) = executor.run_many([(VALUE_PROGRAM.format(expr), "")])
    assert reading.text == sandbox.output


def test_a_computed_answer_is_a_format_error_naming_the_rule(executor: ExecutorBackend) -> None:
    (reading,) = read_outputs([("sum(ord(c) * 7 % 13 for c in 'banana')", DATA)], executor)
    assert (reading.text, reading.format_error, RULE in reading.error) == (None, True, True)


def test_expression_syntax_evaluates_a_computed_answer_in_the_sandbox(executor: ExecutorBackend) -> None:
    (reading,) = read_outputs([("sum(ord(c) * 7 % 13 for c in 'banana')", EXPRESSION)], executor)
    assert reading.text == str(sum(ord(c) * 7 % 13 for c in "banana"))


def test_expression_syntax_still_refuses_what_is_not_one_expression(executor: ExecutorBackend) -> None:
    (reading,) = read_outputs([("1)\n    import os\n    return (1", EXPRESSION)], executor)
    assert reading.format_error


def test_expression_syntax_turns_computed_arguments_into_data(executor: ExecutorBackend) -> None:
    (reading,) = read_inputs([("*[1, 2], key=sorted('ba')", EXPRESSION)], executor)
    assert reading.text == "1, 2, key=['a', 'b']"


def test_computed_arguments_are_a_format_error_under_data_syntax(executor: ExecutorBackend) -> None:
    (reading,) = read_inputs([("*[1, 2]", DATA)], executor)
    assert reading.format_error


def test_oversized_answer_is_refused_without_running(executor: ExecutorBackend) -> None:
    (reading,) = read_outputs([("1" * (MAX_ANSWER_CHARS + 1), EXPRESSION)], executor)
    assert reading.text is None and reading.format_error


def test_an_empty_input_is_no_arguments() -> None:
    assert checked_input("") == ""


def test_a_proposed_input_that_is_not_data_is_refused() -> None:
    assert isinstance(checked_input("list(range(5))"), ParseFailure)


def test_expression_syntax_refuses_an_input_that_breaks_out_of_the_call(executor: ExecutorBackend) -> None:
    (reading,) = read_inputs([("1) or print(2) or (3", EXPRESSION)], executor)
    assert (reading.text, reading.format_error) == (None, True)


def test_a_proposed_input_whose_values_written_out_break_the_cap_is_refused() -> None:
    compact = "[" + "1," * 1000 + "1]"  # 2,003 characters; "[1, 1, ...]" has 3,003
    assert isinstance(checked_input(compact), ParseFailure)


def test_a_proposed_input_whose_values_written_out_fit_the_cap_is_kept() -> None:
    expr = "[" + "1, " * 600 + "1]"
    assert checked_input(expr) == expr


def test_a_proposed_input_with_a_comment_is_refused() -> None:
    assert isinstance(checked_input("3  # x is 7"), ParseFailure)
