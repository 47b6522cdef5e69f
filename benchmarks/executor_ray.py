"""``azr bench executor --backend ray``: the Ray executor pool against the local pool, on the same jobs, in one run.

For each actor count (``--actors``, default 1 2 4) a ``RayExecutor`` is started and measured side by side with the
local ``Executor``: the same fresh programs (``executor_throughput.fresh_jobs``) go through both in alternating
chunks of ``--chunk`` jobs (one ``run_many`` call each), then single-job calls give the per-job latency (p50, p99).
Every Ray output is compared with the local one.

Reported per pool: jobs/s, p50/p99 of a single-job call, the ratio to the local pool measured in the same
rounds, the extra wall time per job (``1/ray - 1/local``), and the driver's CPU time per job (what this process
spends shipping jobs and reading results: ``1 / driver CPU per job`` bounds the throughput one driver can feed,
however many nodes the cluster has).

Without ``--ray-address`` a private single-node Ray is started here with one logical CPU per actor of the largest
pool. On a machine with fewer cores than actors the actors share cores, so the table then shows the overhead, not
the scaling: run it against a real cluster (``--ray-address HEAD:6379``) for that.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from benchmarks.executor_throughput import Tally, fresh_jobs


def add_ray_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the Ray comparison (used with ``--backend ray``)."""
    parser.add_argument("--backend", choices=("local", "ray"), default="local", help="ray: Ray pool vs local pool")
    parser.add_argument("--actors", type=int, nargs="+", default=[1, 2, 4], help="Ray pool sizes to measure")
    parser.add_argument("--cpus-per-actor", type=float, default=1.0, help="Ray CPUs (and jobs at once) per actor")
    parser.add_argument("--ray-address", default=None, help="Ray cluster (host:port, auto); default: a private one")


def ensure_ray(args: argparse.Namespace) -> Any:
    """Connect to ``--ray-address``, or start a private Ray with enough logical CPUs for the largest pool."""
    from azr_env.executor.ray_actor import RAY, connect
    from azr_env.optional import require

    ray = require(RAY)
    if args.ray_address is None and not ray.is_initialized():
        ray.init(num_cpus=int(max(args.actors) * args.cpus_per_actor + 0.999), include_dashboard=False,
                 logging_level="WARNING", configure_logging=False)  # fmt: skip
    return connect(args.ray_address, 10.0)[0]


def measure_pair(local: Any, remote: Any, jobs: list, probes: list, chunk: int) -> dict[str, Any]:
    """Alternate ``local`` and ``remote`` over the same chunks; then single-job latency; rows for both."""
    pools = {"local": local, "ray": remote}
    tallies = {name: Tally() for name in pools}
    outputs: dict[str, list[Any]] = {name: [] for name in pools}
    driver_cpu = 0.0
    for step, start in enumerate(range(0, len(jobs), chunk)):
        for name in _order(step):
            begin, cpu = time.perf_counter(), time.process_time()
            outputs[name] += [(r.status, r.output) for r in pools[name].run_many(jobs[start : start + chunk])]
            tallies[name].seconds += time.perf_counter() - begin
            tallies[name].jobs += len(jobs[start : start + chunk])
            driver_cpu += (time.process_time() - cpu) if name == "ray" else 0.0
    for step, job in enumerate(probes):
        for name in _order(step):
            begin = time.perf_counter()
            pools[name].run_many([job])
            tallies[name].latencies.append(time.perf_counter() - begin)
    rows = {name: tally.row() for name, tally in tallies.items()}
    ray_row, local_row = rows["ray"], rows["local"]
    ray_row["vs_local"] = ray_row["jobs_per_s"] / local_row["jobs_per_s"]
    ray_row["overhead_ms_per_job"] = 1000.0 * (1 / ray_row["jobs_per_s"] - 1 / local_row["jobs_per_s"])
    ray_row["driver_cpu_us_per_job"] = 1e6 * driver_cpu / max(1, tallies["ray"].jobs)
    same = [a == b for a, b in zip(outputs["ray"], outputs["local"], strict=True)]
    ray_row["agree_with_local"] = float(np.mean(same))
    return rows


