"""Reward functions with TRL's signature (``f(prompts, completions, **columns) -> list[float]``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.integrations.common import TaskScorer, task_from_columns
from azr_env.tasks.base import Outcome, Role


class SolveReward:
    """Scores each completion against the task of its row, through the env's judge (solve-only training).

    One call judges the whole batch with one executor call per task type. Rewards are the env's solver rewards
    (1 correct, ``wrong_penalty`` wrong, ``format_penalty`` malformed); the accuracy per task type is logged through
    TRL's ``log_metric`` as ``azr/solve/<type>/accuracy``.

    Args:
        config: the env settings (task types, penalties, executor backend); default ``EnvConfig()``.
        executor: an executor to share (never closed here); ``None`` starts one on the first call.
    """

    def __init__(self, config: EnvConfig | None = None, executor: ExecutorBackend | None = None) -> None:
        self.scorer = TaskScorer(config, executor)
        self.__name__ = "azr_solve"

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], **columns: Any) -> list[float]:
        """The solver reward of each completion; ``columns`` holds the task columns of each row."""
        size = len(completions)
        rows = [{name: values[i] for name, values in columns.items() if isinstance(values, list)} for i in range(size)]
        tasks = [task_from_columns(row) for row in rows]
        outcomes = self.scorer.outcomes(tasks, completions)
        keys = [f"azr/solve/{task.task_type}/accuracy" for task in tasks]
        log_rates(columns.get("log_metric"), keys, [outcome is Outcome.CORRECT for outcome in outcomes])
        return [self.scorer.reward_of(outcome) for outcome in outcomes]

    def close(self) -> None:
        """Stop the executor if this reward function started it."""
        self.scorer.close()


def log_rates(log_metric: Callable[[str, float], None] | None, keys: Sequence[str], hits: Sequence[bool]) -> None:
    """Log the mean of ``hits`` per metric key (when TRL passed ``log_metric``)."""
    if log_metric is None:
        return
    by_key: dict[str, list[bool]] = defaultdict(list)
    for key, hit in zip(keys, hits, strict=True):
        by_key[key].append(hit)
    for key, values in sorted(by_key.items()):
        log_metric(key, sum(values) / len(values))


def selfplay_reward(
    prompts: Sequence[Any],
    completions: Sequence[Any],
    *,
    azr_reward: Sequence[float],
    azr_role: Sequence[str] = (),
    azr_task_type: Sequence[str] = (),
    azr_outcome: Sequence[str] = (),
    log_metric: Callable[[str, float], None] | None = None,
    **_: Any,
) -> list[float]:
    """The reward ``SelfPlayRollout`` computed for each row (proposer learnability or solver reward), as is.

    Also logs ``azr/propose/<type>/valid_rate`` and ``azr/solve/<type>/accuracy`` through TRL's ``log_metric``.
    """
    rows = list(zip(azr_role, azr_task_type, azr_outcome, strict=True))
    keys = [f"azr/{role}/{name}/{'valid_rate' if role == Role.PROPOSE else 'accuracy'}" for role, name, _ in rows]
    good = [outcome in (Outcome.VALID, Outcome.CORRECT) for _, _, outcome in rows]
    log_rates(log_metric, keys, good)
    return [float(r) for r in azr_reward]
