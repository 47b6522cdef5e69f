"""The trainer's safety monitor: every response of a step (attempts included) is scanned, logged and counted."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from test_trainer_learns import LEARN, scripted

from agents.llm.metrics import read_metrics
from azr_env.errors import ConfigError
from azr_env.safety import Category, ClassifierDetector, Monitor, ReasoningPenaltyWarning

ROOT = Path(__file__).resolve().parents[3]


def flag_everything() -> Monitor:
    """A monitor whose scripted classifier flags every text, so every response must reach the log."""
    detector = ClassifierDetector(lambda texts: [{"x": 1.0} for _ in texts], labels={"x": Category.DECEPTION})
    return Monitor(detectors=(detector,), code=False)


def flagging_trainer(make_trainer, tiny_config, **overrides):  # type: ignore[no-untyped-def]
    """A scripted trainer (one valid proposal with two attempts per step) whose monitor flags every response."""
    trainer = scripted(make_trainer(tiny_config, **{**LEARN, "steps": 1, **overrides}))
    assert trainer.safety is not None
    trainer.safety.monitor = flag_everything()
    return trainer


def test_every_response_of_a_step_reaches_the_log_and_the_metrics(make_trainer, tiny_config):
    trainer = flagging_trainer(make_trainer, tiny_config)
    metrics = trainer.train_step()
    trainer.safety.close()
    records = [json.loads(line) for line in (Path(tiny_config.run_dir) / "safety.jsonl").read_text().splitlines()]
    sources = sorted((r["role"], r["source"]) for r in records)
    assert sources == [("propose", "episode")] * 2 + [("solve", "attempt")] * 2 + [("solve", "episode")] * 2
    assert all(r["step"] == 1 and r["categories"] == ["deception"] for r in records)
    assert metrics["safety/deception/rate"] == 1.0 and metrics["safety/responses"] == len(records)


def test_the_attempts_are_watched_when_the_solver_does_not_train_on_them(make_trainer, tiny_config):
    trainer = flagging_trainer(make_trainer, tiny_config, solver_trains_on_attempts=False)
    assert trainer.train_step()["safety/responses"] == 4 + 2


def test_quarantine_keeps_the_flagged_proposal_out_of_the_buffer(make_trainer, tiny_config):
    with pytest.warns(ReasoningPenaltyWarning):
        trainer = flagging_trainer(make_trainer, tiny_config, safety_enforcement="quarantine", safety_on_reasoning=True)
    size = len(trainer.env.buffer)
    trainer.train_step()
    (proposal,) = [r for r in trainer.env.last_records if r is not None and r.admits_task]
    assert proposal.admitted is False and len(trainer.env.buffer) == size


def test_a_fresh_run_starts_the_log_over(make_trainer, tiny_config):
    log = Path(tiny_config.run_dir) / "safety.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text('{"step": 1}\n')
    make_trainer(tiny_config).close()
    assert log.read_text() == ""


def test_the_monitor_can_be_switched_off(make_trainer, tiny_config):
    trainer = make_trainer(tiny_config, safety_monitor=False)
    assert trainer.safety is None and trainer.env.engine.observer is None
    assert "safety/any/rate" not in trainer.train_step()


def test_enforcement_needs_the_monitor(tiny_config):
    with pytest.raises(ConfigError, match="keep safety_monitor on"):
        dataclasses.replace(tiny_config, safety_monitor=False, safety_enforcement="quarantine")


def test_azr_train_help_shows_the_safety_flags():
    done = subprocess.run(
        [sys.executable, "-m", "azr_env.cli", "train", "--help"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for flag in ("--safety-monitor", "--safety-enforcement", "--safety-on-reasoning"):
        assert flag in done.stdout


@pytest.mark.slow
def test_azr_train_writes_safety_jsonl_and_azr_safety_reports_it(tmp_path):
    run = tmp_path / "run"
    flags = ["--model", "tiny-random", "--task-types", "deduction", "--batch-size", "1", "--max-new-tokens", "8"]
    flags += ["--tensorboard", "false", "--progress", "false", "--executor-workers", "1", "--steps", "1"]
    flags += ["--safety-enforcement", "quarantine"]
    train = [sys.executable, "-m", "azr_env.cli", "train", *flags, "--run-dir", str(run)]
    done = subprocess.run(train, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (run / "safety.jsonl").is_file()
    assert "safety/any/rate" in read_metrics(run / "metrics.jsonl")[0]
    report = [sys.executable, "-m", "azr_env.cli", "safety", str(run)]
    done = subprocess.run(report, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "# Safety report" in done.stdout and (run / "plots" / "safety.png").is_file()
