"""Batched judging of actions: the only place the env talks to task types' executor-backed methods.

Every action is read here once, by the one answer parser (``azr_env.tasks.parsing``) under the env's answer rule:
an action that is not text, is too long, is not valid Unicode (a lone surrogate cannot be encoded, hashed or saved)
or has no answer region is a format error before any task type sees it; the others reach their task type as an
``Answer``. A batch of mixed task types is split by type and sent as one ``validate`` / ``verify`` call per type,
so a vector env step costs at most two executor round trips per task type whatever the number of episodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import (
    Outcome,
    ParseFailure,
    Problem,
    Proposal,
    ProposalCheck,
    ProposalContext,
    SolveType,
    Verdict,
)
from azr_env.tasks.parsing import Answer, AnswerRule, ValueEquality, ValueSyntax, read_answer
from azr_env.tasks.registry import proposing

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def action_text(action: object, max_chars: int) -> str | ParseFailure:
    """Return the action as text, or why it cannot be one (not a str, longer than ``max_chars``, not valid Unicode)."""
    if not isinstance(action, str):
        return ParseFailure(f"an action must be a str, got {type(action).__name__}")
    if len(action) > max_chars:
        return ParseFailure(f"the action has {len(action)} characters, more than max_action_chars={max_chars}")
    if not action.isascii():
        try:
            action.encode("utf-8")
        except UnicodeEncodeError as exc:
            return ParseFailure(f"the action is not valid Unicode text: {exc.reason} at position {exc.start}")
    return action


def read_action(
    action: object,
    max_chars: int,
    rule: AnswerRule,
    syntax: ValueSyntax,
    equality: ValueEquality = ValueEquality.CANONICAL,
) -> Answer | ParseFailure:
    """Return the answer of an action under ``rule``, or why it has none (the one place responses are read)."""
    text = action_text(action, max_chars)
    return text if isinstance(text, ParseFailure) else read_answer(text, rule, syntax, equality)


class Judge:
    """Parses, validates and verifies batches of actions with one executor call per task type.

    Args:
        task_types: the task types by name (solve-only ones can only ``verify``).
        executor: returns the executor; called only when a batch needs it (the env creates it lazily).
        config: ``max_action_chars`` (longer actions are format errors), the answer rule and the value syntax.
    """

    def __init__(
        self, task_types: Mapping[str, SolveType[Any]], executor: Callable[[], ExecutorBackend], config: EnvConfig
    ) -> None:
        self.task_types = dict(task_types)
        self._executor = executor
        self.max_action_chars = config.max_action_chars
        self.answer_rule = config.effective_answer_rule()
        self.answer_syntax = config.answer_syntax
        self.answer_equality = config.answer_equality

    def check_proposals(self, items: Sequence[tuple[str, object, ProposalContext]]) -> list[ProposalCheck]:
        """Parse and validate ``(task_type, action, context)`` items; one check per item, in order."""
        checks: list[ProposalCheck | None] = []
        pairs: list[tuple[str, tuple[Proposal, ProposalContext]]] = []
        for name, action, context in items:
            parsed = self._parse(name, action, context)
            if isinstance(parsed, ParseFailure):
                checks.append(ProposalCheck(Outcome.FORMAT_ERROR, error=parsed.reason))
            else:
                checks.append(None)
                pairs.append((name, (parsed, context)))
        return _fill(checks, self._by_type(pairs, self._validate))

    def verify(self, items: Sequence[tuple[Problem, object]]) -> list[Verdict]:
        """Verify ``(problem, action)`` answers; one verdict per item, in order."""
        verdicts: list[Verdict | None] = []
        pairs: list[tuple[str, tuple[Problem, Answer]]] = []
        for task, action in items:
            answer = read_action(
                action, self.max_action_chars, self.answer_rule, self.answer_syntax, self.answer_equality
            )
            if isinstance(answer, ParseFailure):
                verdicts.append(Verdict(Outcome.FORMAT_ERROR, answer.reason))
            else:
                verdicts.append(None)
                pairs.append((task.task_type, (task, answer)))
        return _fill(verdicts, self._by_type(pairs, self._verify))

    def _parse(self, name: str, action: object, context: ProposalContext) -> Proposal | ParseFailure:
        # Proposed inputs are data whatever the value syntax: only solver answers may be scored as expressions.
        answer = read_action(action, self.max_action_chars, self.answer_rule, ValueSyntax.DATA)
        if isinstance(answer, ParseFailure):
            return answer
        return proposing(self.task_types[name]).parse_proposal(answer, context)

    def _validate(self, name: str, items: list[tuple[Proposal, ProposalContext]]) -> list[ProposalCheck]:
        return proposing(self.task_types[name]).validate(items, self._executor())

    def _verify(self, name: str, items: list[tuple[Problem, Answer]]) -> list[Verdict]:
        return self.task_types[name].verify(items, self._executor())

    @staticmethod
    def _by_type(pairs: Sequence[tuple[str, _In]], call: Callable[[str, list[_In]], list[_Out]]) -> list[_Out]:
        """Group ``(task_type, item)`` pairs by type, make one ``call`` per type, return results in input order."""
        groups: dict[str, list[int]] = defaultdict(list)
        for i, (name, _) in enumerate(pairs):
            groups[name].append(i)
        results: dict[int, _Out] = {}
        for name, indices in groups.items():
            outs = call(name, [pairs[i][1] for i in indices])
            results.update(zip(indices, outs, strict=True))
        return [results[i] for i in range(len(pairs))]


def _fill(slots: list[_Out | None], results: list[_Out]) -> list[_Out]:
    """Return ``slots`` with each ``None`` replaced by the next of ``results``."""
    remaining = iter(results)
    return [slot if slot is not None else next(remaining) for slot in slots]
