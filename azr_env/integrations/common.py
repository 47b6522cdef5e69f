"""What every trainer adapter shares: tasks as plain dataset columns, solver prompts, and batched judging.

A dataset row carries the task it asks about as plain columns (``task_type``, ``program``, ``inputs``, ``outputs``,
``message``, ``task_id``), so a reward function can rebuild the task in any process without the dataset or buffer
that produced it. ``TaskScorer`` judges a batch of completions through the env's ``Judge``: one executor call per
task type, whatever the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.judge import Judge
from azr_env.rewards import solver_reward
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome, Task
from azr_env.tasks.prompts import render_messages, render_r1

TASK_COLUMNS = ("task_type", "program", "inputs", "outputs", "message", "task_id")
"""The columns that carry a task in a dataset row."""

PromptFormat = Literal["r1", "chat"]


def task_columns(task: Task) -> dict[str, Any]:
    """A task as plain dataset columns (lists of strings for the inputs and outputs)."""
    return {
        "task_type": task.task_type,
        "program": task.program,
        "inputs": list(task.inputs),
        "outputs": list(task.outputs),
        "message": task.message,
        "task_id": task.task_id,
    }


def task_from_columns(row: dict[str, Any]) -> Task:
    """Rebuild the task of a row; a row whose type, program or inputs do not match its ``task_id`` is refused.

    Raises:
        ConfigError: a task column is missing, or the row was altered (its content id differs). The id does not
            cover the outputs: rows are trusted data from a suite or buffer, never model text.
    """
    missing = [name for name in TASK_COLUMNS if name not in row]
    if missing:
        raise ConfigError(f"a dataset row lacks the task column(s) {missing}; build rows with task_columns()")
    task = Task(row["task_type"], row["program"], tuple(row["inputs"]), tuple(row["outputs"]), row["message"] or "")
    if task.task_id != row["task_id"]:
        raise ConfigError(f"row of task {row['task_id']} does not match its content (id {task.task_id}): altered")
    return task


def solver_prompt(task: Task, prompt_format: PromptFormat) -> str | list[dict[str, str]]:
    """The solver prompt of a task: R1 text for base models, or system + user chat messages for instruct models."""
    prompt = get_task_type(task.task_type).solver_prompt(task)
    return render_r1(prompt) if prompt_format == "r1" else render_messages(prompt)


def completion_text(completion: object) -> object:
    """The response text of a completion: a string as is, chat messages as their last assistant content.

    Anything else is returned unchanged, so the judge gives it the format penalty instead of this raising.
    """
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return completion[-1].get("content", "")
    return completion


class TaskScorer:
    """Scores solver answers through the env's judge, with the env's reward settings.

    Args:
        config: the env settings whose task types, reward penalties, action cap and executor backend apply.
        executor: an executor to use (never closed here); ``None`` starts the config's one on the first batch.
    """

    def __init__(self, config: EnvConfig | None = None, executor: ExecutorBackend | None = None) -> None:
        self.config = config or EnvConfig()
        self._executor = executor
        self._owns = executor is None
        types = {name: get_task_type(name) for name in self.config.task_types}
        self.judge = Judge(types, self.executor, self.config)

    def executor(self) -> ExecutorBackend:
        """The executor, started on first use unless one was injected."""
        if self._executor is None:
            from azr_env.runtime import start_executor

            self._executor = start_executor(self.config)
        return self._executor

    def outcomes(self, tasks: Sequence[Task], completions: Sequence[object]) -> list[Outcome]:
        """The judged outcome of each completion for its task, in order (one executor call per task type)."""
        unknown = sorted({task.task_type for task in tasks} - set(self.judge.task_types))
        if unknown:
            raise ConfigError(f"tasks of type(s) {unknown} are not in EnvConfig.task_types {self.config.task_types}")
        items = [(task, completion_text(c)) for task, c in zip(tasks, completions, strict=True)]
        return [verdict.outcome for verdict in self.judge.verify(items)]

    def reward_of(self, outcome: Outcome) -> float:
        """The solver reward of an outcome (1, the wrong penalty or the format penalty)."""
        return solver_reward(outcome, self.config.reward)

    def rewards(self, tasks: Sequence[Task], completions: Sequence[object]) -> list[float]:
        """The solver reward of each completion, in order."""
        return [self.reward_of(outcome) for outcome in self.outcomes(tasks, completions)]

    def close(self) -> None:
        """Stop the executor if this scorer started it. Idempotent."""
        if self._owns and self._executor is not None:
            self._executor.close()
            self._executor = None
