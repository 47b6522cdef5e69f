"""Subprocess smoke tests: ``azr train``, ``azr demo``, ``azr plot``, and a run killed with SIGKILL then resumed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("torch")

from agents.llm.metrics import read_metrics

ROOT = Path(__file__).resolve().parents[3]
TINY_FLAGS = [
    "--model", "tiny-random", "--task-types", "deduction", "--batch-size", "1", "--n-solve-samples", "2",
    "--k-references", "2", "--max-new-tokens", "12", "--tensorboard", "false", "--progress", "false",
    "--executor-workers", "1", "--checkpoint-every", "1",
]  # fmt: skip


def azr(*args, timeout=240):
    cmd = [sys.executable, "-m", "azr_env.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.mark.slow
def test_azr_train_one_step(tmp_path):
    run = tmp_path / "run"
    result = azr("train", *TINY_FLAGS, "--steps", "1", "--run-dir", str(run))
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["step"] for r in read_metrics(run / "metrics.jsonl")] == [1]
    assert (run / "checkpoints" / "latest").read_text().strip() == "step_000001"


def test_azr_train_refuses_an_unknown_config_key(tmp_path):
    (tmp_path / "c.yaml").write_text("stepz: 1\n")
    result = azr("train", "--config", str(tmp_path / "c.yaml"), "--run-dir", str(tmp_path / "r"))
    assert result.returncode == 1 and "did you mean 'steps'" in result.stderr


@pytest.mark.slow
def test_azr_demo_tiny_random_leaves_a_run_directory(tmp_path):
    run = tmp_path / "demo"
    result = azr("demo", "--model", "tiny-random", "--run-dir", str(run))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "task type" in result.stdout and "valid_rate" in result.stdout
    assert len(list((run / "plots").glob("*.png"))) == 5
    assert (run / "checkpoints" / "latest").exists()


@pytest.mark.slow
def test_sigkill_then_resume_loses_nothing_saved(tmp_path):
    run = tmp_path / "run"
    cmd = [sys.executable, "-m", "agents.llm.train", *TINY_FLAGS, "--steps", "4", "--run-dir", str(run)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    latest = run / "checkpoints" / "latest"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if latest.exists() and latest.read_text().strip() >= "step_000001":
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    saved = int(latest.read_text().strip().removeprefix("step_"))
    state = json.loads((run / "checkpoints" / latest.read_text().strip() / "state.json").read_text())
    assert state["step"] == saved
    result = azr("train", "--resume", str(run), "--progress", "false")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["step"] for r in read_metrics(run / "metrics.jsonl")] == list(range(1, 5))


def test_cli_modules_import_no_torch():
    code = (
        "import sys, agents.llm.cli, agents.llm.train, agents.llm.demo, agents.llm.session, agents.llm.plots; "
        "print('torch' in sys.modules or 'transformers' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