def _order(step: int) -> tuple[str, str]:
    """Which pool goes first in round ``step``: each goes first every other round."""
    return ("local", "ray") if step % 2 == 0 else ("ray", "local")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Every Ray pool size side by side with the local pool; the report as plain data."""
    from azr_env.executor import Executor
    from azr_env.executor.ray_backend import RayExecutor, RaySpec

    ray = ensure_ray(args)
    rng = np.random.default_rng(args.seed)
    jobs, probes = fresh_jobs(args.programs, rng), fresh_jobs(args.probes, rng, offset=args.programs)
    report: dict[str, Any] = {"command": command_line(args), "nodes": sum(n["Alive"] for n in ray.nodes()), "pools": []}
    with Executor(workers=args.workers, timeout_s=args.timeout) as local:
        local.run_many(fresh_jobs(8, rng, offset=10**6))
        for actors in args.actors:
            spec = RaySpec(address=args.ray_address, actors=actors, cpus_per_actor=args.cpus_per_actor)
            with RayExecutor(spec, timeout_s=args.timeout) as remote:
                remote.run_many(fresh_jobs(8 * actors, rng, offset=2 * 10**6))
                rows = measure_pair(local, remote, jobs, probes, args.chunk)
                report["pools"].append({"actors": actors, "nodes": len(remote.node_ids()), **rows})
    return report


def markdown(report: dict[str, Any]) -> str:
    """The report as one markdown table, the local row of each round next to its Ray row."""
    lines = [
        f"`{report['command']}`",
        "",
        f"Ray cluster: {report['nodes']} node(s). Each Ray pool is measured in the same rounds as the local pool.",
        "",
        "| pool | actors (nodes) | jobs/s | p50 ms | p99 ms | vs local | extra ms/job | driver CPU µs/job |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for pool in report["pools"]:
        loc, ray = pool["local"], pool["ray"]
        lines.append(
            f"| local (same rounds) | - | {loc['jobs_per_s']:,.0f} | {loc['p50_ms']:.2f} | {loc['p99_ms']:.2f} "
            "| 1.00x | - | - |"
        )
        lines.append(
            f"| ray | {pool['actors']} ({pool['nodes']}) | {ray['jobs_per_s']:,.0f} | {ray['p50_ms']:.2f} | "
            f"{ray['p99_ms']:.2f} | {ray['vs_local']:.2f}x | {ray['overhead_ms_per_job']:.3f} | "
            f"{ray['driver_cpu_us_per_job']:.0f} |"
        )
    agree = min(pool["ray"]["agree_with_local"] for pool in report["pools"])
    bound = 1e6 / max(pool["ray"]["driver_cpu_us_per_job"] for pool in report["pools"])
    lines += ["", f"Ray == local on every job: {agree:.1%}. One driver can feed at most ~{bound:,.0f} jobs/s."]
    return "\n".join(lines)


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this measurement."""
    address = f" --ray-address {args.ray_address}" if args.ray_address else ""
    return (
        f"azr bench executor --backend ray --actors {' '.join(map(str, args.actors))} --cpus-per-actor "
        f"{args.cpus_per_actor:g} --programs {args.programs} --probes {args.probes} --chunk {args.chunk} "
        f"--timeout {args.timeout:g} --seed {args.seed}{address}"
    )


def run_ray(args: argparse.Namespace) -> int:
    """Measure and print the table (or JSON); 0 when every Ray output equals the local one."""
    import json

    report = measure(args)
    print(json.dumps(report, indent=2) if args.json else markdown(report))
    return 0 if all(pool["ray"]["agree_with_local"] == 1.0 for pool in report["pools"]) else 1
