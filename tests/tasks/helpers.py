"""Short names for the response builders and for judging full responses exactly as the env does."""

from __future__ import annotations

from typing import Any

from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.judge import Judge, read_action
from azr_env.tasks import Outcome, ParseFailure, Proposal, ProposalContext, Task, Verdict, get_task_type
from azr_env.tasks.examples import example_response as respond
from azr_env.tasks.parsing import Answer, AnswerRule, ValueSyntax, read_answer
from azr_env.tasks.prompts import fence as fenced

__all__ = ["fenced", "parse", "read", "respond", "verdict", "verdicts"]

BUILT_IN = ("deduction", "abduction", "induction")


def read(text: str) -> Answer:
    """The answer of a full response under the strict R1 rule (the response must have one)."""
    answer = read_answer(text, AnswerRule.STRICT)
    assert isinstance(answer, Answer), answer
    return answer


def parse(name: str, text: str, context: ProposalContext) -> Proposal | ParseFailure:
    """Parse a full proposer response as the env does: the strict rule, then the type's ``parse_proposal``."""
    answer = read_action(text, 32768, AnswerRule.STRICT, ValueSyntax.DATA)
    return answer if isinstance(answer, ParseFailure) else get_task_type(name).parse_proposal(answer, context)


def verdicts(task: Task, responses: list[str], executor: ExecutorBackend, **config: Any) -> list[Verdict]:
    """Verify full responses to ``task`` in one batch, as the env's judge does (``config``: ``EnvConfig`` fields)."""
    judge = Judge({name: get_task_type(name) for name in BUILT_IN}, lambda: executor, EnvConfig(**config))
    return judge.verify([(task, response) for response in responses])


def verdict(task: Task, response: str, executor: ExecutorBackend, **config: Any) -> Outcome:
    """The outcome of one full response to ``task``."""
    return verdicts(task, [response], executor, **config)[0].outcome
