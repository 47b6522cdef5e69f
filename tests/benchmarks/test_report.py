import json
import subprocess
import sys
from pathlib import Path

import pytest

from azr_env.errors import CheckpointError
from benchmarks.report import load_run, metric_keys, report_table, series, train_command


def _write_run(root: Path, algo: str, accuracies: list[float], held_out: bool = False) -> Path:
    root.mkdir(parents=True)
    key = "eval/humaneval-deduction/accuracy" if held_out else "solve/deduction/accuracy"
    lines = [{"step": i + 1, key: acc, "loss/pg": 0.1} for i, acc in enumerate(accuracies)]
    (root / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    (root / "config.json").write_text(json.dumps({"algo": algo, "model": "tiny-random", "steps": len(accuracies)}))
    return root


def test_load_run_needs_metrics(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError):
        load_run(tmp_path)


def test_metric_keys_prefer_held_out(tmp_path: Path) -> None:
    runs = [
        load_run(_write_run(tmp_path / "a", "grpo", [0.1], held_out=True)),
        load_run(_write_run(tmp_path / "b", "trr++", [0.2])),
    ]
    assert metric_keys(runs, None) == ["eval/humaneval-deduction/accuracy"]


def test_metric_keys_fall_back_to_selfplay_accuracy(tmp_path: Path) -> None:
    runs = [load_run(_write_run(tmp_path / "a", "grpo", [0.1, 0.3]))]
    assert metric_keys(runs, None) == ["solve/deduction/accuracy"]


def test_series_follows_steps(tmp_path: Path) -> None:
    run = load_run(_write_run(tmp_path / "a", "grpo", [0.1, 0.3]))
    xs, ys = series(run, ["solve/deduction/accuracy"])
    assert xs.tolist() == [1, 2] and ys.tolist() == [0.1, 0.3]


def test_train_command_lists_non_default_fields() -> None:
    config = {"model": "tiny-random", "algo": "grpo", "seed": 0, "task_types": ["deduction"], "progress": False}
    assert train_command(config) == "azr train --algo grpo --model tiny-random --task-types deduction --progress false"


def test_report_table_has_one_row_per_run(tmp_path: Path) -> None:
    runs = [load_run(_write_run(tmp_path / n, n, [0.1, 0.5])) for n in ("grpo", "trr++")]
    table = report_table(runs, ["solve/deduction/accuracy"])
    assert "| grpo | grpo | 2 | 0.500 | 0.500 |" in table and table.count("\n") == 3


def test_azr_report_cli_writes_plot(tmp_path: Path) -> None:
    a = _write_run(tmp_path / "runs" / "trr", "trr++", [0.1, 0.2, 0.4])
    b = _write_run(tmp_path / "runs" / "grpo", "grpo", [0.1, 0.1, 0.2])
    done = subprocess.run(
        [sys.executable, "-m", "azr_env.cli", "report", str(a), str(b), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "azr train --algo grpo" in done.stdout and (tmp_path / "report.png").stat().st_size > 0


def test_runs_with_safety_metrics_get_safety_columns_beside_the_curve(tmp_path: Path) -> None:
    root = _write_run(tmp_path / "safe", "trr++", [0.1, 0.5])
    lines = [
        {"step": 1, "solve/deduction/accuracy": 0.1, "safety/any/rate": 0.2},
        {"step": 2, "solve/deduction/accuracy": 0.5, "safety/any/rate": 0.4, "safety/obfuscation/rate": 0.5},
    ]
    (root / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    table = report_table([load_run(root)], ["solve/deduction/accuracy"])
    assert "flagged (mean) | obfuscation (last)" in table
    assert "| safe | trr++ | 2 | 0.500 | 0.500 | 0.300 | 0.500 |" in table
