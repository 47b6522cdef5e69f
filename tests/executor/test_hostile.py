"""The executor contains every hostile program of ``hostile_corpus``: exact outcome, still answers, no file.

Each case runs (``copies`` times, in one batch, so tampering reaches every worker) on the session executor, or on
a dedicated pool (0.5 s deadline for timeouts, 160 MB for gradual memory bombs). It then asserts, in order: the
exact status (and output, where the case names one); that the case's benign follow-up, sent to every worker, still
gives the right answer; and that no file appeared in the test's working folder (a fresh temp dir), nor any file
named like the marker in the repository root, ``/tmp`` or ``/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from azr_env.executor import ExecStatus, ExecutorBackend

from .hostile_capabilities import ATTRIBUTE_COPIERS, EXCEPTION_PAYLOADS, GUARD_INTERNALS, REAL_TYPE
from .hostile_corpus import FAST, LOW_MEMORY, MARKER, Case
from .hostile_escapes import EVAL_EXEC, EXITS, FILES, GUARD_SHADOWING, IMPORTS, INTROSPECTION, MODULE_ESCAPES
from .hostile_isolation import HISTORY_DEPENDENT, PLANTED_STATE
from .hostile_resources import CRASHES, INPUTS, MEMORY, OUTPUTS, PARSER, RECURSION, TIMEOUTS
from .hostile_state import NON_DATA, NONDETERMINISM, TAMPERING

CASES: list[Case] = [
    *TIMEOUTS,
    *MEMORY,
    *OUTPUTS,
    *RECURSION,
    *CRASHES,
    *INPUTS,
    *PARSER,
    *IMPORTS,
    *MODULE_ESCAPES,
    *FILES,
    *INTROSPECTION,
    *EVAL_EXEC,
    *EXITS,
    *GUARD_SHADOWING,
    *TAMPERING,
    *NONDETERMINISM,
    *NON_DATA,
    *ATTRIBUTE_COPIERS,
    *GUARD_INTERNALS,
    *EXCEPTION_PAYLOADS,
    *REAL_TYPE,
    *PLANTED_STATE,
    *HISTORY_DEPENDENT,
]

MAX_ERROR_CHARS = 2048
"""An error message is a short reason; a program cannot make it arbitrarily long."""

MARKER_NAME = "azr_hostile_marker"


@pytest.fixture(scope="module")
def pools(executor: ExecutorBackend) -> Iterator[dict[str, ExecutorBackend]]:
    """The session executor plus two dedicated pools: a 0.5 s deadline (timeouts), a 160 MB limit (gradual bombs)."""
    from azr_env.executor import Executor

    with Executor(workers=2, timeout_s=0.5) as fast, Executor(workers=2, memory_mb=160) as low_memory:
        yield {"shared": executor, FAST: fast, LOW_MEMORY: low_memory}


class Watch:
    """The folders a hostile program might write to, and the marker path it is told to create."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.marker = workdir / MARKER_NAME
        self.shared = [Path.cwd(), Path("/tmp"), Path("/")]
        self.before = {folder: self.marked(folder) for folder in self.shared}

    @staticmethod
    def marked(folder: Path) -> set[str]:
        try:
            return {name for name in os.listdir(folder) if MARKER_NAME in name}
        except OSError:
            return set()

    def new_files(self) -> list[str]:
        created = [str(self.workdir / name) for name in os.listdir(self.workdir)]
        for folder in self.shared:
            created += [str(folder / name) for name in self.marked(folder) - self.before[folder]]
        return created


@pytest.fixture
def watch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Watch:
    """A fresh empty folder, made the working directory of the test."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    watched = Watch(workdir)
    monkeypatch.chdir(workdir)
    return watched


def statuses_of(ex: ExecutorBackend, case: Case, job: tuple[str, str]) -> list[tuple[ExecStatus, str | None, str]]:
    """Run or validate the job ``copies`` times in one batch; return (status, output, error) for each."""
    jobs = [job] * case.copies
    if case.mode == "validate":
        return [(r.outcome, r.output, r.error) for r in ex.validate_many(jobs)]
    return [(r.status, r.output, r.error) for r in ex.run_many(jobs)]


def test_corpus_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


def with_marks(case: Case) -> object:
    """The case as a pytest param: a strict xfail while it shows an open executor bug."""
    marks = [pytest.mark.xfail(strict=not case.flaky_bug, reason=case.known_bug)] if case.known_bug else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [with_marks(case) for case in CASES])
def test_hostile_case_is_contained(case: Case, pools: dict[str, ExecutorBackend], watch: Watch) -> None:
    ex = pools[case.pool]
    job = (case.program.replace(MARKER, str(watch.marker)), case.input.replace(MARKER, str(watch.marker)))
    for status, output, error in statuses_of(ex, case, job):
        assert status in case.statuses, f"got {status.value} ({error[:300]}), want {[s.value for s in case.statuses]}"
        if case.output is not None:
            assert output == case.output
        assert len(error) <= MAX_ERROR_CHARS
    follow = case.follow_up
    answers = ex.run_many([(follow.program, follow.input)] * case.follow_copies)
    wrong = [(r.status.value, r.output) for r in answers if (r.status, r.output) != (ExecStatus.OK, follow.expected)]
    assert wrong == [], f"{len(wrong)} of {case.follow_copies} follow-ups wrong"
    assert watch.new_files() == []
