"""The analysis of ``azr bench learn``: first steps against last steps, with 95% intervals stratified by seed.

Reads each run's ``episodes.jsonl`` (one row per episode) and ``eval.jsonl`` (one row per held-out answer). Each metric
is a mean over per-episode scores: ``well_formed`` (every episode: its response is not a format error),
``valid_proposal`` (proposals: valid), ``learnable_proposal`` (proposals: valid and solved by some but not all of their
attempts; a proposer that drifts to trivial tasks raises ``valid_proposal`` but not this), ``solve_accuracy`` (answers
to buffer tasks: correct), ``new_program`` (proposals: valid, with a program that no earlier valid proposal of the run
had, in the buffer's normal form (``azr_env.tasks.normal_form``: layout, comments and bound names aside); a proposer
that repeats one trivial program stays valid but not new; an induction proposer writes no program, so its proposals
count the buffer program they were given), ``repeated_task`` (proposals: valid, and the same task as the zero triplet
or an earlier valid proposal of the run: its program's normal form and the calls its inputs make; the env's ``v3``
duplicate rule makes such a copy invalid, and also compares outputs, which saved episodes lack, so for abduction,
whose rule ignores the inputs, this undercounts), ``learnability`` (valid proposals: the paper's learnability of their
attempts' solve rate). Held-out accuracy is a mean over items of each item's fraction correct, at step 0 and at the last
step; its change is paired over items (each item's score at the end minus its score at step 0, for the items answered at
both), the test with more power on the same items.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from azr_env.buffer import ZERO_INPUTS, ZERO_PROGRAM
from azr_env.rewards import learnability
from azr_env.tasks.calls import call_key
from azr_env.tasks.normal_form import normal_form
from azr_env.tasks.parsing import AnswerRule, ParseFailure, read_answer
from benchmarks.evaluate import item_score_map, item_scores, pyplot
from benchmarks.stats import Estimate, stratified_interval

Row = dict[str, Any]

METRICS: dict[str, tuple[Callable[[Row], bool], Callable[[Row], float]]] = {
    "well_formed": (lambda r: True, lambda r: float(r["outcome"] != "format_error")),
    "valid_proposal": (lambda r: r["role"] == "propose", lambda r: float(r["outcome"] == "valid")),
    "solve_accuracy": (lambda r: r["role"] == "solve", lambda r: float(r["outcome"] == "correct")),
    "learnable_proposal": (lambda r: r["role"] == "propose", lambda r: float(_in_band(r))),
    "new_program": (lambda r: r["role"] == "propose", lambda r: float(r.get("new_program", False))),
    "repeated_task": (lambda r: r["role"] == "propose", lambda r: float(r.get("repeated_task", False))),
    "learnability": (lambda r: r["solve_rate"] is not None, lambda r: learnability(float(r["solve_rate"]))),
}
"""Metric name -> (which episode rows it averages, the score of one row)."""


def _in_band(row: Row) -> bool:
    """A valid proposal that some but not all of its attempts solved: the only kind the learnability reward pays."""
    return row["outcome"] == "valid" and row["solve_rate"] is not None and 0.0 < float(row["solve_rate"]) < 1.0


def _read(path: Path) -> list[Row]:
    from agents.llm.metrics import read_metrics

    return read_metrics(path)


def mark_novelty(rows: Sequence[Row]) -> list[Row]:
    """Mark every valid proposal: ``new_program`` and ``repeated_task`` (see the module docstring).

    ``rows`` are one run's episode rows in the order they were written. A valid proposal's program and inputs are the
    row's (saved since 2026-12-02) or, in older runs, the last python and input blocks of the response read with the
    chat rule. A task is its type, its program's normal form and the calls its inputs make (``azr_env.tasks.calls``);
    the zero triplet of its type counts as seen from the start (runs seeded from a file: its tasks do not).
    """
    programs: set[str] = set()
    tasks: set[tuple[str, ...]] = set()
    marked = []
    for row in rows:
        extra = {}
        if row["role"] == "propose" and row["outcome"] == "valid":
            program, inputs = _task(row)
            tasks.add(_task_key(str(row["task_type"]), ZERO_PROGRAM, ZERO_INPUTS))
            key = _task_key(str(row["task_type"]), program, inputs)
            extra = {"new_program": normal_form(program) not in programs, "repeated_task": key in tasks}
            programs.add(normal_form(program))
            tasks.add(key)
        marked.append({**row, **extra})
    return marked


def _task_key(task_type: str, program: str, inputs: Sequence[str]) -> tuple[str, ...]:
    return (task_type, normal_form(program), *(call_key(program, text.strip()) for text in inputs))


def _task(row: Row) -> tuple[str, list[str]]:
    if row.get("program") is not None:
        return str(row["program"]), [str(text) for text in row.get("inputs") or ()]
    answer = read_answer(str(row["response"]), AnswerRule.FENCES)
    if isinstance(answer, ParseFailure):
        return str(row["response"]), []
    program, inputs = answer.last("python"), answer.tagged("input")
    return (str(row["response"]) if program is None else program), list(inputs)


def _scores(rows: Sequence[Row], metric: str, steps: range) -> list[float]:
    keep, score = METRICS[metric]
    return [score(r) for r in rows if int(r["step"]) in steps and keep(r)]


def analyse(run_dirs: Sequence[Path], window: int) -> Row:
    """Compare the first and last ``window`` steps of the runs (one per seed) of one algorithm."""
    episodes = [mark_novelty(_read(d / "episodes.jsonl")) for d in run_dirs]
    last_step = min(max((int(r["step"]) for r in rows), default=0) for rows in episodes)
    first, last = range(1, window + 1), range(max(1, last_step - window + 1), last_step + 1)
    metrics = {
        name: {
            "first": stratified_interval([_scores(rows, name, first) for rows in episodes], stream(name)).as_dict(),
            "last": stratified_interval([_scores(rows, name, last) for rows in episodes], stream(name)).as_dict(),
        }
        for name in METRICS
    }
    curves = {name: [_curve(rows, name) for rows in episodes] for name in METRICS}
    evals = [_read(d / "eval.jsonl") for d in run_dirs]
    return {
        "seeds": len(run_dirs), "steps": last_step, "metrics": metrics, "curves": curves,
        "held_out": _held_out(evals, last_step),
    }  # fmt: skip


def _curve(rows: Sequence[Row], metric: str) -> list[list[float]]:
    """``[step, mean score]`` for every step with at least one scored episode."""
    keep, score = METRICS[metric]
    by_step: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        if keep(row):
            by_step[int(row["step"])].append(score(row))
    return [[float(step), float(np.mean(values))] for step, values in sorted(by_step.items())]


def stream(name: str) -> np.random.Generator:
    """Return the bootstrap's generator for one quantity, seeded by its name.

    Its interval is then the same whatever else is reported: one shared generator would shift every later interval
    when a metric is added.
    """
    return np.random.default_rng(zlib.crc32(name.encode()))


def _held_out(evals: Sequence[Sequence[Row]], last_step: int) -> Row:
    """Per suite: held-out accuracy at step 0 and at the last step, items resampled within each seed."""
    suites = sorted({str(r["suite"]) for rows in evals for r in rows})
    out: Row = {}
    for suite in suites:
        at = {
            when: [item_scores([r for r in rows if r["suite"] == suite and int(r["step"]) == step]) for rows in evals]
            for when, step in (("start", 0), ("end", last_step))
        }
        out[suite] = {
            when: stratified_interval(groups, stream(f"{suite}/{when}")).as_dict() for when, groups in at.items()
        }
        steps = [[r for r in rows if r["suite"] == suite] for rows in evals]
        out[suite]["change"] = _change(
            [_paired(rows, last_step) for rows in steps], stream(f"{suite}/change")
        ).as_dict()
    return out


def _paired(rows: Sequence[Row], last_step: int) -> list[float]:
    """Each item answered at step 0 and at the last step: its score at the end minus its score at step 0."""
    start = item_score_map([r for r in rows if int(r["step"]) == 0])
    end = item_score_map([r for r in rows if int(r["step"]) == last_step])
    return [end[item] - start[item] for item in sorted(start.keys() & end.keys())]


def _change(groups: Sequence[Sequence[float]], rng: np.random.Generator) -> Estimate:
    """The stratified interval of paired differences; a point at 0 when no item changed."""
    flat = [x for group in groups for x in group]
    if flat and not any(flat):
        return Estimate(0.0, 0.0, 0.0, len(flat))
    return stratified_interval(groups, rng)


def _fmt(estimate: Mapping[str, float]) -> str:
    if estimate["n"] == 0:
        return "-"
    if math.isnan(estimate["low"]):
        return f"{100 * estimate['mean']:.1f} [no spread, n={estimate['n']:.0f}]"
    return f"{100 * estimate['mean']:.1f} [{100 * estimate['low']:.1f}, {100 * estimate['high']:.1f}]"


def _clear(pair: Mapping[str, Mapping[str, float]], a: str, b: str) -> str:
    """``up``/``down`` when the two intervals do not overlap, else ``-``."""
    lo, hi = pair[a], pair[b]
    if not (lo["n"] and hi["n"]):
        return "-"
    if hi["low"] > lo["high"]:
        return "up"
    return "down" if hi["high"] < lo["low"] else "-"


def _sign(change: Mapping[str, float]) -> str:
    """``up``/``down`` when the interval of a change excludes 0, else ``-``."""
    if not change["n"]:
        return "-"
    return "up" if change["low"] > 0 else "down" if change["high"] < 0 else "-"


def table(result: Row) -> str:
    """The markdown comparison: one row per metric, first and last steps for each algorithm, then the grouping."""
    algos = list(result["algorithms"])
    window = result["window"]
    header = ["metric % [95% CI]"]
    for algo in algos:
        header += [f"{algo}: first {window} steps", f"{algo}: last {window} steps", f"{algo}: clear change"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in METRICS:
        cells = [name]
        for algo in algos:
            pair = result["algorithms"][algo]["metrics"][name]
            cells += [_fmt(pair["first"]), _fmt(pair["last"]), _clear(pair, "first", "last")]
        lines.append("| " + " | ".join(cells) + " |")
    suites = sorted({s for a in algos for s in result["algorithms"][a]["held_out"]})
    for suite in suites:
        cells = [f"held-out {suite} (step 0 / end)"]
        for algo in algos:
            pair = result["algorithms"][algo]["held_out"].get(suite)
            cells += [_fmt(pair["start"]), _fmt(pair["end"]), _clear(pair, "start", "end")] if pair else ["-"] * 3
        lines.append("| " + " | ".join(cells) + " |")
        cells = [f"held-out {suite}: end - step 0, paired over items"]
        for algo in algos:
            change = result["algorithms"][algo]["held_out"].get(suite, {}).get("change")
            cells += ["", _fmt(change), _sign(change)] if change else ["-"] * 3
        lines.append("| " + " | ".join(cells) + " |")
    seeds = {a: result["algorithms"][a]["seeds"] for a in algos}
    lines += ["", f"Seeds per algorithm: {seeds}; intervals: bootstrap over episodes (items) within each seed."]
    lines += [f"- {algo} groups {text}" for algo, text in result["grouping"].items()]
    return "\n".join(lines)


def plot(result: Row, out: Path) -> Path:
    """``learning.png``: each metric against the step, one line per (algorithm, seed)."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(METRICS), figsize=(4.0 * len(METRICS), 3.5))
    for ax, name in zip(axes, METRICS, strict=True):
        for algo, found in result["algorithms"].items():
            for seed, curve in enumerate(found["curves"][name]):
                if curve:
                    xs, ys = zip(*curve, strict=True)
                    ax.plot(xs, ys, marker="o", markersize=2, label=f"{algo} run {seed}")
        ax.set_title(name)
        ax.set_xlabel("step")
        ax.set_ylim(-0.05, 1.05)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    path = out / "learning.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
