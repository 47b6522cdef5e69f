"""Parquet datasets in verl's schema, from frozen suites, buffer snapshots, or self-play slots.

verl's ``RLHFDataset`` reads one row per prompt: ``data_source`` (str), ``prompt`` (chat messages), ``ability``,
``reward_model`` (``{"style": "rule", "ground_truth": str}``), ``extra_info`` (a dict) and, for agent loops,
``agent_name``. Solve rows hold their task as JSON in ``ground_truth`` (what ``reward.compute_score`` reads) and go to
the ``azr_solve`` agent loop; self-play slot rows name a (role, task type) and go to ``azr_propose`` or
``azr_solve``, which build the prompt from the live buffer when the row is generated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from azr_env.buffer import TaskBuffer
from azr_env.integrations.common import solver_prompt, task_columns
from azr_env.optional import Requirement, require
from azr_env.suites.suite import load_suite
from azr_env.tasks.base import Role, Task

PYARROW = Requirement("pyarrow", extra="verl", purpose="writing verl parquet datasets", at_least="15")
ABILITY = "code-reasoning"
AGENT = {Role.PROPOSE: "azr_propose", Role.SOLVE: "azr_solve"}
"""The agent-loop name of each role (registered by ``azr_env.integrations.verl.agent_loops``)."""

VERL_COLUMNS = ("data_source", "prompt", "ability", "reward_model", "extra_info", "agent_name")


def solve_record(task: Task, data_source: str, index: int) -> dict[str, Any]:
    """One solve row: the task's solver prompt as chat messages, the task as JSON ground truth."""
    return {
        "data_source": data_source,
        "prompt": solver_prompt(task, "chat"),
        "ability": ABILITY,
        "reward_model": {"style": "rule", "ground_truth": json.dumps(task_columns(task), sort_keys=True)},
        "extra_info": {"index": index, "role": Role.SOLVE.value, "task_type": task.task_type, "task_id": task.task_id},
        "agent_name": AGENT[Role.SOLVE],
    }


def slot_record(role: Role, task_type: str, index: int) -> dict[str, Any]:
    """One self-play slot row; its prompt is a placeholder that the agent loop replaces from the buffer."""
    return {
        "data_source": "azr-env/selfplay",
        "prompt": [{"role": "user", "content": f"azr-env self-play slot: {role.value} {task_type}"}],
        "ability": ABILITY,
        "reward_model": {"style": "rule", "ground_truth": ""},
        "extra_info": {"index": index, "role": role.value, "task_type": task_type, "task_id": ""},
        "agent_name": AGENT[role],
    }


def suite_records(name: str) -> list[dict[str, Any]]:
    """Solve rows for every task of a frozen suite (``data_source`` is the pinned ``name@version``)."""
    suite = load_suite(name)
    return [solve_record(task, f"azr-env/{suite.id}", i) for i, task in enumerate(suite.program_tasks())]


def buffer_records(buffer: TaskBuffer, task_types: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Solve rows for every task of a buffer snapshot (``TaskBuffer.load(path)``), oldest first."""
    wanted = set(task_types) if task_types is not None else None
    tasks = [task for task in buffer if wanted is None or task.task_type in wanted]
    return [solve_record(task, "azr-env/buffer", i) for i, task in enumerate(tasks)]


def selfplay_records(task_types: Sequence[str], repeats: int) -> list[dict[str, Any]]:
    """Self-play slot rows: every (role, type) pair, ``repeats`` times, in a fixed cycle."""
    slots = [(role, name) for name in task_types for role in Role]
    return [slot_record(role, name, i) for i, (role, name) in enumerate(slots * repeats)]


def write_parquet(records: Iterable[dict[str, Any]], path: str | os.PathLike[str]) -> Path:
    """Write rows to a parquet file verl's ``RLHFDataset`` reads; return the path."""
    pyarrow = require(PYARROW)
    import pyarrow.parquet as pq

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pyarrow.Table.from_pylist(list(records)), target)
    return target
