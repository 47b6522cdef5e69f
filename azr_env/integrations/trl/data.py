"""Datasets for TRL's ``GRPOTrainer``: solver prompts from a suite or the live buffer, and self-play slots.

Every solve row holds the prompt (``"prompt"``: chat messages, or R1 text) and its task as plain columns
(``azr_env.integrations.common.TASK_COLUMNS``), which TRL passes to the reward functions as keyword arguments.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from azr_env.buffer import TaskBuffer
from azr_env.errors import ConfigError
from azr_env.integrations.common import PromptFormat, solver_prompt, task_columns
from azr_env.optional import Requirement, require
from azr_env.suites.suite import Suite, load_suite
from azr_env.tasks.base import Role, Task

DATASETS = Requirement("datasets", extra="trl", purpose="TRL datasets of azr-env prompts", at_least="3.0")

SLOT_PREFIX = "azr-env self-play slot: "
"""Self-play rows are slots, not prompts: the rollout function builds the real prompt from the buffer."""


def solve_row(task: Task, prompt_format: PromptFormat = "chat") -> dict[str, Any]:
    """One solve row: the task's solver prompt and the task's columns."""
    return {"prompt": solver_prompt(task, prompt_format), **task_columns(task)}


def suite_dataset(suite: str | Suite, *, prompt_format: PromptFormat = "chat", limit: int | None = None) -> Any:
    """A ``datasets.Dataset`` with one solve row per task of a frozen suite (``"humaneval-deduction@1"``)."""
    datasets = require(DATASETS)
    tasks = (load_suite(suite) if isinstance(suite, str) else suite).program_tasks()[:limit]
    return datasets.Dataset.from_list([solve_row(task, prompt_format) for task in tasks])


def buffer_dataset(
    buffer: TaskBuffer,
    task_types: Sequence[str],
    *,
    seed: int = 0,
    prompt_format: PromptFormat = "chat",
) -> Any:
    """A ``datasets.IterableDataset`` that draws solve rows from the live buffer, forever.

    Each row picks a task type uniformly among ``task_types`` that hold tasks, then a task of it uniformly, with a
    generator seeded ``seed``; tasks added to the buffer while training (for example by a self-play rollout sharing
    it) are drawn from then on. Set ``max_steps`` in ``GRPOConfig``: the stream has no length.
    """
    datasets = require(DATASETS)
    if not task_types:
        raise ConfigError("buffer_dataset needs at least one task type to draw from")

    def rows() -> Iterator[dict[str, Any]]:
        rng = np.random.default_rng(seed)
        while True:
            stocked = [name for name in task_types if buffer.size(name)]
            if not stocked:
                raise ConfigError(f"the buffer holds no task of {list(task_types)}; seed it with TaskBuffer.seeded")
            store = buffer.tasks(stocked[int(rng.integers(len(stocked)))])
            yield solve_row(store[int(rng.integers(len(store)))], prompt_format)

    return datasets.IterableDataset.from_generator(rows)


def slot_key(role: Role, task_type: str) -> str:
    """The prompt text of a self-play slot row."""
    return f"{SLOT_PREFIX}{role.value} {task_type}"


def selfplay_dataset(task_types: Sequence[str], *, repeats: int = 1) -> Any:
    """A ``datasets.Dataset`` of self-play slots: every (role, task type) pair, ``repeats`` times, in a fixed cycle.

    ``SelfPlayRollout`` turns each slot into a real prompt built from the buffer at generation time, so the
    prompts always reflect the latest buffer. With ``shuffle_dataset=False`` and a generation batch of
    ``2 * len(task_types) * num_generations`` rows, every generation batch holds each (role, type) group exactly once.
    """
    datasets = require(DATASETS)
    slots = [(role, name) for name in task_types for role in Role]
    rows = [{"prompt": slot_key(role, name), "role": role.value, "task_type": name} for role, name in slots]
    return datasets.Dataset.from_list(rows * repeats)
