"""A plain-text table of what a run did, per task type and role (printed by ``azr train`` and ``azr demo``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

COLUMNS = ("task type", "role", "metric", "first step", "last step", "mean")


def summary_rows(records: Sequence[Mapping[str, Any]], task_types: Sequence[str]) -> list[tuple[str, ...]]:
    """Rows ``(type, role, metric, first, last, mean)`` from metric records."""
    wanted = (
        ("propose", "well_formed_rate"),
        ("propose", "valid_rate"),
        ("propose", "learnability_mean"),
        ("propose", "reward_mean"),
        ("solve", "well_formed_rate"),
        ("solve", "accuracy"),
        ("solve", "attempt_accuracy"),
        ("solve", "reward_mean"),
        ("buffer", "size"),
    )
    rows: list[tuple[str, ...]] = []
    for task_type in task_types:
        for area, name in wanted:
            values = [float(r[key]) for r in records if (key := f"{area}/{task_type}/{name}") in r]
            if values:
                rows.append((task_type, area, name, *_cells(values)))
    for role in ("propose", "solve"):
        values = [float(r[key]) for r in records if (key := f"advantage/{role}/nonzero_frac") in r]
        if values:
            rows.append(("all", role, "nonzero_advantage_frac", *_cells(values)))
    return rows


def _cells(values: Sequence[float]) -> tuple[str, str, str]:
    return f"{values[0]:.3f}", f"{values[-1]:.3f}", f"{sum(values) / len(values):.3f}"


def format_table(rows: Sequence[Sequence[str]], columns: Sequence[str] = COLUMNS) -> str:
    """Left-aligned fixed-width table."""
    widths = [max(len(str(c)) for c in col) for col in zip(columns, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in (columns, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def loop_signals(records: Sequence[Mapping[str, Any]], task_types: Sequence[str]) -> dict[str, Any]:
    """Whether the loop turned, from metric records.

    The task types with a valid proposal and with a correct answer (an episode's or an attempt's) in any step, how
    many tasks the buffer gained over the steps, the largest mean learnability reward, and per role the largest
    share of responses whose advantage is not 0.
    """

    def best(key: str) -> float:
        return max((float(r[key]) for r in records if key in r), default=0.0)

    return {
        "valid_proposals": [t for t in task_types if best(f"propose/{t}/valid_rate") > 0],
        "correct_answers": [
            t for t in task_types if max(best(f"solve/{t}/accuracy"), best(f"solve/{t}/attempt_accuracy")) > 0
        ],
        "buffer_growth": sum(float(r.get(f"buffer/{t}/growth", 0.0)) for r in records for t in task_types),
        "learnability_max": max((best(f"propose/{t}/learnability_mean") for t in task_types), default=0.0),
        "nonzero_advantage": {role: best(f"advantage/{role}/nonzero_frac") for role in ("propose", "solve")},
    }


def loop_turned(signals: Mapping[str, Any], task_types: Sequence[str]) -> bool:
    """Whether ``loop_signals`` show every sign of the loop turning that the demo promises.

    Valid proposals and correct answers in at least two task types (in every type when there are fewer), tasks
    entering the buffer, a non-zero mean learnability reward, and responses with a non-zero advantage in both roles.
    """
    need = min(2, len(task_types))
    return (
        len(signals["valid_proposals"]) >= need
        and len(signals["correct_answers"]) >= need
        and signals["buffer_growth"] > 0
        and signals["learnability_max"] > 0
        and all(value > 0 for value in signals["nonzero_advantage"].values())
    )


def format_signals(signals: Mapping[str, Any]) -> str:
    """One line per signal, for the end of a demo."""
    advantage = signals["nonzero_advantage"]
    return "\n".join((
        f"valid proposals in: {', '.join(signals['valid_proposals']) or 'none'}",
        f"correct answers in: {', '.join(signals['correct_answers']) or 'none'}",
        f"tasks that entered the buffer: {signals['buffer_growth']:.0f}",
        f"largest mean learnability reward of a (type, step): {signals['learnability_max']:.3f}",
        f"responses with a non-zero advantage: propose {advantage['propose']:.2f}, solve {advantage['solve']:.2f}",
    ))  # fmt: skip


def print_summary(records: Sequence[Mapping[str, Any]], task_types: Sequence[str]) -> None:
    """Print the per-type table, what shows the loop turned, and the step timing."""
    if not records:
        print("no steps were logged")
        return
    print(format_table(summary_rows(records, task_types)))
    print()
    print(format_signals(loop_signals(records, task_types)))
    steps = [float(r["time/step_s"]) for r in records if "time/step_s" in r]
    if steps:
        print(f"\n{len(records)} steps, {sum(steps) / len(steps):.1f} s per step on average")
