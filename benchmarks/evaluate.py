"""Turn harness rows into metrics, a markdown table and PNG plots.

Metrics (namespaced by suite and task type):

- solve rate per (suite, task type): mean over items of the fraction of correct samples, with a two-level bootstrap
  95% interval over seeds and items (the Wilson interval where every answer agrees, at 0% or 100%); pass@k for every
  k of ``PASS_AT`` up to n and for k = n (the unbiased estimator of Chen et al. 2021 over the n samples per item)
  when n > 1 samples were drawn (``azr eval --samples n``);
- self-play proposals per task type: valid-proposal rate (same interval), and the learnability distribution of the
  valid ones (solve rate of the in-episode attempts in {0}, (0, 1), {1}; mean learnability reward);
- buffer diversity after self-play: distinct normalized programs and output types (mean over seeds).
"""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from azr_env.errors import MissingDependencyError
from azr_env.tasks.base import Task
from azr_env.tasks.normal_form import normal_form
from benchmarks.stats import bootstrap_seeds_items, mean_pass_at_k, rate_interval

Row = dict[str, Any]
PASS_AT = (1, 5, 10, 100)
"""The k of pass@k reported when enough samples were drawn (as in the HumanEval paper), besides k = n."""
_NODE_TYPES = {ast.List: "list", ast.Tuple: "tuple", ast.Dict: "dict", ast.Set: "set"}


def output_type(canonical: str) -> str:
    """Return the type name of a canonical output (``int``, ``list``, ``frozenset``...), from its syntax only."""
    try:
        node = ast.parse(canonical, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return "unknown"
    if isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant):
        node = node.operand
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id
    return _NODE_TYPES.get(type(node), "other")


def _diversity(tasks: Sequence[Task]) -> dict[str, Any]:
    types = Counter(output_type(out) for task in tasks for out in task.outputs)
    return {
        "tasks": len(tasks),
        "distinct_programs": len({normal_form(t.program) for t in tasks}),
        "output_types": dict(sorted(types.items())),
    }


def buffer_diversity(views: Mapping[str, Sequence[Task]]) -> dict[str, Any]:
    """Return total and per-type counts of tasks, distinct normalized programs and output types."""
    everything = [task for tasks in views.values() for task in tasks]
    return {**_diversity(everything), "per_type": {name: _diversity(tasks) for name, tasks in views.items()}}


def item_score_map(rows: Sequence[Row]) -> dict[str, float]:
    """Item id -> its fraction of correct answers, over the solve rows of one suite and seed."""
    items: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        items[str(row.get("item", row["task_id"]))].append(bool(row["correct"]))
    return {item: float(np.mean(samples)) for item, samples in items.items()}


def item_scores(rows: Sequence[Row]) -> list[float]:
    """Each item's fraction of correct answers, over the solve rows of one suite and seed."""
    return list(item_score_map(rows).values())


