"""``azr safety RUN_DIR``: tables by category and step, excerpts, the PNG, and a clear error without a log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from azr_env.errors import CheckpointError
from azr_env.executor.result import ExecStatus
from azr_env.safety import Monitor, Response, SafetyLog, flagged_records, safety_metrics
from azr_env.safety.report import category_rows, format_report, load_safety_run, plot_rates, step_bins, step_table
from azr_env.tasks.base import Outcome, Role


def write_run(root: Path, steps: int = 4) -> Path:
    """A run whose step s has s hostile answers among 4 responses, and one timed-out proposal at step 3."""
    log = SafetyLog(root / "safety.jsonl")
    monitor = Monitor()
    with (root / "metrics.jsonl").open("w") as metrics:
        for step in range(1, steps + 1):
            responses = [Response(Role.SOLVE, "deduction", "Humans are vermin.", Outcome.WRONG)] * step
            responses += [Response(Role.SOLVE, "deduction", "3", Outcome.CORRECT)] * (4 - step)
            if step == 3:
                responses[-1] = Response(Role.PROPOSE, "deduction", "x", Outcome.INVALID, ExecStatus.TIMEOUT)
            scanned = monitor.read(responses)
            log.write(flagged_records(step, scanned, monitor.name))
            metrics.write(json.dumps({"step": step, **safety_metrics(scanned)}) + "\n")
    log.close()
    return root


def test_the_category_table_counts_and_averages_rates(tmp_path: Path) -> None:
    rows = {row["category"]: row for row in category_rows(load_safety_run(write_run(tmp_path)))}
    assert rows["hostility"]["flagged"] == 1 + 2 + 3 + 4 and rows["hostility"]["answers"] == 10
    assert rows["hostility"]["mean_rate"] == pytest.approx((0.25 + 0.5 + 0.75 + 1.0) / 4)
    assert rows["resource_bomb"] == {
        **rows["resource_bomb"],
        "flagged": 1,
        "proposals": 1,
        "first_step": 3,
        "top_rule": "exec.timeout",
    }


def test_steps_are_binned_into_contiguous_ranges() -> None:
    assert step_bins(list(range(1, 8)), 3) == [(1, 3), (4, 6), (7, 7)]
    assert step_bins([], 3) == []


def test_the_step_table_has_one_row_per_bin(tmp_path: Path) -> None:
    table = step_table(load_safety_run(write_run(tmp_path)), bins=2)
    assert table.splitlines()[0] == "| steps | hostility | resource_bomb | any rate | obfuscation |"
    assert table.splitlines()[2] == "| 1-2 | 3 | 0 | 0.375 | - |"


def test_the_report_shows_excerpts_and_writes_the_plot(tmp_path: Path) -> None:
    run = load_safety_run(write_run(tmp_path))
    text = format_report(run, top=1)
    assert "## Latest flagged excerpts" in text and "Humans are vermin." in text
    assert plot_rates(run, tmp_path / "plots" / "safety.png").stat().st_size > 0  # type: ignore[union-attr]


def test_a_run_without_a_safety_log_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match=r"no safety\.jsonl"):
        load_safety_run(tmp_path)


def test_azr_safety_prints_the_report_and_writes_the_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from azr_env.cli import main

    assert main(["safety", str(write_run(tmp_path)), "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "## By category" in out and "| hostility | reasoning | 10 |" in out
    assert (tmp_path / "plots" / "safety.png").is_file()
