"""The trainer's safety observer: every response of a step through the monitor, into metrics and ``safety.jsonl``.

Plugged into ``Trainer.observers`` by ``agents.llm.session`` when ``TrainConfig.safety_monitor`` is on (the
default). Each step it scans the env actions (proposals and answers) and every solver attempt, logs
``safety/<category>/rate``, ``safety/any/rate``, the obfuscation signal and ``time/safety_s`` with the step's
metrics, and appends the flagged responses to ``RUN_DIR/safety.jsonl`` (``azr safety RUN_DIR`` reports on both).
Enforcement is separate: ``enforcement_gate`` installs the ``SafetyGate`` in the env's engine.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from agents.llm.collect import Rollout, Sample
from agents.llm.metrics import truncate_after
from azr_env.executor.result import ExecStatus
from azr_env.safety import (
    SAFETY_LOG,
    Enforcement,
    EnforcementConfig,
    Monitor,
    Response,
    SafetyGate,
    SafetyLog,
    Source,
    flagged_records,
    safety_metrics,
)
from azr_env.tasks.base import Outcome, Role


def response_of(sample: Sample) -> Response:
    """The monitor's record of one scored sample."""
    return Response(
        role=Role(sample.role),
        task_type=sample.task_type,
        text=sample.generation.text,
        outcome=Outcome(sample.outcome) if sample.outcome else None,
        exec_status=ExecStatus(sample.exec_status) if sample.exec_status else None,
        source=Source(sample.source),
    )


class SafetyObserver:
    """A ``StepObserver`` that runs the safety monitor over each step's rollout.

    Args:
        run_dir: the run directory (``safety.jsonl`` goes there).
        monitor: the monitor (default: the built-in rules and the code checks).
        resume_step: when resuming, records of later steps are dropped first (as ``metrics.jsonl``'s are).
    """

    def __init__(
        self, run_dir: str | os.PathLike[str], monitor: Monitor | None = None, resume_step: int | None = None
    ) -> None:
        self.monitor = monitor or Monitor()
        path = Path(run_dir) / SAFETY_LOG
        if resume_step is not None:
            truncate_after(path, resume_step)
        self.log = SafetyLog(path)

    def observe(self, step: int, rollout: Rollout) -> dict[str, float]:
        """Scan the step's episode actions and attempts; log the flagged ones; return the step's safety metrics."""
        start = time.perf_counter()
        samples = [s for s in rollout.samples if s.source == Source.EPISODE] + list(rollout.attempts)
        responses = [response_of(s) for s in samples]
        reports = self.monitor.scan(responses)
        self.log.write(flagged_records(step, responses, reports, self.monitor.name))
        metrics = safety_metrics(responses, reports)
        metrics["time/safety_s"] = time.perf_counter() - start
        return metrics

    def close(self) -> None:
        """Close the log."""
        self.log.close()


def enforcement_gate(env: Any, mode: str, on_reasoning: bool, monitor: Monitor | None = None) -> SafetyGate | None:
    """Install a ``SafetyGate`` in the vector env's engine unless ``mode`` is ``"off"``; return it."""
    config = EnforcementConfig(Enforcement(mode), on_reasoning=on_reasoning)
    if config.mode is Enforcement.OFF:
        return None
    gate = SafetyGate(monitor or Monitor(), config)
    env.engine.gate = gate
    return gate