def _solve_summary(rows: Sequence[Row], rng: np.random.Generator) -> list[Row]:
    cells: dict[tuple[str, str], dict[int, dict[str, list[bool]]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        if row["kind"] == "solve":
            seeds = cells[(row["suite"], row["task_type"])]
            seeds[row["seed"]].setdefault(str(row.get("item", row["task_id"])), []).append(bool(row["correct"]))
    out = []
    for (suite, task_type), seeds in sorted(cells.items()):
        per_seed = [[float(np.mean(samples)) for samples in items.values()] for items in seeds.values()]
        k = min(len(samples) for items in seeds.values() for samples in items.values())
        counts = [sum(samples[:k]) for items in seeds.values() for samples in items.values()]
        entry: Row = {"suite": suite, "task_type": task_type, "seeds": len(seeds), "items": len(per_seed[0]), "k": k}
        entry["solve_rate"] = rate_interval(per_seed, rng).as_dict()
        entry.update({f"pass@{j}": mean_pass_at_k(counts, k, j) for j in pass_ks(k)})
        out.append(entry)
    return out


def pass_ks(n: int) -> list[int]:
    """The k of pass@k reported from n samples per item: every ``PASS_AT`` value up to n, and n itself."""
    return sorted({j for j in PASS_AT if j <= n} | {n})


def _learnability(valid: Sequence[Row], rng: np.random.Generator) -> Row:
    """The solve-rate split of the valid proposals and their mean learnability reward, with a 95% interval."""
    rates = [r["solve_rate"] for r in valid]
    seeds: dict[int, list[float]] = defaultdict(list)
    for row in valid:
        seeds[row["seed"]].append(float(row["learnability"]))
    total = len(rates) or 1
    interval = bootstrap_seeds_items(list(seeds.values()), rng) if valid else None
    return {
        "n": len(rates),
        "solved_none": sum(r == 0.0 for r in rates) / total,
        "solved_some": sum(0.0 < r < 1.0 for r in rates) / total,
        "solved_all": sum(r == 1.0 for r in rates) / total,
        "mean_reward": interval.mean if interval is not None else 0.0,
        "mean_reward_ci": interval.as_dict() if interval is not None else None,
    }


def _propose_summary(rows: Sequence[Row], rng: np.random.Generator) -> list[Row]:
    by_type: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row["kind"] == "propose":
            by_type[row["task_type"]].append(row)
    out = []
    for task_type, found in sorted(by_type.items()):
        seeds: dict[int, list[float]] = defaultdict(list)
        for row in found:
            seeds[row["seed"]].append(float(row["valid"]))
        valid = [r for r in found if r["valid"] and r["solve_rate"] is not None]
        out.append(
            {
                "task_type": task_type,
                "valid_rate": rate_interval(list(seeds.values()), rng).as_dict(),
                "learnability": _learnability(valid, rng),
            }
        )
    return out


def _mean_diversity(found: Sequence[Row]) -> Row:
    types: Counter[str] = Counter()
    for row in found:
        types.update(row["output_types"])
    return {
        "tasks": float(np.mean([row["tasks"] for row in found])),
        "distinct_programs": float(np.mean([row["distinct_programs"] for row in found])),
        "output_types": dict(sorted(types.items())),
    }


def _buffer_summary(rows: Sequence[Row]) -> Row | None:
    found = [row for row in rows if row["kind"] == "buffer"]
    if not found:
        return None
    return {
        "seeds": len(found),
        **_mean_diversity(found),
        "per_type": {name: _mean_diversity([row["per_type"][name] for row in found]) for name in found[0]["per_type"]},
    }


def summarize(rows: Sequence[Row], seed: int = 0) -> Row:
    """Return the metrics of one agent's rows; ``seed`` seeds the bootstrap."""
    rng = np.random.default_rng(seed)
    return {
        "agent": rows[0]["agent"] if rows else "",
        "solve": _solve_summary(rows, rng),
        "propose": _propose_summary(rows, rng),
        "buffer": _buffer_summary(rows),
    }


def _pct(estimate: Mapping[str, float]) -> str:
    return f"{100 * estimate['mean']:.1f} [{100 * estimate['low']:.1f}, {100 * estimate['high']:.1f}]"


def _solve_lines(summaries: Sequence[Row]) -> list[str]:
    lines = [
        "| agent | suite | task type | solve rate % [95% CI] | pass@k | items x seeds |",
        "|---|---|---|---|---|---|",
    ]
    for summary in summaries:
        for e in summary["solve"]:
            passk = ", ".join(f"pass@{j} {100 * e[f'pass@{j}']:.1f}" for j in pass_ks(e["k"]) if j > 1) or "-"
            lines.append(
                f"| {summary['agent']} | {e['suite']} | {e['task_type']} | {_pct(e['solve_rate'])} | {passk} "
                f"| {e['items']} x {e['seeds']} |"
            )
    return lines


def _propose_lines(summaries: Sequence[Row]) -> list[str]:
    lines = [
        "| agent | task type | valid proposals % [95% CI] | solved none / some / all % | learnability reward "
        "[95% CI] | buffer: distinct programs / tasks |",
        "|---|---|---|---|---|---|",
    ]
    for summary in summaries:
        per_type = summary["buffer"]["per_type"] if summary["buffer"] else {}
        for e in summary["propose"]:
            buf = per_type.get(e["task_type"])
            distinct = f"{buf['distinct_programs']:.1f} of {buf['tasks']:.1f}" if buf else "-"
            learn = e["learnability"]
            split = " / ".join(f"{100 * learn[key]:.0f}" for key in ("solved_none", "solved_some", "solved_all"))
            ci = learn.get("mean_reward_ci")
            reward = f"{learn['mean_reward']:.3f}" + (f" [{ci['low']:.3f}, {ci['high']:.3f}]" if ci else "")
            lines.append(
                f"| {summary['agent']} | {e['task_type']} | {_pct(e['valid_rate'])} | {split} | {reward} | {distinct} |"
            )
    return lines


def markdown_table(summaries: Sequence[Row]) -> str:
    """Return markdown tables: solve rates (all agents), then self-play proposals when there are any."""
    lines = _solve_lines(summaries)
    if any(summary["propose"] for summary in summaries):
        lines += ["", *_propose_lines(summaries)]
    return "\n".join(lines)


def pyplot() -> Any:
    """Return ``matplotlib.pyplot`` on the non-interactive Agg backend (the ``agents`` extra provides it)."""
    try:
        import matplotlib
    except ImportError as exc:
        raise MissingDependencyError("matplotlib", "agents", "writing PNG plots") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_solve_rates(summaries: Sequence[Row], path: Path) -> Path | None:
    """Write a bar chart of solve rate per (suite, task type) and agent, with 95% interval whiskers."""
    entries = [(s["agent"], f"{e['suite']}\n{e['task_type']}", e["solve_rate"]) for s in summaries for e in s["solve"]]
    return _bars(entries, "solve rate % (95% CI)", path)


def plot_valid_proposals(summaries: Sequence[Row], path: Path) -> Path | None:
    """Write a bar chart of the self-play valid-proposal rate per task type and agent, with 95% whiskers."""
    entries = [(s["agent"], e["task_type"], e["valid_rate"]) for s in summaries for e in s["propose"]]
    return _bars(entries, "valid proposals % (95% CI)", path)


def _bars(entries: Sequence[tuple[str, str, Mapping[str, float]]], ylabel: str, path: Path) -> Path | None:
    """Grouped bars: one group per label, one bar per agent, whiskers from each estimate's interval."""
    if not entries:
        return None
    plt = pyplot()
    labels = list(dict.fromkeys(label for _, label, _ in entries))
    agents = list(dict.fromkeys(agent for agent, _, _ in entries))
    width = 0.8 / len(agents)
    fig, ax = plt.subplots(figsize=(min(16.0, max(6.0, 2.0 + 0.45 * len(labels) * len(agents))), 4.5))
    for a, agent in enumerate(agents):
        found = {label: est for name, label, est in entries if name == agent}
        xs = [i + a * width for i, label in enumerate(labels) if label in found]
        ests = [found[label] for label in labels if label in found]
        means = [100 * e["mean"] for e in ests]
        errs = [
            [max(0.0, 100 * (e["mean"] - e["low"])) for e in ests],
            [max(0.0, 100 * (e["high"] - e["mean"])) for e in ests],
        ]
        ax.bar(xs, means, width, yerr=errs, capsize=3, label=agent)
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(labels))], labels, fontsize=7)
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 105)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
