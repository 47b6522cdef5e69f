"""``azr bench env`` smoke test with a tiny budget: it runs and reports its measurements as JSON."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_env_reports_json_with_verdicts() -> None:
    command = [sys.executable, "-m", "azr_env.cli", "bench", "env", "--num-envs", "4", "--steps", "2", "--warmup", "1"]
    command += ["--workers", "1", "--replays", "1", "--json"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    row = json.loads(result.stdout)
    assert row["steps"] == 2 and row["num_envs"] == 4
    assert row["executor_ms_per_step"] > 0 and isinstance(row["pass_overhead"], bool)
    assert row["env_only_ms_per_step"] > 0
    assert row["command"].startswith("azr bench env --num-envs 4")


def test_bench_env_times_the_safety_monitor_with_long_reasoning() -> None:
    command = [sys.executable, "-m", "azr_env.cli", "bench", "env", "--num-envs", "4", "--steps", "2", "--warmup", "1"]
    command += ["--workers", "1", "--json", "--reasoning-chars", "1500", "--safety"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    row = json.loads(result.stdout)
    assert row["monitor_ms_per_step"] > 0 and isinstance(row["pass_monitor"], bool)
    assert "--reasoning-chars 1500 --safety" in row["command"]


def test_scripted_reasoning_has_the_requested_length_and_varies() -> None:
    from benchmarks.env_overhead import scripted_reasoning

    texts = [scripted_reasoning(serial, 1500) for serial in range(1, 20)]
    assert all(1500 <= len(text) < 1700 for text in texts) and len(set(texts)) > 10
