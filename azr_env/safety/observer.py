"""``SafetyObserver``: the safety monitor as the self-play engine's ``StepObserver`` (``azr_env.records``).

The engine calls ``review`` once per step with the draft ``StepRecord`` of every episode, before any proposal of the
step enters the buffer. The observer turns each record into the monitor's ``Response`` records (the action, and each
injected-solver ``Attempt`` it holds) straight from their typed fields: role, task type, outcome, executor status,
the program and inputs of a valid proposal's ``Task``. It scans them in one batch, and returns a ``Review`` for each
valid proposal that enforcement (``EnforcementConfig``, off by default) acts on. Everything else is read later: the
scans wait until their owner calls ``flush(step)``, which writes the flagged responses to ``safety.jsonl`` (when the
observer has a log) and adds them to the run's tally. The Gymnasium wrappers (``azr_env.wrappers.SafetyMonitor``)
flush after every env step and the trainer after every training step (``step_metrics``), so the scans of one step
are never kept longer than that step.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from azr_env.records import Attempt, Review, StepRecord
from azr_env.safety.enforcement import Enforcement, EnforcementConfig, enforced
from azr_env.safety.findings import Response, Scanned, Source
from azr_env.safety.log import SafetyLog, flagged_records
from azr_env.safety.monitor import Monitor
from azr_env.safety.tally import SafetyTally, safety_metrics
from azr_env.tasks.base import Role


def action_response(record: StepRecord) -> Response:
    """The monitor's view of a record's action; a valid proposal's program and inputs are its task's."""
    task = record.task if record.role is Role.PROPOSE else None
    return Response(
        role=record.role,
        task_type=record.task_type,
        text=record.response if isinstance(record.response, str) else "",
        outcome=record.outcome,
        exec_status=record.exec_status,
        program=task.program if task is not None else None,
        source=Source.EPISODE,
        error=record.error,
        inputs=task.inputs if task is not None else None,
    )


def attempt_response(attempt: Attempt) -> Response:
    """The monitor's view of one injected-solver attempt."""
    text = attempt.response if isinstance(attempt.response, str) else ""
    task_type = attempt.request.task.task_type
    return Response(Role.SOLVE, task_type, text, attempt.verdict.outcome, source=Source.ATTEMPT)


@dataclass(frozen=True, slots=True)
class RecordScan:
    """What the monitor found in one step record.

    Attributes:
        record: the draft record the engine showed the observer.
        action: the record's action and its report.
        attempts: each solver attempt of the record with its scanned response, in the record's order.
        review: the enforcement review returned to the engine (``None``: nothing enforced).
    """

    record: StepRecord
    action: Scanned
    attempts: tuple[tuple[Attempt, Scanned], ...] = ()
    review: Review | None = None

    @property
    def scanned(self) -> list[Scanned]:
        """The action's and every attempt's scanned response."""
        return [self.action, *(scanned for _, scanned in self.attempts)]

    @property
    def enforced(self) -> Enforcement:
        """What enforcement did to the record's proposal (``OFF``: nothing)."""
        return enforced(self.review)

    def as_info(self) -> dict[str, Any]:
        """``info["safety"]``: the action's report, ``enforced`` and, with an injected solver, ``attempts``."""
        info = self.action.report.as_info()
        info["enforced"] = "" if self.review is None else self.enforced.value
        if self.record.attempts is not None:
            info["attempts"] = [scanned.report.as_info() for _, scanned in self.attempts]
        return info


class SafetyObserver:
    """Scans every record of every engine step; enforces when asked; logs and tallies when its owner flushes.

    Args:
        monitor: the monitor (default: the built-in rules plus the code and reward-hacking checks).
        enforcement: what to do with flagged valid proposals (default: nothing).
        log_path: append every flagged response to this JSONL file (``safety.jsonl``) at each ``flush``.
    """

    def __init__(
        self,
        monitor: Monitor | None = None,
        enforcement: EnforcementConfig | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.monitor = monitor or Monitor()
        self.enforcement = enforcement or EnforcementConfig()
        self.log = SafetyLog(log_path) if log_path is not None else None
        self.tally = SafetyTally()
        """Every flushed response of the run."""
        self.seconds = 0.0
        """Wall time spent in ``review`` and ``flush`` so far."""
        self._pending: list[RecordScan] = []
        self._reported_s = 0.0

    def review(self, records: Sequence[StepRecord]) -> dict[int, Review]:
        """Scan a step's records; return the enforcement reviews, keyed by episode (the ``StepObserver`` hook)."""
        start = time.perf_counter()
        scans = self.scan(records)
        self._pending += scans
        self.seconds += time.perf_counter() - start
        return {scan.record.episode: scan.review for scan in scans if scan.review is not None}

    def scan(self, records: Sequence[StepRecord]) -> list[RecordScan]:
        """One scan per record, every response of the step in one monitor batch."""
        attempts = [record.attempts or () for record in records]
        responses = [action_response(record) for record in records]
        responses += [attempt_response(a) for per_record in attempts for a in per_record]
        scanned = iter(self.monitor.read(responses))  # the actions in order, then every attempt in order
        actions = [next(scanned) for _ in records]
        scans = []
        for record, own, per_record in zip(records, actions, attempts, strict=True):
            review = self.enforcement.review(own.report) if record.admits_task else None
            scans.append(RecordScan(record, own, tuple((a, next(scanned)) for a in per_record), review))
        return scans

    def flush(self, step: int) -> list[RecordScan]:
        """The scans since the last flush: their flagged responses go to the log under ``step``, all to the tally."""
        start = time.perf_counter()
        scans, self._pending = self._pending, []
        scanned = [s for scan in scans for s in scan.scanned]
        self.tally.update(scanned)
        if self.log is not None:
            self.log.write(flagged_records(step, scanned, self.monitor.name))
        self.seconds += time.perf_counter() - start
        return scans

    def step_metrics(self, step: int) -> dict[str, float]:
        """Flush a training step; return its ``safety/...`` metrics and ``time/safety_s`` (the trainer's hook)."""
        scans = self.flush(step)
        metrics = safety_metrics([s for scan in scans for s in scan.scanned])
        metrics["time/safety_s"] = self.seconds - self._reported_s
        self._reported_s = self.seconds
        return metrics

    def close(self) -> None:
        """Close the log."""
        if self.log is not None:
            self.log.close()
