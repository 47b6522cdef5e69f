"""Scoring saved responses of ``azr bench models`` under an answer rule and a token budget, without the model.

``judge_records`` re-judges every response with the env's own judge (``azr_env.judge.Judge``), built by
``rule_judge`` for one answer rule of the env's parser (``azr_env.tasks.parsing.AnswerRule``, the
``EnvConfig.answer_rule`` a training run would use), optionally cut to a shorter budget (the first ``budget``
sampled tokens, decoded again), and scores it with the env's reward functions: proposals against their saved
contexts, answers against their saved tasks. A valid proposal's reward is its learnability over its own attempts,
which are judged under the same rule and budget; a proposal whose re-read task is not the one its attempts were
sampled for (the attempts were sampled for the task that ``MOST_LENIENT`` reads; a stricter rule or a cut budget
may read another one) has no reward and is left out of the step simulation.

``cell_stats`` gives the per-cell rates; ``learning_signal`` simulates training steps of ``group_size`` episodes
per (task type, role) drawn from the cells and counts the responses whose advantage (the trainer's estimator, TRR++
by default) is not zero, per minute of sampling plus update.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agents.llm.estimators import AdvantageInputs, get_estimator
from azr_env.buffer import TaskBuffer
from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.integrations.common import task_from_columns
from azr_env.judge import Judge
from azr_env.rewards import RewardConfig, proposer_reward, solver_reward
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome
from azr_env.tasks.parsing import AnswerRule
from benchmarks.models_records import Record, context_from_line

MOST_LENIENT = AnswerRule.FENCES
"""The rule sampling uses to decide which proposals get solver attempts: it reads an answer wherever any rule does."""


def rule_judge(task_types: Sequence[str], executor: Callable[[], ExecutorBackend], rule: AnswerRule) -> Judge:
    """The env's judge of ``task_types`` reading answers with ``rule`` (every other setting the env's default)."""
    return Judge({t: get_task_type(t) for t in task_types}, executor, EnvConfig(answer_rule=rule))


@dataclass(frozen=True)
class Judged:
    """One response as judged under an answer rule and budget.

    Attributes:
        record: the saved response.
        outcome: the env's outcome for the re-read text.
        reward: the env's reward; ``None`` for a valid proposal without attempts at its task.
        tokens: completion tokens within the budget.
        seconds: sampling seconds of the response had generation stopped at the budget (see ``robust_seconds``).
    """

    record: Record
    outcome: Outcome
    reward: float | None
    tokens: int
    seconds: float


def cut_text(record: Record, budget: int, tokenizer: Any) -> str:
    """The response cut to ``budget`` tokens (decoded again only when it is longer)."""
    if budget >= record.tokens:
        return record.response
    return str(tokenizer.decode(record.completion_ids[:budget], skip_special_tokens=True))


def judge_records(
    records: Sequence[Record], *, budget: int, judge: Judge, tokenizers: Mapping[str, Any], buffer: TaskBuffer
) -> dict[str, Judged]:
    """Judge every record, cut to ``budget``, with ``judge`` (and so its answer rule); keyed by record id.

    ``buffer`` is the seeded buffer the prompts were drawn from: a proposal that copies one of its tasks is invalid,
    as in the env (``TaskBuffer.novel``).
    """
    rewards = RewardConfig()

    def text(r: Record) -> str:
        return cut_text(r, budget, tokenizers.get(r.model))

    seconds = robust_seconds(records, budget)
    proposals = [r for r in records if r.role == "propose"]
    answers = [r for r in records if r.role != "propose"]
    items = [(r.task_type, text(r), context_from_line(r.context or {})) for r in proposals]
    checks = [buffer.novel([check])[0] for check in judge.check_proposals(items)]  # independent samples
    verdicts = judge.verify([(task_from_columns(r.task or {}), text(r)) for r in answers])
    out = {
        r.id: Judged(r, v.outcome, solver_reward(v.outcome, rewards), min(r.tokens, budget), seconds[r.id])
        for r, v in zip(answers, verdicts, strict=True)
    }
    attempts: dict[str, list[Record]] = defaultdict(list)
    for r in answers:
        if r.parent:
            attempts[r.parent].append(r)
    for r, check in zip(proposals, checks, strict=True):
        reward = proposer_reward(check.outcome, None, rewards) if check.task is None else None
        if check.task is not None:
            mine = [out[a.id] for a in attempts[r.id] if task_from_columns(a.task or {}).task_id == check.task.task_id]
            if mine:
                rate = float(np.mean([a.outcome is Outcome.CORRECT for a in mine]))
                reward = proposer_reward(check.outcome, rate, rewards)
        out[r.id] = Judged(r, check.outcome, reward, min(r.tokens, budget), seconds[r.id])
    return out


def robust_seconds(records: Sequence[Record], budget: int) -> dict[str, float]:
    """Each record's sampling seconds: the median per-response time of the batches of its cell and role.

    On a shared machine a batch sometimes takes several times longer than its neighbours (other processes'
    load); the median over a cell's batches keeps such outliers from deciding the comparison.
    """
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        groups[(r.id.split("/", 1)[0], r.role)].append(r)
    out: dict[str, float] = {}
    for group in groups.values():
        batches = {r.batch for r in group}  # equal timings are one batch
        median = float(np.median([b.seconds_at(budget) / b.size for b in batches]))
        out.update((r.id, median) for r in group)
    return out


@dataclass(frozen=True)
class CellStats:
    """Rates of one cell (model, format, task type, role) under a rule and budget.

    Attributes:
        n: episodes.
        well_formed: share of episodes that are not format errors.
        success: share of valid proposals (propose) or correct answers (solve).
        learnability: propose: mean learnability reward of the valid proposals with attempts (None if none).
        attempts: propose: solver attempts judged at the valid proposals.
        attempt_accuracy: propose: share of those attempts that are correct (None if none).
        seconds: mean sampling seconds per episode response.
        tokens: mean completion tokens per episode response.
    """

    n: int
    well_formed: float
    success: float
    learnability: float | None
    attempts: int
    attempt_accuracy: float | None
    seconds: float
    tokens: float


def cell_stats(episodes: Sequence[Judged], attempts: Sequence[Judged]) -> CellStats:
    """Rates of one cell from its judged episodes and the attempts at its proposals."""
    good = Outcome.VALID if episodes and episodes[0].record.role == "propose" else Outcome.CORRECT
    rated = [j.reward for j in episodes if j.outcome is Outcome.VALID and j.reward is not None]
    return CellStats(
        n=len(episodes),
        well_formed=_mean([j.outcome is not Outcome.FORMAT_ERROR for j in episodes]),
        success=_mean([j.outcome is good for j in episodes]),
        learnability=_mean(rated) if rated else None,
        attempts=len(attempts),
        attempt_accuracy=_mean([j.outcome is Outcome.CORRECT for j in attempts]) if attempts else None,
        seconds=_mean([j.seconds for j in episodes]),
        tokens=_mean([j.tokens for j in episodes]),
    )


def _mean(values: Sequence[float | bool]) -> float:
    return float(np.mean(values)) if values else 0.0


@dataclass(frozen=True)
class Signal:
    """Simulated training steps of one model and format, per step on average.

    Attributes:
        group_size: episodes per (task type, role) in a step.
        responses: responses trained on (episodes plus the attempts at valid proposals).
        nonzero: responses whose advantage is not zero.
        sample_seconds: sampling time of those responses.
        update_seconds: update time, from the measured update seconds per token.
    """

    group_size: int
    responses: float
    nonzero: float
    sample_seconds: float
    update_seconds: float

    @property
    def per_minute(self) -> float:
        """Responses with a non-zero advantage per minute of sampling plus update."""
        total = self.sample_seconds + self.update_seconds
        return 60.0 * self.nonzero / total if total > 0 else 0.0


@dataclass(frozen=True)
class StepPool:
    """What simulated steps draw from: per task type, the rewarded proposals and the solve episodes."""

    proposals: dict[str, list[Judged]]
    solves: dict[str, list[Judged]]
    attempts: dict[str, list[Judged]]

    @classmethod
    def build(cls, judged: Sequence[Judged]) -> StepPool:
        """Group judged records; proposals without a reward (no attempts at their task) are left out."""
        proposals: dict[str, list[Judged]] = defaultdict(list)
        solves: dict[str, list[Judged]] = defaultdict(list)
        attempts: dict[str, list[Judged]] = defaultdict(list)
        for j in judged:
            role = j.record.role
            if role == "propose" and j.reward is not None:
                proposals[j.record.task_type].append(j)
            elif role == "solve":
                solves[j.record.task_type].append(j)
            elif role == "attempt":
                attempts[j.record.parent].append(j)
        return cls(dict(proposals), dict(solves), dict(attempts))

    def draw(self, rng: np.random.Generator, group_size: int) -> list[tuple[Judged, str]]:
        """One step: ``group_size`` proposals and solve episodes per type, plus the attempts at valid proposals.

        Each response comes with its group id: a proposal's own id, a solve's task id, an attempt's proposal id.
        """
        step: list[tuple[Judged, str]] = []
        for task_type in sorted(set(self.proposals) | set(self.solves)):
            for j in _pick(self.proposals.get(task_type, []), group_size, rng):
                step.append((j, j.record.id))
                if j.outcome is Outcome.VALID:
                    step += [(a, j.record.id) for a in self.attempts.get(j.record.id, [])]
            step += [
                (j, task_from_columns(j.record.task or {}).task_id)
                for j in _pick(self.solves.get(task_type, []), group_size, rng)
            ]
        return step


def _pick(items: Sequence[Judged], k: int, rng: np.random.Generator) -> list[Judged]:
    """``k`` distinct items (all of them when there are fewer)."""
    if len(items) <= k:
        return list(items)
    return [items[int(i)] for i in rng.choice(len(items), size=k, replace=False)]


def learning_signal(
    judged: Sequence[Judged],
    *,
    group_size: int,
    update_seconds_per_token: float,
    steps: int = 2000,
    seed: int = 0,
    algo: str = "trr++",
    level: str = "token",
) -> Signal:
    """Average over ``steps`` simulated training steps drawn from ``judged`` (one model and format)."""
    pool, estimator, rng = StepPool.build(judged), get_estimator(algo), np.random.default_rng(seed)
    totals = np.zeros(4)  # responses, nonzero, sample seconds, update tokens
    for _ in range(steps):
        step = pool.draw(rng, group_size)
        if not step:
            continue
        inputs = AdvantageInputs(
            rewards=np.array([j.reward for j, _ in step], dtype=np.float64),
            task_types=[j.record.task_type for j, _ in step],
            roles=["propose" if j.record.role == "propose" else "solve" for j, _ in step],
            group_ids=[group for _, group in step],
            lengths=np.array([j.tokens for j, _ in step]),
            level=level,  # type: ignore[arg-type]
        )
        advantages = estimator(inputs)
        tokens = sum(j.record.prompt_tokens + j.tokens for j, _ in step)
        totals += (len(step), int(np.sum(np.abs(advantages) > 1e-9)), sum(j.seconds for j, _ in step), tokens)
    responses, nonzero, sample_s, tokens = totals / steps
    return Signal(group_size, responses, nonzero, sample_s, tokens * update_seconds_per_token)
