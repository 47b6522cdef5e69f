"""``RayExecutor`` on a real two-node Ray cluster started for this module (see ``tests/ray_cluster.py``).

Same results as the local executor on the human-written and hostile corpora, order kept across actors, faults
(an actor killed mid-batch, a job whose actor dies twice, a node that disappears) handled without an exception,
and no actor left after ``close()``. One cluster for the whole module keeps the cost to about a minute.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from azr_env.executor import ExecStatus, Executor, ExecutorBackend
from tests.executor.ray_faults import DIE_ALWAYS, DIE_ONCE, FaultyActor, dying_job
from tests.ray_cluster import Cluster, two_node_cluster, wait_for

from .hostile_corpus import FAST, LOW_MEMORY, MARKER, Case
from .test_hostile import CASES

ray = pytest.importorskip("ray", reason="the Ray backend needs the [ray] extra")

from azr_env.executor.ray_backend import NODE_CHECK_S, RayExecutor, RaySpec  # noqa: E402

HUMAN = Path(__file__).resolve().parent.parent / "data" / "human_programs.jsonl"
POOL_LIMITS = {"shared": {}, FAST: {"timeout_s": 0.5}, LOW_MEMORY: {"memory_mb": 160}}
"""The executor settings of each hostile-corpus pool (as in ``test_hostile``)."""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with two_node_cluster(cpus_per_node=2) as started:
        yield started


@pytest.fixture(scope="module")
def pool(cluster: Cluster) -> Iterator[RayExecutor]:
    with RayExecutor(RaySpec(actors=2), timeout_s=2.0) as ex:
        yield ex


def free_cpus() -> float:
    return float(ray.available_resources().get("CPU", 0.0))


def test_actors_spread_over_both_nodes(pool: RayExecutor) -> None:
    assert pool.actor_count == 2
    assert len(pool.node_ids()) == 2


def test_results_keep_the_order_of_the_jobs(pool: RayExecutor) -> None:
    jobs = [("def f(x):\n    return x * 3\n", str(i)) for i in range(500)]
    assert [r.output for r in pool.run_many(jobs)] == [str(3 * i) for i in range(500)]


def test_human_corpus_gives_what_the_local_executor_gives(pool: RayExecutor, executor: ExecutorBackend) -> None:
    items = [json.loads(line) for line in HUMAN.read_text(encoding="utf-8").splitlines()]
    jobs = [(item["program"], item["input"]) for item in items]
    remote, local = pool.run_many(jobs), executor.run_many(jobs)
    assert [(r.status, r.output) for r in remote] == [(r.status, r.output) for r in local]
    assert [r.output for r in remote] == [item["expected"] for item in items]


def hostile_jobs(cases: list[Case], tmp_path: Path) -> list[tuple[str, str]]:
    marker = str(tmp_path / "azr_hostile_marker")
    return [(c.program.replace(MARKER, marker), c.input.replace(MARKER, marker)) for c in cases]


def outcomes(ex: ExecutorBackend, mode: str, jobs: list[tuple[str, str]]) -> list[tuple[ExecStatus, str | None]]:
    if mode == "validate":
        return [(r.outcome, r.output) for r in ex.validate_many(jobs)]
    return [(r.status, r.output) for r in ex.run_many(jobs)]


@pytest.fixture
def pools(pool_name: str, pool: RayExecutor, executor: ExecutorBackend) -> Iterator[tuple[ExecutorBackend, ...]]:
    """(local, ray) executors with the limits of one hostile-corpus pool."""
    if pool_name == "shared":
        yield executor, pool
        return
    limits = POOL_LIMITS[pool_name]
    with Executor(workers=2, **limits) as local, RayExecutor(RaySpec(actors=2), **limits) as remote:
        yield local, remote


@pytest.mark.parametrize("pool_name", list(POOL_LIMITS))
@pytest.mark.parametrize("mode", ["run", "validate"])
def test_hostile_corpus_gives_what_the_local_executor_gives(
    pool_name: str, mode: str, pools: tuple[ExecutorBackend, ExecutorBackend], tmp_path: Path
) -> None:
    cases = [c for c in CASES if c.pool == pool_name and c.mode == mode for _ in range(c.copies)]
    if not cases:
        pytest.skip(f"no {mode} case uses the {pool_name} pool")
    jobs = hostile_jobs(cases, tmp_path)
    local, remote = (outcomes(ex, mode, jobs) for ex in pools)
    for case, got, want in zip(cases, remote, local, strict=True):
        assert got[0] in case.statuses, f"{case.id}: {got[0]} not in {case.statuses}"
        if not isinstance(case.expect, tuple):
            assert got == want, case.id
    assert not any(tmp_path.iterdir())


def test_actor_killed_mid_batch_is_replaced_and_its_jobs_rerun(cluster: Cluster, tmp_path: Path) -> None:
    flag = tmp_path / "died"
    jobs = [("def f(x):\n    return x + 1\n", str(i)) for i in range(60)]
    jobs[37] = dying_job(f"{DIE_ONCE}{flag}", 38)
    with RayExecutor(RaySpec(actors=2, replace_timeout_s=30), actor_class=FaultyActor) as ex:
        results = ex.run_many(jobs)
        assert flag.exists()
        assert [r.output for r in results] == [str(i + 1) for i in range(60)]
        assert ex.run_many(jobs[:4])[0].ok
        wait_for(lambda: ex.run_many([jobs[0]]) and ex.actor_count == 2, "the replacement to join")


def test_job_lost_twice_comes_back_crashed(cluster: Cluster) -> None:
    jobs = [("def f(x):\n    return -x\n", str(i)) for i in range(64)]
    jobs[5] = dying_job(DIE_ALWAYS, 0)
    with RayExecutor(RaySpec(actors=2, replace_timeout_s=30), actor_class=FaultyActor) as ex:
        results = ex.run_many(jobs)
    assert results[5].status is ExecStatus.CRASHED
    assert {r.status for r in results} <= {ExecStatus.OK, ExecStatus.CRASHED}
    assert sum(r.ok for r in results) >= 48  # only the poisoned job's last piece is lost
    assert all(r.output == str(-i) for i, r in enumerate(results) if r.ok)


def test_node_that_disappears_shrinks_the_pool(cluster: Cluster, pool: RayExecutor) -> None:
    doomed = cluster.start_node(cpus=2)
    wait_for(lambda: sum(n["Alive"] for n in ray.nodes()) == 3, "the third node to join")
    spin = "def f(n):\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n"
    jobs = [(spin, str(200_000 + i)) for i in range(80)]
    with RayExecutor(RaySpec(actors=4, replace_timeout_s=3)) as ex:
        assert len(ex.node_ids()) == 3
        threading.Timer(0.3, doomed.kill).start()
        first = ex.run_many(jobs)
        wait_for(lambda: ex.run_many(jobs[:8]) and ex.actor_count == 2, "the lost node's actors to be dropped", 60)
        second = ex.run_many(jobs)
        assert len(ex.node_ids()) == 2
    expected = [str(sum(range(200_000 + i))) for i in range(80)]
    assert [r.output for r in first] == expected
    assert [r.output for r in second] == expected


def test_idle_actors_on_a_dead_node_are_dropped_before_the_next_batch(cluster: Cluster, pool: RayExecutor) -> None:
    doomed = cluster.start_node(cpus=2)
    wait_for(lambda: sum(n["Alive"] for n in ray.nodes()) == 3, "the third node to join")
    jobs = [("def f(x):\n    return x - 1\n", str(i)) for i in range(8)]
    with RayExecutor(RaySpec(actors=4, replace_timeout_s=3)) as ex:
        assert len(ex.node_ids()) == 3
        doomed.kill()
        wait_for(lambda: sum(n["Alive"] for n in ray.nodes()) == 2, "the cluster to mark the node dead")
        time.sleep(NODE_CHECK_S)
        results = ex.run_many(jobs)  # one piece only: without the node check it could land on a dead actor
        assert ex.actor_count == 2
        assert len(ex.node_ids()) == 2
    assert [r.output for r in results] == [str(i - 1) for i in range(8)]


def test_a_pool_larger_than_the_cluster_is_refused_at_once(cluster: Cluster) -> None:
    from azr_env.errors import ExecutorError

    with pytest.raises(ExecutorError, match=r"lower RaySpec\.actors"):
        RayExecutor(RaySpec(actors=64))


def test_security_layers_are_the_nodes_layers(pool: RayExecutor, executor: ExecutorBackend) -> None:
    assert dict(pool.security_layers()) == dict(executor.security_layers())


def test_close_leaves_no_actor(cluster: Cluster, pool: RayExecutor) -> None:
    wait_for(lambda: ray.cluster_resources().get("CPU") == 4.0, "the cluster to forget the lost nodes")
    before = 4.0 - pool.actor_count
    wait_for(lambda: free_cpus() == before, "the killed actors of earlier tests to release their CPUs")
    ex = RayExecutor(RaySpec(actors=2))
    wait_for(lambda: free_cpus() == before - 2, "the actors to hold their CPUs")
    ex.close()
    ex.close()
    wait_for(lambda: free_cpus() == before, "the actors' CPUs to be released")
    assert free_cpus() == before


def test_env_config_ray_backend_starts_a_ray_pool(cluster: Cluster) -> None:
    from azr_env.vector import AZRVectorEnv

    proposal = "<think>x</think><answer>\n```python\ndef f(x):\n    return x * 2\n```\n```input\n21\n```\n</answer>"
    env = AZRVectorEnv(2, executor_backend="ray", ray_actors=2, task_types=("deduction",), n_solve_samples=1)
    try:
        env.reset(seed=0, options={"role": "propose"})
        _, _, _, _, infos = env.step([proposal, "not a proposal"])
        assert isinstance(env.engine.runtime.executor, RayExecutor)
        assert list(infos["outcome"]) == ["valid", "format_error"]
    finally:
        env.close()
