"""verl reward functions: ``compute_score`` for ``custom_reward_function`` and its batched twin.

Rows built by ``azr_env.integrations.verl.dataset`` carry their task as JSON in ``reward_model.ground_truth``;
the score is the env's solver reward (1 correct, ``wrong_penalty`` wrong, ``format_penalty`` malformed), judged by
the sandboxed executor of this process (started on first use, one per reward worker). Self-play rows are scored
inside the agent loops instead (their ``reward_score``), so verl never calls these for them.

    custom_reward_function.path=<azr_env>/integrations/verl/reward.py custom_reward_function.name=compute_score
    # or, with reward_model.reward_manager=batch: custom_reward_function.name=compute_score_batch
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from azr_env.config import EnvConfig
from azr_env.integrations.common import TaskScorer, task_from_columns
from azr_env.tasks import list_task_types

_scorers: dict[str, TaskScorer] = {}


def scorer() -> TaskScorer:
    """This process's scorer over every registered task type (one executor, started on first use)."""
    if "default" not in _scorers:
        _scorers["default"] = TaskScorer(EnvConfig(task_types=tuple(list_task_types())))
    return _scorers["default"]


def compute_score(
    data_source: str, solution_str: str, ground_truth: str, extra_info: dict[str, Any] | None = None
) -> float:
    """The solver reward of one response (verl's ``custom_reward_function`` signature)."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info])[0]


def compute_score_batch(
    data_sources: Sequence[str],
    solution_strs: Sequence[str],
    ground_truths: Sequence[str],
    extra_infos: Sequence[dict[str, Any] | None],
) -> list[float]:
    """The solver reward of every response, judged with one executor call per task type."""
    tasks = [task_from_columns(json.loads(truth)) for truth in ground_truths]
    return scorer().rewards(tasks, list(solution_strs))
