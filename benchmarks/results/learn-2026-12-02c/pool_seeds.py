"""Run 6 pooled over its two seeds from each seed's ``learning.json`` (window means and counts).

Seed 0's episodes are gone (its run directory lived in a worktree that a later session did not have); its
``learning.json`` keeps, for every metric, each window's mean and number of episodes. For a metric whose every score
is 0 or 1, ``benchmarks.stats.stratified_interval`` (a bootstrap over episodes within each seed) depends only on each
seed's count of ones and of episodes, so pooling from counts gives the interval ``azr bench learn`` would give (the
same distribution; other random draws). The learnability reward (not 0/1) and the paired held-out changes (which need
each item) are left per seed.

Usage: python benchmarks/results/learn-2026-12-02c/pool_seeds.py SEED0.json SEED1.json > pooled.md
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.learning_report import _clear, _fmt, stream
from benchmarks.stats import stratified_interval

BINARY = ("well_formed", "valid_proposal", "solve_accuracy", "learnable_proposal", "new_program", "repeated_task")


def scores(estimate: Mapping[str, float]) -> list[float]:
    """The 0/1 scores behind a window's mean over ``n`` episodes."""
    n = int(estimate["n"])
    ones = round(float(estimate["mean"]) * n)
    if abs(ones - float(estimate["mean"]) * n) > 1e-6:
        raise ValueError(f"mean {estimate['mean']} over {n} episodes is not a count")
    return [1.0] * ones + [0.0] * (n - ones)


def pooled(runs: Sequence[Mapping[str, Any]], path: Sequence[str], when: str, name: str) -> dict[str, float]:
    """The stratified interval of one window over the seeds."""
    groups = []
    for run in runs:
        node: Any = run
        for key in path:
            node = node[key]
        groups.append(scores(node[when]))
    return stratified_interval(groups, stream(name)).as_dict()


def main(files: Sequence[str]) -> str:
    runs = [json.loads(Path(f).read_text())["algorithms"]["trr++"] for f in files]
    lines = ["| metric % [95% CI], seeds pooled | first 4 steps | last 4 steps | clear change |", "|---|---|---|---|"]
    for name in BINARY:
        pair = {when: pooled(runs, ("metrics", name), when, name) for when in ("first", "last")}
        lines.append(f"| {name} | {_fmt(pair['first'])} | {_fmt(pair['last'])} | {_clear(pair, 'first', 'last')} |")
    for suite in sorted(runs[0]["held_out"]):
        pair = {w: pooled(runs, ("held_out", suite), w, f"{suite}/{w}") for w in ("start", "end")}
        row = f"| held-out {suite} (step 0 / end) | {_fmt(pair['start'])} | {_fmt(pair['end'])} |"
        lines.append(f"{row} {_clear(pair, 'start', 'end')} |")
    lines += ["", f"Seeds: {len(runs)} ({', '.join(files)}); per seed, not pooled: learnability, paired held-out:"]
    for file, run in zip(files, runs, strict=True):
        changes = ", ".join(f"{s} {_fmt(v['change'])}" for s, v in sorted(run["held_out"].items()))
        learn = run["metrics"]["learnability"]
        lines.append(f"- {file}: learnability {_fmt(learn['first'])} -> {_fmt(learn['last'])}; paired {changes}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(main(sys.argv[1:]))
