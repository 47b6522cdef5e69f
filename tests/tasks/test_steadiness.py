"""``run_dependent``: the steadiness check behind every executed answer."""

from __future__ import annotations

from collections.abc import Sequence

from azr_env.executor.backend import Job
from azr_env.executor.result import ExecStatus, ExecutionResult, ValidationResult
from azr_env.tasks.steadiness import run_dependent

JOB: Job = ("def f(x):\n    return x\n", "1")


class Reruns:
    """Answers every steadiness check with one outcome and records the deadline share it was given."""

    def __init__(self, outcome: ExecStatus, output: str | None = "1") -> None:
        self.outcome, self.output, self.shares = outcome, output, []

    def validate_many(self, jobs: Sequence[Job], deadline_share: float = 0.5) -> list[ValidationResult]:
        self.shares.append(deadline_share)
        return [ValidationResult(self.outcome, self.output) for _ in jobs]


def check(reruns: Reruns) -> set[Job]:
    return run_dependent([(JOB, ExecutionResult(ExecStatus.OK, "1"))], reruns)  # type: ignore[arg-type]


def test_reruns_get_the_scoring_runs_whole_deadline() -> None:
    reruns = Reruns(ExecStatus.OK)
    assert check(reruns) == set() and reruns.shares == [1.0]


def test_a_rerun_stopped_by_a_limit_is_not_steady() -> None:
    for status in (ExecStatus.TIMEOUT, ExecStatus.MEMORY, ExecStatus.RECURSION, ExecStatus.CRASHED):
        assert check(Reruns(status, None)) == {JOB}, status


def test_a_rerun_with_another_output_is_not_steady() -> None:
    assert check(Reruns(ExecStatus.OK, "2")) == {JOB}
