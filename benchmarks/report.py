"""``azr report RUN_DIR...``: compare training runs in one table and one plot, with the commands that made them.

A run directory (written by ``azr train``) holds ``metrics.jsonl`` (one JSON line per step) and ``config.json`` (the
run's ``TrainConfig``). For each run the report shows the algorithm, steps, the last and best value of the compared
metric, and the ``azr train`` command that reproduces it (every config field that differs from its default). The
plot shows the compared metric against steps, one line per run (a held-out accuracy with its 95% interval shaded).

The compared metric is ``--metric KEY`` when given; otherwise the mean of the held-out keys (``eval/.../accuracy``,
``eval/.../solve_rate``) when the runs logged any, else the mean of the self-play ``solve/<type>/accuracy`` keys.

When the runs logged the safety monitor's metrics, the table adds the mean share of flagged responses
(``safety/any/rate``) and the last obfuscation rate, and the plot gets a second panel of the flagged share beside
the learning curve (``azr safety RUN_DIR`` breaks one run down by category).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from azr_env.errors import CheckpointError

HELD_OUT_PREFIX = "eval/"
SELFPLAY_SUFFIX = "/accuracy"
SAFETY_ANY = "safety/any/rate"
SAFETY_OBFUSCATION = "safety/obfuscation/rate"


@dataclass(frozen=True)
class Run:
    """One training run as the report sees it.

    Attributes:
        path: the run directory.
        config: the saved ``TrainConfig`` values.
        steps: one metrics dict per logged step, in step order.
    """

    path: Path
    config: Mapping[str, Any]
    steps: tuple[Mapping[str, Any], ...]


def load_run(path: str | Path) -> Run:
    """Read a run directory; raises ``CheckpointError`` when it has no ``metrics.jsonl``."""
    root = Path(path)
    metrics = root / "metrics.jsonl"
    if not metrics.is_file():
        raise CheckpointError(f"{root} is not a training run directory: no metrics.jsonl (run `azr train` first)")
    lines = [json.loads(line) for line in metrics.read_text().splitlines() if line.strip()]
    config_file = root / "config.json"
    config = json.loads(config_file.read_text()) if config_file.is_file() else {}
    return Run(root, config, tuple(sorted(lines, key=lambda m: int(m.get("step", 0)))))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def metric_keys(runs: Sequence[Run], metric: str | None) -> list[str]:
    """Return the keys averaged into the compared metric (see the module docstring)."""
    if metric:
        return [metric]
    keys = sorted({k for run in runs for step in run.steps for k, v in step.items() if _is_number(v)})
    held_out = [k for k in keys if k.startswith(HELD_OUT_PREFIX) and k.endswith(("/accuracy", "/solve_rate"))]
    return held_out or [k for k in keys if k.startswith("solve/") and k.endswith(SELFPLAY_SUFFIX)]


def series(run: Run, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(steps, values)``: the mean of ``keys`` at every step that logged any of them."""
    xs: list[int] = []
    ys: list[float] = []
    for step in run.steps:
        found = [float(step[k]) for k in keys if _is_number(step.get(k))]
        if found:
            xs.append(int(step.get("step", len(xs))))
            ys.append(float(np.mean(found)))
    return np.asarray(xs), np.asarray(ys)


def train_command(config: Mapping[str, Any]) -> str:
    """Return the ``azr train`` command that reproduces ``config`` (fields that differ from the defaults)."""
    from agents.llm.config import TrainConfig, flat_dict, flatten

    defaults = flat_dict(TrainConfig())
    parts = ["azr train"]
    for name, value in sorted(flatten(config).items(), key=lambda item: item[0] != "algo"):
        if name in defaults and (value != defaults[name] or name == "algo"):
            parts.append(f"--{name.replace('_', '-')} {_flag_value(value)}")
    return " ".join(parts)


def _flag_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def metric_label(keys: Sequence[str]) -> str:
    """Return a short name for the compared metric."""
    if len(keys) == 1:
        return keys[0]
    kind = "held-out solve rate" if all(k.startswith(HELD_OUT_PREFIX) for k in keys) else "self-play solve accuracy"
    return f"{kind} (mean of {len(keys)})"


def has_safety(runs: Sequence[Run]) -> bool:
    """Whether any run logged the safety monitor's metrics."""
    return any(SAFETY_ANY in step for run in runs for step in run.steps)


def report_table(runs: Sequence[Run], keys: Sequence[str]) -> str:
    """Return the markdown comparison table, one row per run (with safety columns when the runs logged them)."""
    safety = has_safety(runs)
    extra = " flagged (mean) | obfuscation (last) |" if safety else ""
    lines = [f"| run | algo | steps | last {metric_label(keys)} | best |{extra} command |"]
    lines.append("|---|---|---|---|---|" + ("---|---|" if safety else "") + "---|")
    for run in runs:
        xs, ys = series(run, keys)
        last = f"{ys[-1]:.3f}" if ys.size else "-"
        best = f"{ys.max():.3f}" if ys.size else "-"
        steps = int(xs[-1]) if xs.size else 0
        algo = run.config.get("algo", "?")
        cells = f" {_safety_cells(run)} |" if safety else ""
        lines.append(f"| {run.path.name} | {algo} | {steps} | {last} | {best} |{cells} `{train_command(run.config)}` |")
    return "\n".join(lines)


def _safety_cells(run: Run) -> str:
    _, flagged = series(run, [SAFETY_ANY])
    _, hidden = series(run, [SAFETY_OBFUSCATION])
    mean = f"{flagged.mean():.3f}" if flagged.size else "-"
    return f"{mean} | {hidden[-1]:.3f}" if hidden.size else f"{mean} | -"


def plot_runs(runs: Sequence[Run], keys: Sequence[str], path: Path) -> Path:
    """Write one PNG of the compared metric against steps, one line per run."""
    from benchmarks.evaluate import pyplot

    plt = pyplot()
    safety = has_safety(runs)
    fig, axes = plt.subplots(1, 2 if safety else 1, figsize=(11.0 if safety else 6.0, 4.0), squeeze=False)
    ax = axes[0][0]
    for run in runs:
        xs, ys = series(run, keys)
        ax.plot(xs, ys, marker="o", markersize=3, label=f"{run.path.name} ({run.config.get('algo', '?')})")
        if len(keys) == 1:  # a held-out accuracy logged with its interval: shade it
            _, low = series(run, [f"{keys[0]}_low"])
            _, high = series(run, [f"{keys[0]}_high"])
            if len(low) == len(high) == len(xs):
                ax.fill_between(xs, low, high, alpha=0.2)
    ax.set_xlabel("training step")
    ax.set_ylabel(metric_label(keys))
    ax.legend(fontsize=8)
    if safety:
        plot_safety(axes[0][1], runs)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_safety(ax: Any, runs: Sequence[Run]) -> None:
    """The safety panel: the share of flagged responses per run (dashed: its obfuscation rate)."""
    for run in runs:
        xs, ys = series(run, [SAFETY_ANY])
        line = ax.plot(xs, ys, marker="o", markersize=3, label=f"{run.path.name} flagged")[0]
        hx, hy = series(run, [SAFETY_OBFUSCATION])
        if hx.size:
            ax.plot(hx, hy, "--", color=line.get_color(), label=f"{run.path.name} obfuscation")
    ax.set_xlabel("training step")
    ax.set_ylabel("safety monitor: share of responses flagged")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
