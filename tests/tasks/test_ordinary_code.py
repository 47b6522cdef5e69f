"""Ordinary code is accepted and read as written (issue 12, cause 9)."""

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, Proposal, ProposalContext, Task, get_task_type

from .helpers import fenced, parse, respond, verdict

DEDUCTION = get_task_type("deduction")


def propose(program: str, expr: str, executor: ExecutorBackend) -> Outcome:
    text = respond(fenced("python", program), fenced("input", expr))
    proposal = parse("deduction", text, ProposalContext())
    assert isinstance(proposal, Proposal), proposal
    return DEDUCTION.validate([(proposal, ProposalContext())], executor)[0].outcome


def test_a_zero_argument_program_is_proposed_with_an_empty_input(executor: ExecutorBackend) -> None:
    assert propose("def f():\n    return sorted('cab')", "", executor) is Outcome.VALID


def test_an_empty_input_answers_a_zero_argument_program(executor: ExecutorBackend) -> None:
    task = Task("abduction", "def f():\n    return 3\n", ("",), ("3",))
    assert verdict(task, respond(fenced("input", "")), executor) is Outcome.CORRECT


def test_underscores_are_throwaway_variables(executor: ExecutorBackend) -> None:
    program = "def f(pairs):\n    total = 0\n    for _, __ in pairs:\n        total += 1\n    return total"
    assert propose(program, "[(1, 2), (3, 4)]", executor) is Outcome.VALID


def test_an_underscore_attribute_stays_refused(executor: ExecutorBackend) -> None:
    assert propose("def f(x):\n    return x.__class__", "1", executor) is Outcome.INVALID


def test_a_line_separator_inside_a_string_is_kept(executor: ExecutorBackend) -> None:
    program = "def f(x):\n    return 'a\u2028b'.split('\u2028')"
    text = respond(fenced("python", program), fenced("input", "0"))
    proposal = parse("deduction", text, ProposalContext())
    assert isinstance(proposal, Proposal) and proposal.program == program + "\n"


def test_a_program_line_ending_in_backticks_is_not_cut_short() -> None:
    text = "<answer>\n```python\ndef f(x):\n    y = x  # ```\n    return y * 2\n```\n```input\n3\n```\n</answer>"
    proposal = parse("deduction", text, ProposalContext())
    assert isinstance(proposal, Proposal) and proposal.program.endswith("return y * 2\n")
