"""Gymnasium's ``info`` dicts, derived from the engine's typed records in this one place.

Keys every reset and step carries: ``role`` (of the action just judged; on reset, of the first action),
``next_role`` (of the next action; ``""`` once the episode ended), ``task_type``, ``outcome`` (an ``Outcome`` value,
``""`` on reset), ``reward_components`` (``{"solve": float, "propose": float}``, summing to the step reward),
``task_id`` (``""`` before a proposal is accepted), ``error`` (why an action failed), ``exec_status`` (the executor
status behind an invalid proposal, ``""`` when none ran). At the step that settles a valid proposal: ``solve_rate``.
With an injected solver, proposal steps carry ``solve_attempts`` (``[{"outcome": str, "reward": float}, ...]``).
In chat format every info carries ``system_prompt`` (in R1 format it is part of the observation).
"""

from __future__ import annotations

from typing import Any

from azr_env.records import StepRecord
from azr_env.tasks.base import Problem, Prompt, Role


def reset_info(role: Role, task_type: str, prompt: Prompt, prompt_format: str, task: Problem | None) -> dict[str, Any]:
    """Return the info of a reset: the episode's first role and, for a solve episode, its task."""
    info = {
        "role": role.value,
        "next_role": role.value,
        "task_type": task_type,
        "outcome": "",
        "reward_components": {"solve": 0.0, "propose": 0.0},
        "task_id": _task_id(task),
        "error": "",
        "exec_status": "",
    }
    return with_system_prompt(info, prompt, prompt_format)


def step_info(record: StepRecord, prompt_format: str) -> dict[str, Any]:
    """Return the info of the step a record describes."""
    info: dict[str, Any] = {
        "role": record.role.value,
        "next_role": record.next_role.value if record.next_role is not None else "",
        "task_type": record.task_type,
        "outcome": record.outcome.value,
        "reward_components": {"solve": record.rewards.solve, "propose": record.rewards.propose},
        "task_id": _task_id(record.problem or record.task),
        "error": record.error,
        "exec_status": record.exec_status.value if record.exec_status is not None else "",
    }
    if record.solve_rate is not None:
        info["solve_rate"] = record.solve_rate
    if record.attempts is not None:
        info["solve_attempts"] = [{"outcome": a.verdict.outcome.value, "reward": a.reward} for a in record.attempts]
    return with_system_prompt(info, record.next_prompt, prompt_format)


def with_system_prompt(info: dict[str, Any], prompt: Prompt, prompt_format: str) -> dict[str, Any]:
    """Add ``system_prompt`` (of the prompt shown next) to ``info`` in chat format."""
    if prompt_format == "chat":
        info["system_prompt"] = prompt.system
    return info


def _task_id(task: Problem | None) -> str:
    return task.task_id if task is not None else ""
