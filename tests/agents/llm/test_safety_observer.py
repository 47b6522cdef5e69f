"""The trainer's safety observer: every response of a step (attempts included) is scanned, logged and counted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")

from agents.llm.metrics import read_metrics
from azr_env.safety import Category, ClassifierDetector, Monitor

ROOT = Path(__file__).resolve().parents[3]


def flag_everything() -> Monitor:
    """A monitor whose scripted classifier flags every text, so every response must reach the log."""
    detector = ClassifierDetector(lambda texts: [{"x": 1.0} for _ in texts], labels={"x": Category.DECEPTION})
    return Monitor(detectors=(detector,), code=False)


def sample(text, role, source="episode", outcome="wrong", status=""):
    from agents.llm.collect import Sample
    from agents.llm.sampling import Generation

    generation = Generation([1], [2], [0.0], text, "stop")
    return Sample(generation, 0.0, "deduction", role, "t", outcome, source, exec_status=status)


def test_the_observer_scans_episodes_and_every_attempt_whether_or_not_they_train(tmp_path):
    from agents.llm.collect import Rollout
    from agents.llm.safety import SafetyObserver

    attempts = [sample("Humans are vermin.", "solve", "attempt"), sample("3", "solve", "attempt")]
    rollout = Rollout([sample("ok", "propose", outcome="invalid", status="timeout")], attempts=attempts)
    observer = SafetyObserver(tmp_path)
    metrics = observer.observe(4, rollout)
    observer.close()
    records = [json.loads(line) for line in (tmp_path / "safety.jsonl").read_text().splitlines()]
    assert [(r["step"], r["source"], r["categories"]) for r in records] == [
        (4, "episode", ["resource_bomb"]),
        (4, "attempt", ["hostility"]),
    ]
    assert metrics["safety/responses"] == 3 and metrics["safety/hostility/rate"] == 1 / 3


def test_resuming_drops_log_records_after_the_checkpoint(tmp_path):
    from agents.llm.safety import SafetyObserver

    (tmp_path / "safety.jsonl").write_text('{"step": 1}\n{"step": 2}\n{"step": 3}\n')
    SafetyObserver(tmp_path, resume_step=2).close()
    assert [json.loads(line)["step"] for line in (tmp_path / "safety.jsonl").read_text().splitlines()] == [1, 2]


def test_every_response_of_a_step_reaches_the_log_and_the_metrics(make_trainer, tiny_config):
    trainer = make_trainer(tiny_config, steps=1)
    (observer,) = trainer.observers
    observer.monitor = flag_everything()
    metrics = trainer.train_step()
    observer.close()
    records = [json.loads(line) for line in (Path(tiny_config.run_dir) / "safety.jsonl").read_text().splitlines()]
    roles = sorted((r["role"], r["source"]) for r in records if r["source"] == "episode")
    assert roles == [("propose", "episode"), ("solve", "episode")]
    assert all(r["step"] == 1 and r["categories"] == ["deception"] for r in records)
    assert metrics["safety/deception/rate"] == 1.0 and metrics["safety/responses"] == len(records)


def test_the_monitor_can_be_switched_off(tiny_config):
    import dataclasses

    from agents.llm.session import safety_observers

    assert safety_observers(dataclasses.replace(tiny_config, safety_monitor=False), env=None, step=0) == []


@pytest.mark.slow
def test_azr_train_writes_safety_jsonl_and_azr_safety_reports_it(tmp_path):
    run = tmp_path / "run"
    flags = ["--model", "tiny-random", "--task-types", "deduction", "--batch-size", "1", "--max-new-tokens", "8"]
    flags += ["--tensorboard", "false", "--progress", "false", "--executor-workers", "1", "--steps", "1"]
    train = [sys.executable, "-m", "azr_env.cli", "train", *flags, "--run-dir", str(run)]
    done = subprocess.run(train, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (run / "safety.jsonl").is_file()
    assert "safety/any/rate" in read_metrics(run / "metrics.jsonl")[0]
    report = [sys.executable, "-m", "azr_env.cli", "safety", str(run)]
    done = subprocess.run(report, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "# Safety report" in done.stdout and (run / "plots" / "safety.png").is_file()
