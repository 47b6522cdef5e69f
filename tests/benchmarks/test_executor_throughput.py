"""Smoke tests of ``azr bench executor`` with tiny budgets (real subprocesses), and of the ``azr bench`` wiring."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from azr_env.cli import bench

REPO = Path(__file__).resolve().parent.parent.parent


def azr(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "azr_env.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        check=False,
    )


def test_bench_executor_json_reports_three_designs_and_targets() -> None:
    proc = azr("bench", "executor", "--programs", "40", "--probes", "6", "--chunk", "10", "--json")
    assert proc.returncode in (0, 1), proc.stderr  # 1 = a target missed on a loaded machine, still a report
    report = json.loads(proc.stdout)
    for workload in ("fresh", "reuse"):
        rows = report["workloads"][workload]
        assert set(rows) == {"plain", "paper", "ours"}
        assert all(row["jobs"] == 40 and row["jobs_per_s"] > 0 for row in rows.values())
        assert rows["ours"]["agree_with_plain"] == 1.0
    assert len(report["targets"]) == 6 and report["security_layers"]


def test_bench_executor_soak_reports_samples() -> None:
    proc = azr("bench", "executor", "--soak", "300", "--samples", "3", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert report["executions"] == 300 and len(report["samples"]) >= 2
    assert report["samples"][-1]["processes"] >= 1


def test_unknown_target_is_a_usage_error() -> None:
    proc = azr("bench", "nope", timeout=60)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_no_target_names_the_targets() -> None:
    proc = azr("bench", timeout=60)
    assert proc.returncode == 1 and "executor" in proc.stderr and "train" in proc.stderr


def test_missing_benchmark_module_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(bench.TARGETS, "executor", ("benchmarks.not_written_yet", "missing"))
    with pytest.raises(bench.BenchmarkUnavailableError, match=r"benchmarks\.not_written_yet"):
        bench.load("executor")
