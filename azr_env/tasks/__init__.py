"""Task types: the contract (``base``), the registry, and the built-ins ``deduction``, ``abduction``, ``induction``.

Importing this package registers the built-ins; third-party types load from the entry-point group
``azr_env.task_types`` the first time the registry is read.
"""

from azr_env.tasks import abduction, deduction, induction
from azr_env.tasks.base import (
    Answer,
    Outcome,
    ParseFailure,
    Prompt,
    Proposal,
    ProposalCheck,
    ProposalContext,
    Role,
    Task,
    TaskType,
    Verdict,
)
from azr_env.tasks.registry import get_task_type, list_task_types, register_task_type, resolve_task_type

__all__ = [
    "Answer",
    "Outcome",
    "ParseFailure",
    "Prompt",
    "Proposal",
    "ProposalCheck",
    "ProposalContext",
    "Role",
    "Task",
    "TaskType",
    "Verdict",
    "abduction",
    "deduction",
    "get_task_type",
    "induction",
    "list_task_types",
    "register_task_type",
    "resolve_task_type",
]
