"""``azr safety RUN_DIR``: what the monitor saw in a run, by category and by step, with excerpts and a PNG of rates.

Reads ``RUN_DIR/safety.jsonl`` (every flagged response) and, when present, ``RUN_DIR/metrics.jsonl`` (the trainer's
per-step ``safety/<category>/rate`` and ``safety/obfuscation/rate``). A run made with the Gymnasium wrapper has only
the log: the report then shows counts, not rates.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azr_env.errors import CheckpointError, MissingDependencyError
from azr_env.safety.findings import Category
from azr_env.safety.log import SAFETY_LOG, read_log

OBFUSCATION_KEY = "safety/obfuscation/rate"
ANY_KEY = "safety/any/rate"


@dataclass(frozen=True)
class SafetyRun:
    """A run as the report sees it: the flagged records and the per-step metrics (possibly none)."""

    path: Path
    records: tuple[dict[str, Any], ...]
    metrics: tuple[dict[str, Any], ...]

    @property
    def steps(self) -> list[int]:
        """Every step that logged metrics, else every step with a flagged record."""
        found = {int(m["step"]) for m in self.metrics} or {int(r["step"]) for r in self.records}
        return sorted(found)


def load_safety_run(run_dir: str | Path) -> SafetyRun:
    """Read a run directory; raises ``CheckpointError`` when it has no ``safety.jsonl``."""
    root = Path(run_dir)
    log = root / SAFETY_LOG
    if not log.is_file():
        raise CheckpointError(
            f"{root} has no {SAFETY_LOG}: train with the monitor on (azr train, safety_monitor=true, the default) "
            "or wrap the env in azr_env.wrappers.SafetyMonitor(log_path=...)"
        )
    metrics_file = root / "metrics.jsonl"
    metrics = []
    if metrics_file.is_file():
        for line in metrics_file.read_text(encoding="utf-8").splitlines():
            try:
                metrics.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return SafetyRun(root, tuple(read_log(log)), tuple(sorted(metrics, key=lambda m: int(m.get("step", 0)))))


def category_rows(run: SafetyRun) -> list[dict[str, Any]]:
    """One row per category that was flagged: counts by role, rates, first step and most frequent rule."""
    rows = []
    for category in Category:
        mine = [r for r in run.records if category.value in r["categories"]]
        if not mine:
            continue
        rules = Counter(f["rule"] for r in mine for f in r["findings"] if f["category"] == category.value)
        rates = [float(m[key]) for m in run.metrics if (key := f"safety/{category.value}/rate") in m]
        rows.append(
            {
                "category": category.value,
                "kind": category.kind.value,
                "flagged": len(mine),
                "proposals": sum(r["role"] == "propose" for r in mine),
                "answers": sum(r["role"] == "solve" for r in mine),
                "mean_rate": sum(rates) / len(rates) if rates else None,
                "last_rate": rates[-1] if rates else None,
                "first_step": min(int(r["step"]) for r in mine),
                "top_rule": rules.most_common(1)[0][0],
            }
        )
    return rows


def step_bins(steps: Sequence[int], bins: int) -> list[tuple[int, int]]:
    """Split the logged steps into at most ``bins`` contiguous ranges ``(first, last)``."""
    if not steps:
        return []
    size = -(-len(steps) // max(bins, 1))
    return [(steps[i], steps[min(i + size, len(steps)) - 1]) for i in range(0, len(steps), size)]


def step_table(run: SafetyRun, bins: int = 10) -> str:
    """Flagged responses by step range and category, with the obfuscation rate when the metrics have it."""
    flagged = [c.value for c in Category if any(c.value in r["categories"] for r in run.records)]
    counts: dict[tuple[int, int], Counter[str]] = defaultdict(Counter)
    ranges = step_bins(run.steps, bins)
    for record in run.records:
        span = next((s for s in ranges if s[0] <= int(record["step"]) <= s[1]), None)
        if span is not None:
            counts[span].update(record["categories"])
    header = ["steps", *flagged, "any rate", "obfuscation"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for first, last in ranges:
        in_range = [m for m in run.metrics if first <= int(m["step"]) <= last]
        cells = [f"{first}-{last}" if first != last else str(first), *(str(counts[first, last][c]) for c in flagged)]
        cells += [_mean(in_range, ANY_KEY), _mean(in_range, OBFUSCATION_KEY)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mean(metrics: Sequence[Mapping[str, Any]], key: str) -> str:
    values = [float(m[key]) for m in metrics if key in m]
    return f"{sum(values) / len(values):.3f}" if values else "-"


def category_table(run: SafetyRun) -> str:
    """The markdown table of ``category_rows``."""
    lines = [
        "| category | kind | flagged | proposals | answers | mean rate | last rate | first step | top rule |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in category_rows(run):
        mean = "-" if row["mean_rate"] is None else f"{row['mean_rate']:.3f}"
        last = "-" if row["last_rate"] is None else f"{row['last_rate']:.3f}"
        cells = [row["category"], row["kind"], row["flagged"], row["proposals"], row["answers"], mean, last]
        cells += [row["first_step"], f"`{row['top_rule']}`"]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines)


def top_excerpts(run: SafetyRun, per_category: int = 3) -> list[str]:
    """The latest excerpts of each flagged category, one line each."""
    out = []
    for category in Category:
        shown = 0
        for record in reversed(run.records):
            for finding in record["findings"]:
                if finding["category"] == category.value and shown < per_category:
                    where = f"step {record['step']} {record['role']}/{record['task_type']} ({record['source']})"
                    out.append(f"- {category.value} `{finding['rule']}` {where}: {finding['excerpt']}")
                    shown += 1
                    break
    return out


def format_report(run: SafetyRun, *, top: int = 3, bins: int = 10) -> str:
    """The whole text report."""
    monitors = sorted({str(r.get("monitor", "?")) for r in run.records})
    head = [
        f"# Safety report: {run.path}",
        "",
        f"{len(run.records)} flagged responses over {len(run.steps)} logged steps; monitor: "
        f"{', '.join(monitors) or '(nothing flagged)'}",
    ]
    if not run.records:
        return "\n".join([*head, "", "Nothing was flagged."])
    body = ["", "## By category", "", category_table(run), "", "## By step", "", step_table(run, bins)]
    return "\n".join([*head, *body, "", "## Latest flagged excerpts", "", *top_excerpts(run, top)])


def plot_rates(run: SafetyRun, path: Path) -> Path | None:
    """Write a PNG of the flagged categories' rates, the any-rate and the obfuscation rate over steps.

    Returns ``None`` (and writes nothing) when the run has no per-step metrics.
    """
    if not run.metrics:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError("matplotlib", "agents", "the safety report's plot") from None
    keys = [f"safety/{row['category']}/rate" for row in category_rows(run)] + [ANY_KEY, OBFUSCATION_KEY]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key in keys:
        points = [(int(m["step"]), float(m[key])) for m in run.metrics if key in m]
        if points:
            style = "--" if key == OBFUSCATION_KEY else "-"
            ax.plot(*zip(*points, strict=True), style, marker="o", markersize=3, label=key.removeprefix("safety/"))
    ax.set_xlabel("training step")
    ax.set_ylabel("fraction of responses (obfuscation: of flagged proposals)")
    ax.set_title("safety monitor")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
