import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, Proposal, ProposalContext, Task, get_task_type

from .helpers import fenced, respond, verdict, verdicts

ABDUCTION = get_task_type("abduction")


@pytest.fixture(scope="module")
def sum_task(executor: ExecutorBackend) -> Task:
    proposal = Proposal("def f(items):\n    return sum(items) % 10\n", ("[3, 4]",))
    check = ABDUCTION.validate([(proposal, ProposalContext())], executor)[0]
    assert check.task is not None, check
    return check.task


def test_the_proposed_input_is_correct(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("input", "[3, 4]")), executor) is Outcome.CORRECT


def test_any_other_preimage_is_correct(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("input", "[10, 7]")), executor) is Outcome.CORRECT


def test_answer_may_end_in_a_comment(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("input", "[3, 4]  # sums to 7")), executor) is Outcome.CORRECT


def test_input_with_another_output_is_wrong(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("input", "[1]")), executor) is Outcome.WRONG


def test_input_that_makes_the_program_raise_is_wrong(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("input", "'text'")), executor) is Outcome.WRONG


def test_answer_without_input_block_is_a_format_error(sum_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(sum_task, respond(fenced("output", "[3, 4]")), executor) is Outcome.FORMAT_ERROR


def test_solver_prompt_shows_output_not_input(sum_task: Task) -> None:
    user = ABDUCTION.solver_prompt(sum_task).user
    assert "```output\n7\n```" in user and "[3, 4]" not in user


ADDRESS_ORDER = (
    "class Item:\n"
    "    def __init__(self, value):\n"
    "        self.value = value\n\n\n"
    "def f(values):\n"
    "    return [item.value for item in {Item(v) for v in values}][0]\n"
)
"""Deterministic on one value (the proposed input), but on several it returns the first of a set of instances,
ordered by address: a different one from worker to worker."""


def test_an_answer_whose_output_depends_on_the_run_is_wrong(executor: ExecutorBackend) -> None:
    check = ABDUCTION.validate([(Proposal(ADDRESS_ORDER, ("[7]",)), ProposalContext())], executor)[0]
    assert check.task is not None, check
    answer = respond(fenced("input", repr([7, *range(20, 31)])))
    outcomes = set()
    for n in range(4):  # other history in the workers between rounds: other addresses (measured: 6 of 48 matched)
        executor.run_many([("def f(n):\n    return len([[i] for i in range(n)])", str(1000 * n))] * 3)
        outcomes |= {v.outcome for v in verdicts(check.task, [answer] * 8, executor)}
    assert outcomes == {Outcome.WRONG}
