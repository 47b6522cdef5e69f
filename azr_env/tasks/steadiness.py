"""Whether a program's output on an answered input depends on the run: the check behind every executed answer.

Validation proves a proposed program deterministic on its proposed input only. An answer that makes the sandbox run
something else (another input for abduction, the solver's own program for induction) gets one scoring run in
zygote 0; on that input the output may still be the first of a set of instances ordered by address, depend on the
hash seed, or on gc timing, and one run would score a coin flip, which the learnability reward pays for. So every
scoring run that matched its gold is run again in every hash-seed zygote (``validate_many``, one batch), and the
answer counts only if those runs agree with it. A run stopped by a limit there (a timeout, the memory or recursion
cap, a crashed worker) does not agree: the judge pays only what it has checked, and an answer that loops or blows up
in every zygote but the scoring one would otherwise be paid. These runs have the whole deadline, as the scoring run
had (not validation's half), so an honest answer that the scoring run finished has the same time in every zygote;
only under load that changes within one step can a slow correct answer be judged wrong (a false negative, never a
false positive).
"""

from __future__ import annotations

from collections.abc import Sequence

from azr_env.executor.backend import ExecutorBackend, Job
from azr_env.executor.result import ExecutionResult, ValidationResult


def run_dependent(matched: Sequence[tuple[Job, ExecutionResult]], executor: ExecutorBackend) -> set[Job]:
    """Return the jobs among ``matched`` (each with its scoring run) whose output differs in some zygote."""
    jobs = list(dict(matched).items())  # equal jobs need one check
    checks = executor.validate_many([job for job, _ in jobs], deadline_share=1.0) if jobs else []
    return {job for (job, run), check in zip(jobs, checks, strict=True) if _varies(check, run)}


def _varies(check: ValidationResult, run: ExecutionResult) -> bool:
    return not (check.valid and check.output == run.output)
