"""Task types: the contract (``base``), the registry, and the built-ins.

Self-play types: ``deduction``, ``abduction``, ``induction``. Solve-only types: ``codegen`` (write a function that
passes its tests), ``math`` (answer a math problem with one number, checked by math-verify).

Importing this package registers the built-ins; third-party types load from the entry-point group
``azr_env.task_types`` the first time the registry is read.
"""

from azr_env.tasks import abduction, codegen, deduction, induction, math_task
from azr_env.tasks.base import (
    Answer,
    Outcome,
    ParseFailure,
    Problem,
    Prompt,
    Proposal,
    ProposalCheck,
    ProposalContext,
    ProposeType,
    Role,
    SolveType,
    Task,
    TaskType,
    Verdict,
)
from azr_env.tasks.registry import (
    get_solve_type,
    get_task_type,
    list_task_types,
    register_task_type,
    resolve_task_type,
)

__all__ = [
    "Answer",
    "Outcome",
    "ParseFailure",
    "Problem",
    "Prompt",
    "Proposal",
    "ProposalCheck",
    "ProposalContext",
    "ProposeType",
    "Role",
    "SolveType",
    "Task",
    "TaskType",
    "Verdict",
    "abduction",
    "codegen",
    "deduction",
    "get_solve_type",
    "get_task_type",
    "induction",
    "list_task_types",
    "math_task",
    "register_task_type",
    "resolve_task_type",
]
