import numpy as np
import pytest

from azr_env.buffer import TaskBuffer
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, ParseFailure, Proposal, ProposalContext, Task, get_task_type
from azr_env.tasks.induction import N_INPUTS, message_leaks

from .helpers import fenced, parse, respond, verdict

INDUCTION = get_task_type("induction")
PROGRAM = "def f(n):\n    return n * n - 1\n"
SOURCE = Task("deduction", PROGRAM, ("3",), ("8",))
CONTEXT = ProposalContext(program=SOURCE)
INPUTS = tuple(str(n) for n in range(N_INPUTS))


def proposal_text(inputs: tuple[str, ...] = INPUTS, message: str = "Think about squares.") -> str:
    return respond(*(fenced("input", expr) for expr in inputs), fenced("message", message))


def validate(proposal: Proposal, executor: ExecutorBackend) -> Outcome:
    return INDUCTION.validate([(proposal, CONTEXT)], executor)[0].outcome


@pytest.fixture(scope="module")
def square_task(executor: ExecutorBackend) -> Task:
    proposal = parse("induction", proposal_text(), CONTEXT)
    assert isinstance(proposal, Proposal)
    check = INDUCTION.validate([(proposal, CONTEXT)], executor)[0]
    assert check.task is not None, check
    return check.task


def solve(task: Task, program: str, executor: ExecutorBackend) -> Outcome:
    return verdict(task, respond(fenced("python", program)), executor)


def test_context_program_comes_from_deduction_or_abduction(seeded_buffer: TaskBuffer) -> None:
    context = INDUCTION.make_context(seeded_buffer.views(), 6, np.random.default_rng(0))
    assert context.program is not None and context.program.task_type in ("deduction", "abduction")


def test_parse_takes_the_shown_program_inputs_and_message() -> None:
    proposal = parse("induction", proposal_text(), CONTEXT)
    assert proposal == Proposal(PROGRAM, INPUTS, "Think about squares.")


def test_parse_needs_exactly_ten_inputs() -> None:
    assert isinstance(parse("induction", proposal_text(INPUTS[:9]), CONTEXT), ParseFailure)


def test_parse_needs_a_message() -> None:
    text = respond(*(fenced("input", expr) for expr in INPUTS))
    assert isinstance(parse("induction", text, CONTEXT), ParseFailure)


def test_duplicate_inputs_are_invalid(executor: ExecutorBackend) -> None:
    inputs = ("(1)", *INPUTS[1:])  # "(1)" and "1" are the same input
    assert validate(Proposal(PROGRAM, inputs, "hint"), executor) is Outcome.INVALID


def test_inputs_that_make_the_same_call_are_invalid(executor: ExecutorBackend) -> None:
    inputs = (*INPUTS[:5], *(f"n={n}" for n in INPUTS[:5]))  # the hidden five re-spell the visible five
    assert validate(Proposal(PROGRAM, inputs, "hint"), executor) is Outcome.INVALID


def test_a_message_stating_hidden_pairs_is_invalid(executor: ExecutorBackend) -> None:
    message = "More examples: f(7) = 48, f(9) = 80."  # 7 and 9 are hidden inputs; a lookup table would pass
    assert validate(Proposal(PROGRAM, INPUTS, message), executor) is Outcome.INVALID


def test_a_message_stating_a_visible_pair_is_valid(executor: ExecutorBackend) -> None:
    assert validate(Proposal(PROGRAM, INPUTS, "For instance f(3) = 8."), executor) is Outcome.VALID


def test_message_containing_the_program_is_invalid(executor: ExecutorBackend) -> None:
    message = "It is  def f(n):\n  return n * n - 1"
    assert validate(Proposal(PROGRAM, INPUTS, message), executor) is Outcome.INVALID


def test_message_containing_the_def_line_leaks() -> None:
    assert message_leaks("Start from: def f(n):", PROGRAM)


def test_message_describing_the_rule_does_not_leak() -> None:
    assert not message_leaks("square it, then subtract one", PROGRAM)


def test_an_input_that_fails_makes_the_proposal_invalid(executor: ExecutorBackend) -> None:
    inputs = (*INPUTS[:9], "'text'")
    assert validate(Proposal(PROGRAM, inputs, "hint"), executor) is Outcome.INVALID


def test_valid_task_keeps_all_ten_pairs(square_task: Task) -> None:
    assert square_task.outputs == tuple(str(n * n - 1) for n in range(N_INPUTS))


def test_solver_prompt_shows_the_message_and_first_five_pairs_only(square_task: Task) -> None:
    user = INDUCTION.solver_prompt(square_task).user
    assert "Think about squares." in user and "```output\n15\n```" in user and "```output\n24\n```" not in user


def test_solver_prompt_does_not_show_the_program(square_task: Task) -> None:
    assert "n * n - 1" not in INDUCTION.solver_prompt(square_task).user


def test_different_code_with_the_same_behaviour_is_correct(square_task: Task, executor: ExecutorBackend) -> None:
    assert solve(square_task, "def f(x):\n    return x ** 2 - 1", executor) is Outcome.CORRECT


def test_matching_only_the_visible_pairs_is_wrong(square_task: Task, executor: ExecutorBackend) -> None:
    program = "def f(x):\n    return [-1, 0, 3, 8, 15][x] if x < 5 else 0"
    assert solve(square_task, program, executor) is Outcome.WRONG


def test_matching_only_the_hidden_pairs_is_wrong(square_task: Task, executor: ExecutorBackend) -> None:
    program = "def f(x):\n    return x * x - 1 if x >= 5 else 0"
    assert solve(square_task, program, executor) is Outcome.WRONG


def test_answer_without_python_block_is_a_format_error(square_task: Task, executor: ExecutorBackend) -> None:
    assert verdict(square_task, respond("def f(x): return x*x-1"), executor) is Outcome.FORMAT_ERROR


def test_a_program_whose_output_depends_on_the_hash_seed_is_wrong(square_task: Task, executor: ExecutorBackend) -> None:
    letters = "{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}"
    first = executor.run_many([(f"def f():\n    return next(iter({letters}))", "")])[0].output
    program = f"def f(n):\n    return n * n - 1 if next(iter({letters})) == {first} else n\n"
    assert all(
        run.output == gold
        for run, gold in zip(executor.run_many([(program, x) for x in INPUTS]), square_task.outputs, strict=True)
    )
    assert solve(square_task, program, executor) is Outcome.WRONG  # it matches every pair in the scoring zygote only


def test_a_program_that_stalls_in_every_other_zygote_is_wrong(square_task: Task, executor: ExecutorBackend) -> None:
    letters = "{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}"
    first = executor.run_many([(f"def f():\n    return next(iter({letters}))", "")])[0].output
    program = f"def f(n):\n    while next(iter({letters})) != {first}:\n        pass\n    return n * n - 1\n"
    assert solve(square_task, program, executor) is Outcome.WRONG  # a rerun stopped by a limit proves nothing steady


def test_a_correct_program_stays_correct_under_every_hash_seed(square_task: Task, executor: ExecutorBackend) -> None:
    program = "def f(n):\n    return sorted({n * n - 1, n * n - 1})[0]\n"
    assert solve(square_task, program, executor) is Outcome.CORRECT
