"""``azr bench executor --backend ray``: the side-by-side measurement and its table (no cluster needed here)."""

from __future__ import annotations

import argparse

import numpy as np

from azr_env.executor import Executor, ExecutorBackend
from benchmarks.executor_ray import add_ray_arguments, markdown, measure_pair
from benchmarks.executor_throughput import fresh_jobs


def test_pair_measures_both_pools_on_the_same_jobs(executor: ExecutorBackend) -> None:
    rng = np.random.default_rng(0)
    with Executor(workers=1) as other:
        rows = measure_pair(executor, other, fresh_jobs(30, rng), fresh_jobs(4, rng, offset=99), chunk=10)
    assert rows["local"]["jobs"] == rows["ray"]["jobs"] == 30
    assert rows["ray"]["agree_with_local"] == 1.0
    assert rows["ray"]["vs_local"] > 0


def test_table_has_a_local_and_a_ray_row_per_pool_size() -> None:
    row = {"jobs_per_s": 100.0, "p50_ms": 1.0, "p99_ms": 2.0}
    ray = {**row, "vs_local": 0.5, "overhead_ms_per_job": 10.0, "driver_cpu_us_per_job": 50.0, "agree_with_local": 1}
    pools = [{"actors": n, "nodes": 2, "local": row, "ray": ray} for n in (1, 2)]
    table = markdown({"command": "azr bench executor --backend ray", "nodes": 2, "pools": pools})
    assert table.count("| local (same rounds)") == 2
    assert "| ray | 2 (2) | 100 |" in table
    assert "~20,000 jobs/s" in table


def test_ray_options_default_to_one_two_four_actors() -> None:
    parser = argparse.ArgumentParser()
    add_ray_arguments(parser)
    args = parser.parse_args(["--backend", "ray"])
    assert (args.backend, args.actors, args.ray_address) == ("ray", [1, 2, 4], None)
