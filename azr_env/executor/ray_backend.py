"""``RayExecutor``: the executor contract (``ExecutorBackend``) over a pool of Ray actors on many machines.

Each actor (``azr_env.executor.ray_actor.SandboxActor``) owns a local sandboxed ``Executor`` on its node, with every
security layer that node's kernel allows, so model code runs exactly as it does locally. A batch is split into
contiguous pieces, at most ``PIECES_PER_ACTOR`` per actor, sent to the least loaded actors (``DEPTH`` pieces in
flight per actor so the next piece is queued while one runs), and the results come back in the jobs' order.

Usage::

    from azr_env.executor.ray_backend import RayExecutor, RaySpec

    with RayExecutor(RaySpec(address="10.0.0.1:6379", actors=16, cpus_per_actor=4)) as ex:
        ex.run_many(jobs)                       # spread over 16 actors on the cluster's nodes
    env = gymnasium.make("azr_env/AbsoluteZero-v5", executor_backend="ray", ray_address="auto", ray_actors=16)

Faults (never an exception into the env for them):

- before a batch (at most once per ``NODE_CHECK_S``) the actors on nodes the cluster has marked dead are lost
  and replaced, so no work is sent to a node that is gone, idle actors included;
- an actor that dies mid-batch (its process killed, its node gone, or a call past its deadline) is killed for good
  and a replacement is started; the unanswered pieces it held go back to the queue once, split into smaller pieces
  over the live actors, and a job whose second run is lost too comes back ``CRASHED``;
- a replacement that cannot be placed within ``replace_timeout_s`` (its node disappeared and the rest of the cluster
  is full) is given up: the pool shrinks and goes on with the actors it has;
- only a pool with no actor left and none starting raises ``ExecutorError``: that is the cluster, not model code.

``close()`` kills every actor and, if this executor connected the process to Ray, disconnects it; it is idempotent.
Calls are serialized by one lock, like the local executor's.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from azr_env.errors import ExecutorError
from azr_env.executor.backend import Job
from azr_env.executor.limits import VALIDATION_DEADLINE_SHARE
from azr_env.executor.ray_actor import Row, SandboxActor, connect
from azr_env.executor.ray_spec import RaySpec
from azr_env.executor.result import ExecStatus, ExecutionResult, ValidationResult

logger = logging.getLogger("azr_env.executor")

__all__ = ["RayExecutor", "RaySpec"]

PIECES_PER_ACTOR = 4
"""A batch is cut into at most this many pieces per live actor, so a slow piece does not hold up the batch."""

MIN_PIECE_JOBS = 8
"""Smallest piece worth one Ray call (a call costs about a millisecond of driver and actor time)."""

DEPTH = 2
"""Pieces in flight per actor: one running, one queued behind it."""

CALL_SLACK_S = 30.0
"""Time allowed to a piece on top of its worst case (every job to its deadline): scheduling, transfer, respawns."""

NODE_CHECK_S = 1.0
"""At most one look per this many seconds at which nodes the cluster still holds alive (a GCS call)."""

CRASHED_TWICE = "the Ray actor running this job was lost twice (actor or node died, or the call hung)"


@dataclass(eq=False)
class _Member:
    """A live actor of the pool."""

    handle: Any
    node_id: str
    layers: dict[str, bool]
    in_flight: int = 0
    queued_jobs: int = 0


@dataclass(eq=False)
class _Starting:
    """An actor started but not yet ready: ``ready`` is the reference of its ``describe()`` call."""

    handle: Any
    ready: Any
    deadline: float


@dataclass(eq=False)
class _Piece:
    """Contiguous job indices sent as one call; ``attempt`` is 0 for the first run, 1 for the rerun.

    ``avoid`` is the node whose actor lost the piece: a rerun goes to another node when one has room, because the
    other actors of a node that died fail too, before Ray has noticed.
    """

    indices: list[int]
    attempt: int = 0
    avoid: str = ""


@dataclass(eq=False)
class _Flight:
    """A piece in flight on a member."""

    piece: _Piece
    member: _Member
    deadline: float


@dataclass(eq=False)
class _Pool:
    """The actors of one executor, kept apart from it so a finalizer can kill them after it is collected."""

    ray: Any
    owns_ray: bool
    members: list[_Member] = field(default_factory=list)
    starting: list[_Starting] = field(default_factory=list)
    closed: bool = False

    def kill(self, handle: Any) -> None:
        """Kill one actor for good (Ray errors ignored: it may be dead already)."""
        try:
            self.ray.kill(handle, no_restart=True)
        except Exception as exc:  # a dead actor or a lost cluster: nothing left to kill
            logger.debug("ray.kill failed: %s", exc)

    def shutdown(self) -> None:
        """Kill every actor and, if the pool connected this process to Ray, disconnect. Idempotent."""
        if self.closed:
            return
        self.closed = True
        for handle in [m.handle for m in self.members] + [s.handle for s in self.starting]:
            self.kill(handle)
        self.members, self.starting = [], []
        if self.owns_ray and self.ray.is_initialized():
            self.ray.shutdown()


class RayExecutor:
    """Runs model-written programs on a pool of Ray actors. Implements ``ExecutorBackend``; see the module docstring.

    Args:
        spec: the cluster address and pool size (default ``RaySpec()``).
        timeout_s: wall-clock limit of one job (enforced by each actor's local executor).
        memory_mb: address-space limit of each sandbox worker.
        actor_class: the actor implementation, ``SandboxActor`` or a subclass of it.

    Raises:
        MissingDependencyError: Ray is not installed (``pip install 'azr-env[ray]'``).
        ExecutorError: the cluster cannot be reached, is too small for the pool, an actor failed to start, or a
            node runs another azr-env version.
    """

    def __init__(
        self,
        spec: RaySpec | None = None,
        *,
        timeout_s: float = 2.0,
        memory_mb: int = 1024,
        actor_class: type[SandboxActor] = SandboxActor,
    ) -> None:
        self.spec = spec if spec is not None else RaySpec()
        self.timeout_s = float(timeout_s)
        self._lock = threading.Lock()
        self._nodes_checked = time.monotonic()
        ray, owns = connect(self.spec.address, self.spec.connect_timeout_s)
        self._pool = _Pool(ray, owns)
        self._finalizer = weakref.finalize(self, _Pool.shutdown, self._pool)
        self._actor = ray.remote(actor_class)
        self._args = (self.spec.workers_per_actor, self.timeout_s, int(memory_mb))
        try:
            self._start(self._pool_size())
        except BaseException:
            self.close()
            raise

    @property
    def actor_count(self) -> int:
        """How many actors are live in the pool now."""
        return len(self._pool.members)

    def node_ids(self) -> list[str]:
        """The Ray node ids that hold at least one live actor, sorted."""
        return sorted({member.node_id for member in self._pool.members})

    def run_many(self, jobs: Sequence[Job]) -> list[ExecutionResult]:
        """Run ``f(<input>)`` for every job on the pool; results keep the jobs' order."""
        rows = self._execute(jobs, "run_many")
        return [ExecutionResult(ExecStatus(status), output, error) for status, output, error in rows]

    def validate_many(
        self, jobs: Sequence[Job], deadline_share: float = VALIDATION_DEADLINE_SHARE
    ) -> list[ValidationResult]:
        """Validate every job; every determinism run of a job happens on the same actor's node."""
        rows = self._execute(jobs, "validate_many", deadline_share)
        return [ValidationResult(ExecStatus(status), output, error) for status, output, error in rows]

    def security_layers(self) -> Mapping[str, bool]:
        """The layers active on every node of the pool: a layer counts only if all live actors report it."""
        reports = [member.layers for member in self._pool.members]
        names = sorted({name for report in reports for name in report})
        return {name: all(report.get(name, False) for report in reports) for name in names}

    def close(self) -> None:
        """Kill every actor of the pool (and disconnect from Ray if this executor connected). Idempotent."""
        with self._lock:
            self._finalizer()

    def __enter__(self) -> RayExecutor:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __copy__(self) -> RayExecutor:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> RayExecutor:
        """A handle on live actors: copies (e.g. Gymnasium's spec re-creation) share it."""
        return self

    def _pool_size(self) -> int:
        cpus = float(self._pool.ray.cluster_resources().get("CPU", 0.0))
        wanted = self.spec.actors or max(1, int(cpus // self.spec.cpus_per_actor))
        if wanted * self.spec.cpus_per_actor > cpus:
            raise ExecutorError(
                f"{wanted} actors x {self.spec.cpus_per_actor:g} CPUs need {wanted * self.spec.cpus_per_actor:g} "
                f"CPUs, but the Ray cluster has {cpus:g}: lower RaySpec.actors or cpus_per_actor, or add nodes"
            )
        return wanted

    def _spawn(self, timeout_s: float) -> _Starting:
        handle = self._actor.options(
            num_cpus=self.spec.cpus_per_actor, scheduling_strategy="SPREAD", max_restarts=0
        ).remote(*self._args)
        return _Starting(handle, handle.describe.remote(), time.monotonic() + timeout_s)

    def _start(self, count: int) -> None:
        """Start ``count`` actors and wait until all are ready; raise ``ExecutorError`` if any is not."""
        ray, pool = self._pool.ray, self._pool
        pool.starting = [self._spawn(self.spec.start_timeout_s) for _ in range(count)]
        refs = [s.ready for s in pool.starting]
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=self.spec.start_timeout_s)
        if len(ready) < count:
            raise ExecutorError(
                f"only {len(ready)} of {count} Ray actors started within {self.spec.start_timeout_s:g} s: the "
                "cluster's free CPUs may be taken by other work (see `ray status`)"
            )
        for starting in list(pool.starting):
            self._admit(starting, strict=True)

    def _admit(self, starting: _Starting, *, strict: bool) -> None:
        """Add a ready actor to the pool; a broken one raises (``strict``) or is dropped with a warning."""
        import azr_env

        pool = self._pool
        pool.starting.remove(starting)
        try:
            info = pool.ray.get(starting.ready)
            if info["version"] != azr_env.__version__:
                raise ExecutorError(
                    f"a Ray node runs azr-env {info['version']}, this process {azr_env.__version__}: install the "
                    "same azr-env on every node"
                )
        except Exception as exc:
            pool.kill(starting.handle)
            if strict:
                raise ExecutorError(f"a Ray sandbox actor failed to start: {exc}") from None
            logger.warning("a replacement Ray sandbox actor failed to start (%s); the pool goes on with %d actors",
                           exc, len(pool.members))  # fmt: skip
            return
        pool.members.append(_Member(starting.handle, info["node_id"], dict(info["layers"])))

    def _execute(self, jobs: Sequence[Job], method: str, *args: Any) -> list[Row]:
        """Run ``method`` (with ``args`` after the jobs) over every job on the pool; one row per job, in order."""
        for index, (program, text) in enumerate(jobs):
            if not isinstance(program, str) or not isinstance(text, str):
                raise TypeError(f"job {index}: program and input must both be str")
        with self._lock:
            if self._pool.closed:
                raise ExecutorError("the Ray executor was used after close()")
            self._drop_dead_nodes()
            return _Batch(self, list(jobs), method, args).run()

    def _drop_dead_nodes(self) -> None:
        """Lose the actors whose node the cluster has marked dead (checked at most once per ``NODE_CHECK_S``)."""
        now = time.monotonic()
        if now - self._nodes_checked < NODE_CHECK_S:
            return
        self._nodes_checked = now
        try:
            alive = {node["NodeID"] for node in self._pool.ray.nodes() if node["Alive"]}
        except Exception as exc:  # the GCS is unreachable: each call's own fault handling still applies
            logger.debug("ray.nodes() failed: %s", exc)
            return
        for member in [m for m in self._pool.members if m.node_id not in alive]:
            self._lose(member)

    def _lose(self, member: _Member) -> None:
        """Kill a failed actor for good and start its replacement (which may never be placed: then the pool shrinks)."""
        if member not in self._pool.members:
            return
        self._pool.members.remove(member)
        self._pool.kill(member.handle)
        logger.warning("a Ray sandbox actor on node %s was lost; starting a replacement", member.node_id[:12])
        self._pool.starting.append(self._spawn(self.spec.replace_timeout_s))

    def _refresh(self, wait_s: float = 0.0) -> None:
        """Admit the replacements that became ready; give up those past their deadline (the pool shrinks)."""
        pool, now = self._pool, time.monotonic()
        if pool.starting:
            refs = [s.ready for s in pool.starting]
            ready, _ = pool.ray.wait(refs, num_returns=len(refs), timeout=wait_s)
            for starting in [s for s in pool.starting if s.ready in ready]:
                self._admit(starting, strict=False)
        for starting in [s for s in pool.starting if s.deadline < now]:
            pool.starting.remove(starting)
            pool.kill(starting.handle)
            logger.warning("a replacement Ray actor could not be placed in %.0f s; the pool shrinks to %d actors",
                           self.spec.replace_timeout_s, len(pool.members))  # fmt: skip
        if not pool.members and not pool.starting:
            raise ExecutorError(
                "every actor of the Ray executor pool was lost and none could be replaced: the cluster has no free "
                "CPUs left (see `ray status`)"
            )


class _Batch:
    """One ``run_many`` / ``validate_many`` call over the pool: pieces out, rows back, faults handled."""

    def __init__(self, executor: RayExecutor, jobs: list[Job], method: str, args: tuple[Any, ...]) -> None:
        self.executor = executor
        self.ray = executor._pool.ray
        self.jobs = jobs
        self.method, self.args = method, args
        self.rows: list[Row | None] = [None] * len(jobs)
        self.queue: deque[_Piece] = deque(_Piece(part) for part in _split(list(range(len(jobs))), self._parts()))
        self.flights: dict[Any, _Flight] = {}

    def _parts(self) -> int:
        actors = max(1, self.executor.actor_count)
        return max(1, min(actors * PIECES_PER_ACTOR, math.ceil(len(self.jobs) / MIN_PIECE_JOBS)))

    def run(self) -> list[Row]:
        """Drive the batch until every job has a row."""
        while self.queue or self.flights:
            self.executor._refresh()
            self._submit()
            if self.flights:
                self._collect()
            else:
                self.executor._refresh(wait_s=1.0)
        return [row for row in self.rows if row is not None]

    def _submit(self) -> None:
        """Send queued pieces to the least loaded actors with room (a rerun preferably off its lost node)."""
        workers = self.executor.spec.workers_per_actor
        per_job = self.executor.timeout_s + 0.5
        while self.queue:
            piece, members = self.queue[0], self.executor._pool.members
            candidates = [m for m in members if m.node_id != piece.avoid] or members
            free = [m for m in candidates if m.in_flight < DEPTH]
            if not free:
                return
            member = min(free, key=lambda m: m.queued_jobs)
            self.queue.popleft()
            ref = getattr(member.handle, self.method).remote([self.jobs[i] for i in piece.indices], *self.args)
            member.in_flight += 1
            member.queued_jobs += len(piece.indices)
            deadline = time.monotonic() + CALL_SLACK_S + member.queued_jobs / workers * per_job
            self.flights[ref] = _Flight(piece, member, deadline)

    def _collect(self) -> None:
        now = time.monotonic()
        wait_s = max(0.0, min(1.0, min(f.deadline for f in self.flights.values()) - now))
        ready, _ = self.ray.wait(list(self.flights), num_returns=1, timeout=wait_s)
        for ref in ready:
            flight = self._land(ref)
            try:
                rows = self.ray.get(ref)
            except Exception as exc:  # any Ray failure of a call means its actor is unusable
                logger.debug("a Ray sandbox call failed: %s", exc)
                self._fail(flight)
            else:
                for index, row in zip(flight.piece.indices, rows, strict=True):
                    self.rows[index] = (row[0], row[1], row[2])
        for ref in [r for r, f in self.flights.items() if f.deadline < time.monotonic()]:
            self._fail(self._land(ref))

    def _land(self, ref: Any) -> _Flight:
        flight = self.flights.pop(ref)
        flight.member.in_flight -= 1
        flight.member.queued_jobs -= len(flight.piece.indices)
        return flight

    def _fail(self, flight: _Flight) -> None:
        """The piece's actor is lost: rerun its jobs once in smaller pieces, or give them ``CRASHED`` rows."""
        self.executor._lose(flight.member)
        if flight.piece.attempt:
            for index in flight.piece.indices:
                self.rows[index] = (ExecStatus.CRASHED.value, None, CRASHED_TWICE)
            return
        parts = min(len(flight.piece.indices), 2 * max(1, self.executor.actor_count))
        for part in reversed(_split(flight.piece.indices, parts)):
            self.queue.appendleft(_Piece(part, attempt=1, avoid=flight.member.node_id))


def _split(indices: list[int], parts: int) -> list[list[int]]:
    """``indices`` cut into ``parts`` contiguous runs whose lengths differ by at most one."""
    size, extra = divmod(len(indices), parts)
    out, start = [], 0
    for part in range(parts):
        end = start + size + (part < extra)
        out.append(indices[start:end])
        start = end
    return [part for part in out if part]
