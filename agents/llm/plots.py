"""``azr plot RUN_DIR``: PNG charts of a run from its ``metrics.jsonl`` and its latest buffer.

Charts: solve rate per task type (buffer-task episodes and the attempts at new proposals), valid-proposal rate per
type, the learnability distribution of the buffer's tasks per type, buffer size, the loss terms, and, when the run
evaluated on held-out suites (``eval_every``), held-out accuracy per suite with its 95% interval as a band.
matplotlib is imported lazily with the Agg backend, so plotting works on a headless machine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from agents.llm.checkpoint import latest_checkpoint
from agents.llm.metrics import read_metrics
from azr_env.errors import CheckpointError, MissingDependencyError


def series(records: Sequence[Mapping[str, Any]], key: str) -> tuple[list[int], list[float]]:
    """Steps and values of one metric (steps where it is missing are skipped)."""
    pairs = [(int(r["step"]), float(r[key])) for r in records if key in r]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def task_types_in(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """Task types that appear in ``buffer/<type>/size`` keys, in first-seen order."""
    seen: dict[str, None] = {}
    for record in records:
        for key in record:
            if key.startswith("buffer/") and key.endswith("/size"):
                seen[key.split("/")[1]] = None
    return list(seen)


def line_chart(plt: Any, records: Sequence[Mapping[str, Any]], keys: Sequence[str], title: str, path: Path) -> Path:
    """One line per metric key against the step."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        steps, values = series(records, key)
        if steps:
            ax.plot(steps, values, marker="o", markersize=3, label=key)
    return finish(plt, fig, ax, title, path)


def finish(plt: Any, fig: Any, ax: Any, title: str, path: Path) -> Path:
    """Label a step chart, save it and close it."""
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def held_out_keys(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ``eval/<suite>/accuracy`` keys a run logged, in first-seen order."""
    keys = {k: None for r in records for k in r if k.startswith("eval/") and k.endswith("/accuracy")}
    return list(keys)


def held_out_chart(plt: Any, records: Sequence[Mapping[str, Any]], keys: Sequence[str], path: Path) -> Path:
    """Held-out accuracy against the step, one line per suite, its 95% interval shaded."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        steps, values = series(records, key)
        _, low = series(records, f"{key}_low")
        _, high = series(records, f"{key}_high")
        ax.plot(steps, values, marker="o", markersize=3, label=key.removeprefix("eval/").removesuffix("/accuracy"))
        if len(low) == len(high) == len(steps):
            ax.fill_between(steps, low, high, alpha=0.2)
    ax.set_ylim(-0.02, 1.02)
    return finish(plt, fig, ax, "held-out accuracy (95% CI)", path)


def learnability_chart(plt: Any, run_dir: Path, types: Sequence[str], path: Path) -> Path:
    """Histogram of ``learnability(solve rate)`` over the buffer's attempted tasks, one series per type."""
    from azr_env.buffer import TaskBuffer
    from azr_env.rewards import learnability

    ckpt = latest_checkpoint(run_dir)
    buffer = TaskBuffer.load(ckpt / "buffer.jsonl") if ckpt is not None else None
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for task_type in types:
        rates = [buffer.solve_rate(t.task_id) for t in buffer.tasks(task_type)] if buffer is not None else []
        values = [learnability(r) for r in rates if r is not None]
        if values:
            ax.hist(values, bins=10, range=(0.0, 1.0), alpha=0.5, label=f"{task_type} ({len(values)} tasks)")
    ax.set_xlabel("learnability = 1 - solve rate (0 if never or always solved)")
    ax.set_title("learnability of buffer tasks" + ("" if ckpt else " (no checkpoint yet)"))
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_run(run_dir: str | os.PathLike[str], out_dir: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the run's PNGs to ``out_dir`` (default ``RUN_DIR/plots``); return their paths."""
    run_dir = Path(run_dir)
    records = read_metrics(run_dir / "metrics.jsonl")
    if not records:
        raise CheckpointError(f"{run_dir}: no metrics.jsonl with logged steps to plot")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("matplotlib", "agents", "azr plot") from None
    out = Path(out_dir) if out_dir is not None else run_dir / "plots"
    out.mkdir(parents=True, exist_ok=True)
    types = task_types_in(records)
    solve_keys = [f"solve/{t}/{m}" for t in types for m in ("accuracy", "attempt_accuracy")]
    held_out = held_out_keys(records)
    extra = [held_out_chart(plt, records, held_out, out / "held_out.png")] if held_out else []
    return [
        *extra,
        line_chart(plt, records, solve_keys, "solve rate", out / "solve_rate.png"),
        line_chart(plt, records, [f"propose/{t}/valid_rate" for t in types], "valid proposals", out / "valid_rate.png"),
        learnability_chart(plt, run_dir, types, out / "learnability.png"),
        line_chart(plt, records, [f"buffer/{t}/size" for t in types], "buffer size", out / "buffer_size.png"),
        line_chart(plt, records, ["loss/pg", "loss/entropy", "loss/total"], "loss", out / "loss.png"),
    ]
