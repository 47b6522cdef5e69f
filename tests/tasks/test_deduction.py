import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.result import ExecStatus
from azr_env.tasks import Outcome, ParseFailure, Proposal, ProposalContext, Task, get_task_type

from .helpers import fenced, parse, respond, verdict, verdicts

DEDUCTION = get_task_type("deduction")
CONTEXT = ProposalContext()


def make_task(program: str, expr: str, executor: ExecutorBackend) -> Task:
    check = DEDUCTION.validate([(Proposal(program, (expr,)), CONTEXT)], executor)[0]
    assert check.task is not None, check
    return check.task


@pytest.fixture(scope="module")
def pair_task(executor: ExecutorBackend) -> Task:
    return make_task("def f(a, b):\n    return (b, a + 1.5)\n", "1, 'x'", executor)


def test_parse_proposal_reads_program_and_input() -> None:
    text = respond(fenced("python", "def f(x):\n    return x"), fenced("input", "3"))
    assert parse("deduction", text, CONTEXT) == Proposal("def f(x):\n    return x\n", ("3",))


def test_parse_proposal_without_input_block_fails() -> None:
    text = respond(fenced("python", "def f(x):\n    return x"))
    assert isinstance(parse("deduction", text, CONTEXT), ParseFailure)


FORM_FEED = "def f(x):\n    y = 0\n    if x > 5:\n        y = 1\n    {}    y = y + 10\n    return y"


@pytest.mark.parametrize("task_type", ["deduction", "abduction"])
def test_a_form_feed_in_an_indentation_is_a_format_error(task_type: str) -> None:
    text = respond(fenced("python", FORM_FEED.format("\f")), fenced("input", "1"))  # Python reads it as 4 spaces
    assert isinstance(parse(task_type, text, CONTEXT), ParseFailure)


def test_a_form_feed_elsewhere_is_allowed() -> None:
    program = "def f(x):\n\f    return x  # \f\n"
    assert isinstance(parse("deduction", respond(fenced("python", program), fenced("input", "1")), CONTEXT), Proposal)


def test_parse_proposal_without_envelope_fails() -> None:
    text = fenced("python", "def f(x):\n    return x") + fenced("input", "3")
    assert isinstance(parse("deduction", text, CONTEXT), ParseFailure)


def test_validate_labels_with_the_sandbox_output(pair_task: Task) -> None:
    assert pair_task.outputs == ("('x', 2.5)",)


def test_program_that_raises_is_invalid_with_its_status(executor: ExecutorBackend) -> None:
    check = DEDUCTION.validate([(Proposal("def f(x):\n    return 1 // x\n", ("0",)), CONTEXT)], executor)[0]
    assert (check.outcome, check.status) == (Outcome.INVALID, ExecStatus.ERROR)


def test_correct_answer_is_correct(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond(fenced("output", "('x', 2.5)")), executor) is Outcome.CORRECT


def test_bare_tuple_answer_is_the_tuple(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond(fenced("output", "'x', 2.5")), executor) is Outcome.CORRECT


def test_answer_with_other_formatting_is_correct(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond(fenced("output", '( "x" ,2.50)  # done')), executor) is Outcome.CORRECT


def test_wrong_answer_is_wrong(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond(fenced("output", "('x', 2.0)")), executor) is Outcome.WRONG


def test_comparison_is_type_strict(executor: ExecutorBackend) -> None:
    task = make_task("def f(x):\n    return x + 1\n", "1", executor)
    assert verdict(task, respond(fenced("output", "2.0")), executor) is Outcome.WRONG


def test_nan_answer_matches_nan_output(executor: ExecutorBackend) -> None:
    task = make_task("def f(x):\n    return float(x)\n", "'nan'", executor)
    assert verdict(task, respond(fenced("output", "float('nan')")), executor) is Outcome.CORRECT


def test_answer_without_output_block_is_a_format_error(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond("('x', 2.5)"), executor) is Outcome.FORMAT_ERROR


def test_answer_without_envelope_is_a_format_error(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, fenced("output", "('x', 2.5)"), executor) is Outcome.FORMAT_ERROR


def test_unparseable_answer_is_a_format_error(pair_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(pair_task, respond(fenced("output", "('x', 2.5")), executor) is Outcome.FORMAT_ERROR


def test_verify_keeps_batch_order(pair_task: Task, executor: ExecutorBackend) -> None:
    responses = ["nothing", respond(fenced("output", "('x', 2.5)")), respond(fenced("output", "set()"))]
    outcomes = [v.outcome for v in verdicts(pair_task, responses, executor)]
    assert outcomes == [Outcome.FORMAT_ERROR, Outcome.CORRECT, Outcome.WRONG]


def test_solver_prompt_shows_program_and_input(pair_task: Task) -> None:
    user = DEDUCTION.solver_prompt(pair_task).user
    assert "return (b, a + 1.5)" in user and "1, 'x'" in user and "('x', 2.5)" not in user
