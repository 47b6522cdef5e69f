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
