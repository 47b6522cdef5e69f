"""``azr bench executor --soak N``: does the sandboxed pool stay flat over many executions?

N executions go through ``azr_env.executor.Executor`` in batches of at most ``BATCH`` jobs: mostly distinct fresh
programs (so the compile cache must stay bounded), a program reused on new inputs, and per thousand jobs a few that
make a worker recycle (a memory bomb, runaway recursion, an exception). At evenly spaced points it samples the
executor's processes (every descendant of this process: zygotes and workers) with ``psutil``: how many there are
and their summed RSS.
Flat means: the process count at the end is no higher than at the start, and the median summed RSS of the last
third of the samples is within ``RSS_GROWTH_LIMIT`` of the first third's.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
from typing import Any

import numpy as np

from azr_env.errors import MissingDependencyError
from benchmarks.executor_throughput import fresh_jobs, reuse_jobs

RSS_GROWTH_LIMIT = 0.10
"""Largest relative growth of the pool's summed RSS that still counts as flat."""

BATCH = 2000
"""Jobs per ``run_many`` call."""

RECYCLERS = (
    ("def f():\n    return len([0] * 10**10)\n", ""),
    ("def f(n):\n    return f(n + 1)\n", "0"),
    ("def f():\n    raise ValueError('soak')\n", ""),
)
"""Jobs that end a run abnormally (memory, recursion, exception), mixed in per thousand jobs."""


def _psutil() -> Any:
    try:
        import psutil
    except ImportError as exc:
        raise MissingDependencyError("psutil", "bench", "the executor soak benchmark") from exc
    return psutil


def sample(psutil: Any, done: int) -> dict[str, float]:
    """Count this process's descendants and sum their RSS."""
    count, rss, largest = 0, 0, 0
    for proc in psutil.Process().children(recursive=True):
        try:
            size = proc.memory_info().rss
        except psutil.Error:  # exited between listing and reading: a worker being recycled
            continue
        count, rss, largest = count + 1, rss + size, max(largest, size)
    return {"executions": done, "processes": count, "rss_mb": rss / 2**20, "largest_mb": largest / 2**20}


def soak_batch(size: int, rng: np.random.Generator, offset: int) -> list[tuple[str, str]]:
    """``size`` jobs: 3/4 fresh distinct programs, 1/4 reuse, plus the recyclers once per thousand."""
    n_reuse = size // 4
    n_recycle = len(RECYCLERS) * max(1, size // 1000)
    jobs = fresh_jobs(size - n_reuse - n_recycle, rng, offset) + reuse_jobs(n_reuse, rng)
    jobs += [RECYCLERS[i % len(RECYCLERS)] for i in range(n_recycle)]
    order = rng.permutation(len(jobs))
    return [jobs[int(i)] for i in order]


def verdict(samples: list[dict[str, float]]) -> dict[str, Any]:
    """Whether process count and RSS stayed flat (first sample excluded: it is the warm pool)."""
    body = samples[1:] if len(samples) > 3 else samples
    third = max(1, len(body) // 3)
    first, last = body[:third], body[-third:]
    rss_first = statistics.median(s["rss_mb"] for s in first)
    rss_last = statistics.median(s["rss_mb"] for s in last)
    growth = rss_last / rss_first - 1.0 if rss_first else 0.0
    procs_flat = max(s["processes"] for s in last) <= max(s["processes"] for s in first)
    return {
        "rss_growth": growth,
        "rss_flat": growth <= RSS_GROWTH_LIMIT,
        "processes_flat": procs_flat,
        "flat": growth <= RSS_GROWTH_LIMIT and procs_flat,
    }


def soak(args: argparse.Namespace) -> dict[str, Any]:
    """Run the soak; return samples, status counts and the verdict."""
    from azr_env.executor import Executor

    psutil = _psutil()
    rng = np.random.default_rng(args.seed)
    every = max(1, args.soak // max(1, args.samples))
    statuses: collections.Counter[str] = collections.Counter()
    with Executor(workers=args.workers, timeout_s=args.timeout) as ex:
        ex.run_many(fresh_jobs(16, rng, offset=10**9))
        samples = [sample(psutil, 0)]
        done, next_at = 0, every
        while done < args.soak:
            jobs = soak_batch(min(BATCH, every, args.soak - done), rng, offset=done)
            statuses.update(result.status.value for result in ex.run_many(jobs))
            done += len(jobs)
            if done >= next_at or done >= args.soak:
                samples.append(sample(psutil, done))
                next_at += every
        layers = dict(ex.security_layers())
    return {"executions": done, "security_layers": layers, "statuses": dict(statuses), "samples": samples}


def markdown(report: dict[str, Any]) -> str:
    """The samples as a markdown table, then the verdict."""
    lines = [
        f"Executor soak: {report['executions']:,} executions; statuses {report['statuses']}",
        "",
        "| executions | processes | pool RSS MB | largest process MB |",
        "|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s['executions']:,} | {s['processes']} | {s['rss_mb']:.1f} | {s['largest_mb']:.1f} |"
        for s in report["samples"]
    ]
    v = report["verdict"]
    lines += [
        "",
        f"process count flat: {'yes' if v['processes_flat'] else 'NO'}; RSS growth {v['rss_growth']:+.1%} "
        f"(flat if <= {RSS_GROWTH_LIMIT:.0%}): {'yes' if v['rss_flat'] else 'NO'}",
    ]
    return "\n".join(lines)


def run_soak(args: argparse.Namespace) -> int:
    """Soak, print (markdown or JSON), return 0 when flat."""
    report = soak(args)
    report["verdict"] = verdict(report["samples"])
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 0 if report["verdict"]["flat"] else 1
