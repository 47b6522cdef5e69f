"""A solver answer without its tag: read under the chat rules, a format error under the paper's strict envelope."""

import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, Proposal, ProposalContext, Task, get_task_type
from azr_env.tasks.parsing import Answer, AnswerRule, read_answer

from .helpers import verdict

PROGRAM = "def f(xs):\n    return [x * 2 for x in xs]\n"
CHAT = ("open", "fences")


@pytest.fixture(scope="module")
def doubling(executor: ExecutorBackend) -> Task:
    check = get_task_type("deduction").validate([(Proposal(PROGRAM, ("[1, 2]",)), ProposalContext())], executor)
    assert check[0].task is not None
    return check[0].task


def sole(text: str, rule: AnswerRule, tag: str = "output") -> str | None:
    answer = read_answer(text, rule)
    assert isinstance(answer, Answer)
    return answer.sole(tag)


@pytest.mark.parametrize("rule", [AnswerRule.OPEN, AnswerRule.FENCES])
def test_a_bare_value_inside_answer_is_the_block_under_a_chat_rule(rule: AnswerRule) -> None:
    assert sole("<answer>[2, 4]</answer>", rule) == "[2, 4]"
    assert sole("<answer>\n```\n[2, 4]\n```\n</answer>", rule) == "[2, 4]"
    assert sole("<answer>\n[2, 4]", rule) == "[2, 4]"


def test_the_strict_rule_reads_only_tagged_blocks() -> None:
    assert sole("<answer>[2, 4]</answer>", AnswerRule.STRICT) is None
    assert sole("<answer>\n```\n[2, 4]\n```\n</answer>", AnswerRule.STRICT) is None


def test_a_tagged_block_wins_and_text_outside_answer_or_beside_fences_is_not_read() -> None:
    assert sole("<answer>\n```\n1\n```\n```output\n2\n```\n</answer>", AnswerRule.FENCES) == "2"
    assert sole("<think>x</think>\n[2, 4]", AnswerRule.FENCES) is None  # no <answer>: prose after </think>
    assert sole("<answer>\n```\n1\n```\n```\n2\n```\n</answer>", AnswerRule.FENCES) is None  # two untagged blocks
    assert sole("<answer>so it is\n```python\nx\n```</answer>", AnswerRule.FENCES) is None  # another tag's block


@pytest.mark.parametrize("answer_rule", CHAT)
def test_an_untagged_correct_answer_scores_correct_in_chat(
    doubling: Task, executor: ExecutorBackend, answer_rule: str
) -> None:
    assert verdict(doubling, "<answer>[2, 4]</answer>", executor, answer_rule=answer_rule) is Outcome.CORRECT
    assert verdict(doubling, "<answer>[2, 5]</answer>", executor, answer_rule=answer_rule) is Outcome.WRONG


def test_an_untagged_answer_is_a_format_error_under_the_strict_rule(doubling: Task, executor: ExecutorBackend) -> None:
    assert verdict(doubling, "<answer>[2, 4]</answer>", executor, answer_rule="strict") is Outcome.FORMAT_ERROR


@pytest.mark.parametrize("text", ["<answer>The output is [2, 4].</answer>", "<answer>[x * 2 for x in [1, 2]]</answer>"])
def test_untagged_prose_or_computation_stays_a_format_error(
    doubling: Task, executor: ExecutorBackend, text: str
) -> None:
    assert verdict(doubling, text, executor, answer_rule="fences") is Outcome.FORMAT_ERROR
