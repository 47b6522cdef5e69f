"""Held-out evaluation inside training: before the first step, every eval_every steps, logged with a 95% CI."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from agents.llm.config import from_mapping
from agents.llm.metrics import read_metrics

TINY = {
    "model": "tiny-random", "task_types": ("deduction",), "batch_size": 1, "n_solve_samples": 2, "k_references": 2,
    "max_new_tokens": 8, "learning_rate": 1e-3, "tensorboard": False, "progress": False, "executor_workers": 1,
}  # fmt: skip

EVAL = {"eval_every": 2, "eval_limit": 2, "eval_samples": 2, "eval_temperature": 1.0, "steps": 3}
KEY = "eval/humaneval-deduction/accuracy"


@pytest.fixture(scope="module")
def runs(executor, tmp_path_factory):  # type: ignore[no-untyped-def]
    """One run that evaluates and the same run without evaluation: their histories and run directories."""
    from agents.llm.session import build_trainer
    from agents.llm.tiny import tiny_policy

    out = {}
    for name, extra in (("evaluated", EVAL), ("plain", {"steps": 3})):
        run_dir = tmp_path_factory.mktemp(name)
        trainer = build_trainer(
            from_mapping({**TINY, **extra, "run_dir": str(run_dir)}), policy=tiny_policy(seed=0), executor=executor
        )
        out[name] = (trainer.run(), run_dir)
        trainer.close()
    return out


def test_eval_runs_before_the_first_step_every_n_and_after_the_last(runs) -> None:  # type: ignore[no-untyped-def]
    records = read_metrics(runs["evaluated"][1] / "metrics.jsonl")
    assert [r["step"] for r in records if KEY in r] == [0, 2, 3]


def test_eval_accuracy_is_logged_with_its_interval(runs) -> None:  # type: ignore[no-untyped-def]
    records = [r for r in read_metrics(runs["evaluated"][1] / "metrics.jsonl") if KEY in r]
    assert all(r[f"{KEY}_low"] <= r[KEY] <= r[f"{KEY}_high"] for r in records)


def test_every_answer_is_kept_in_eval_jsonl(runs) -> None:  # type: ignore[no-untyped-def]
    rows = read_metrics(runs["evaluated"][1] / "eval.jsonl")
    assert [(r["step"], r["sample"]) for r in rows] == [(s, k) for s in (0, 2, 3) for _ in range(2) for k in range(2)]


def test_evaluating_does_not_change_training(runs) -> None:  # type: ignore[no-untyped-def]
    def training(history):  # type: ignore[no-untyped-def]
        return [{k: v for k, v in h.items() if not k.startswith(("time/", "eval/"))} for h in history]

    assert training(runs["plain"][0]) == training(runs["evaluated"][0])


def test_azr_plot_draws_the_held_out_curve_when_the_run_evaluated(runs) -> None:  # type: ignore[no-untyped-def]
    from agents.llm.plots import plot_run

    names = {name: {p.name for p in plot_run(runs[name][1])} for name in ("evaluated", "plain")}
    assert "held_out.png" in names["evaluated"] and "held_out.png" not in names["plain"]


def test_azr_report_compares_held_out_accuracy_across_runs(runs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from benchmarks.report import load_run, metric_keys, plot_runs

    loaded = [load_run(runs[name][1]) for name in ("evaluated", "plain")]
    assert metric_keys(loaded, None) == [KEY]
    assert plot_runs(loaded, [KEY], tmp_path / "report.png").stat().st_size > 0


def test_no_suites_means_no_evaluation_and_no_empty_record() -> None:
    from agents.llm.evaluation import due

    config = from_mapping({"eval_every": 2, "steps": 4, "eval_suites": []})
    assert not any(due(config, step) for step in range(5))
    assert [s for s in range(4) if due(from_mapping({"eval_every": 2, "steps": 3}), s)] == [0, 2, 3]
