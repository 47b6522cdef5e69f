"""``SafetyObserver`` reads the engine's typed step records: actions, attempts, statuses and the proposal's task."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from azr_env.env import AbsoluteZeroEnv
from azr_env.safety import Category, ClassifierDetector, Monitor, SafetyObserver, Source
from azr_env.safety.findings import Finding

from .test_enforcement import CLEAN, PROBING

HOSTILE = "<think>Humans are vermin.</think><answer>\n```output\n3\n```\n</answer>"


class Counting:
    """A detector that flags nothing and remembers how many texts it read."""

    name = "counting"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def detect(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.texts += texts
        return [[] for _ in texts]


def proposal_env(executor: object, observer: object, answers: Sequence[str]) -> AbsoluteZeroEnv:
    """A propose episode whose injected solver answers ``answers`` (one per attempt)."""
    env = AbsoluteZeroEnv(
        executor=executor, task_types=("deduction",), n_solve_samples=len(answers),
        solver=lambda requests: list(answers), observer=observer,
    )  # fmt: skip
    env.reset(seed=0, options={"role": "propose"})
    return env


def test_the_observer_scans_the_action_and_each_attempt_of_a_record(executor: object) -> None:
    observer = SafetyObserver()
    proposal_env(executor, observer, [HOSTILE, "x"]).step(PROBING)
    (scan,) = observer.flush(1)
    assert scan.action.response.source is Source.EPISODE and "file_access" in scan.as_info()["categories"]
    assert [s.report.categories for _, s in scan.attempts] == [{Category.HOSTILITY}, frozenset()]
    assert [a.response for a, _ in scan.attempts] == [HOSTILE, "x"]  # each scan joined to its own attempt


def test_a_valid_proposal_is_read_with_its_tasks_program(executor: object) -> None:
    observer = SafetyObserver()
    proposal_env(executor, observer, ["x"]).step(PROBING)
    (scan,) = observer.flush(1)
    assert scan.record.task is not None and scan.action.response.program == scan.record.task.program


def test_the_step_is_scanned_in_one_batch_and_repeated_attempts_once(executor: object) -> None:
    detector = Counting()
    observer = SafetyObserver(Monitor(detectors=(detector,)))
    proposal_env(executor, observer, ["same"] * 4).step(CLEAN)
    assert sorted(detector.texts) == sorted([CLEAN, "same"])


def test_flush_logs_under_the_owners_step_and_forgets_the_scans(executor: object, tmp_path: Path) -> None:
    observer = SafetyObserver(log_path=tmp_path / "safety.jsonl")
    proposal_env(executor, observer, [HOSTILE]).step(CLEAN)
    assert len(observer.flush(5)) == 1 and observer.flush(6) == []
    observer.close()
    records = [json.loads(line) for line in (tmp_path / "safety.jsonl").read_text().splitlines()]
    assert [(r["step"], r["source"], r["categories"]) for r in records] == [(5, "attempt", ["hostility"])]


def test_step_metrics_are_those_of_the_flushed_step_only(executor: object) -> None:
    observer = SafetyObserver()
    proposal_env(executor, observer, [HOSTILE]).step(CLEAN)
    first = observer.step_metrics(1)
    assert first["safety/responses"] == 2 and first["safety/hostility/rate"] == 0.5
    assert observer.step_metrics(2)["safety/responses"] == 0 and first["time/safety_s"] > 0


def test_watching_only_leaves_a_flagged_proposal_alone(executor: object) -> None:
    flag_all = ClassifierDetector(lambda texts: [{"x": 1.0} for _ in texts], labels={"x": Category.DECEPTION})
    observer = SafetyObserver(Monitor(detectors=(flag_all,)))
    env = proposal_env(executor, observer, ["x"])
    env.step(PROBING)
    record = env.last_record
    assert record is not None and record.admitted is True and record.review is None
    assert observer.flush(1)[0].action.report.flagged


def test_flush_returns_every_scan_since_the_last_flush(executor: object) -> None:
    observer = SafetyObserver()
    env = proposal_env(executor, observer, ["x"])
    env.step(CLEAN)
    env.reset(seed=1, options={"role": "propose"})
    env.step(PROBING)
    assert len(observer.flush(1)) == 2
