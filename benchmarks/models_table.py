"""Markdown tables of ``azr bench models`` scores (the README's "Models" tables)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def format_scores(scores: Mapping[str, Any]) -> str:
    """The cell table of every (model, format, rule, budget), then the learning-signal table."""
    rows = scores["rows"]
    return "\n\n".join([cell_table(rows), signal_table(rows, scores["group_size"])])


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _rate(cell: Mapping[str, Any] | None, key: str) -> str:
    return "-" if cell is None else _pct(cell[key])


def cell_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """One line per (model, format, rule, budget, task type): both roles side by side."""
    head = (
        "| model | format | rule | budget | type | n | proposals well formed | valid | learnability | "
        "attempts correct | answers well formed | correct | s/response (propose, solve) |"
    )
    lines = [head, "|" + "---|" * 5 + "---:|" * 8]
    for row in rows:
        by_type: dict[str, dict[str, Mapping[str, Any]]] = {}
        for cell in row["cells"]:
            by_type.setdefault(cell["task_type"], {})[cell["role"]] = cell
        for task_type, roles in by_type.items():
            p, s = roles.get("propose"), roles.get("solve")
            learn = "-" if p is None or p["learnability"] is None else f"{p['learnability']:.2f}"
            attempts = "-" if p is None else f"{_pct(p['attempt_accuracy'])} of {p['attempts']}"
            seconds = ", ".join("-" if c is None else f"{c['seconds']:.1f}" for c in (p, s))
            n = max(c["n"] for c in roles.values())
            lines.append(
                f"| {row['model']} | {row['format']} | {row['rule']} | {row['budget']} | {task_type} | {n} | "
                f"{_rate(p, 'well_formed')} | {_rate(p, 'success')} | {learn} | {attempts} | "
                f"{_rate(s, 'well_formed')} | {_rate(s, 'success')} | {seconds} |"
            )
    return "\n".join(lines)


def signal_table(rows: Sequence[Mapping[str, Any]], group_size: int) -> str:
    """Learning signal per (model, format, rule, budget), best first."""
    head = (
        f"| model | format | rule | budget | responses per step ({group_size} per type and role) | "
        "non-zero advantage | sampling s | update s | signal per CPU minute |"
    )
    lines = [head, "|" + "---|" * 4 + "---:|" * 5]
    ranked = sorted((r for r in rows if "signal" in r), key=lambda r: -r["signal"]["per_minute"])
    for row in ranked:
        sig = row["signal"]
        lines.append(
            f"| {row['model']} | {row['format']} | {row['rule']} | {row['budget']} | {sig['responses']:.1f} | "
            f"{sig['nonzero']:.1f} | {sig['sample_seconds']:.0f} | {sig['update_seconds']:.0f} | "
            f"{sig['per_minute']:.2f} |"
        )
    return "\n".join(lines)
