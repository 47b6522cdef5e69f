"""The executor contract that task types, the env and benchmarks program against.

The local sandboxed pool (``azr_env.executor.Executor``) implements it; a distributed pool (for example on Ray)
can replace it by implementing the same four methods.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from azr_env.executor.limits import VALIDATION_DEADLINE_SHARE
from azr_env.executor.result import ExecutionResult, ValidationResult

Job = tuple[str, str]
"""One execution: ``(program_source, input_expression)``; the input is spliced into ``f(<input>)``."""


@runtime_checkable
class ExecutorBackend(Protocol):
    """Runs model-written programs in a sandbox. No method raises on model code, however hostile.

    Results keep the order of the jobs. Implementations spread a batch over all their workers, so callers should
    send one large batch rather than many small ones.
    """

    def run_many(self, jobs: Sequence[Job]) -> list[ExecutionResult]:
        """Run ``f(<input>)`` for every job and return the canonical outputs."""
        ...

    def validate_many(
        self, jobs: Sequence[Job], deadline_share: float = VALIDATION_DEADLINE_SHARE
    ) -> list[ValidationResult]:
        """Validate every job as a task: static checks, then runs under several hash seeds (at least two), compared.

        Each run has ``deadline_share`` of the backend's timeout: half for a proposed task (the runs that later
        score answers on it keep headroom), the whole of it for the steadiness check of an answer that a scoring
        run under the whole timeout accepted (``azr_env.tasks.steadiness``).
        """
        ...

    def security_layers(self) -> Mapping[str, bool]:
        """Which isolation layers are active on this machine, by name."""
        ...

    def close(self) -> None:
        """Stop every worker. Idempotent."""
        ...
