"""The Ray side of ``RayExecutor``: one actor per slot, each owning a local sandboxed ``Executor`` on its node.

This module never imports Ray at import time: the actor is a plain class that ``RayExecutor`` turns into a Ray
actor with ``ray.remote``, and ``connect`` imports Ray only when a pool starts.

Trust boundary: model code runs only in the locked-down sandbox workers each actor's ``Executor`` forks on its own
node (every layer of ``azr_env.executor.pool``), never in the actor or the driver. The actor and the driver are
trusted cluster code; results cross between them as plain tuples of strings.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from azr_env.errors import ExecutorError
from azr_env.executor.backend import Job
from azr_env.optional import Requirement, require

RAY = Requirement("ray", extra="ray", purpose="the Ray executor backend", at_least="2.40")
"""The Ray releases ``RayExecutor`` is written against (actors, ``ray.wait``, SPREAD scheduling)."""

Row = tuple[str, str | None, str]
"""One result as it crosses the cluster: ``(status value, canonical output or None, error)``."""


class SandboxActor:
    """Runs batches of jobs in a local sandboxed ``Executor`` (subclass it to instrument a pool, e.g. in tests).

    Args:
        workers: workers per hash-seed zygote of the local executor.
        timeout_s: wall-clock limit of one job.
        memory_mb: address-space limit of each sandbox worker.
    """

    def __init__(self, workers: int, timeout_s: float, memory_mb: int) -> None:
        from azr_env.executor.pool import Executor

        self._executor = Executor(workers=workers, timeout_s=timeout_s, memory_mb=memory_mb)

    def describe(self) -> dict[str, Any]:
        """The actor's node, the azr-env version it runs and the sandbox layers active on its node."""
        import ray

        import azr_env

        return {
            "node_id": ray.get_runtime_context().get_node_id(),
            "version": azr_env.__version__,
            "layers": dict(self._executor.security_layers()),
        }

    def run_many(self, jobs: Sequence[Job]) -> list[Row]:
        """``Executor.run_many`` on this node, results as plain rows."""
        return [(r.status.value, r.output, r.error) for r in self._executor.run_many(jobs)]

    def validate_many(self, jobs: Sequence[Job], deadline_share: float) -> list[Row]:
        """``Executor.validate_many`` on this node (every determinism run here), results as plain rows."""
        return [(r.outcome.value, r.output, r.error) for r in self._executor.validate_many(jobs, deadline_share)]


def connect(address: str | None, timeout_s: float) -> tuple[Any, bool]:
    """Import Ray and connect this process to a cluster; return ``(ray, whether this call started the connection)``.

    An already initialized Ray (``ray.init`` called by the user or their trainer) is reused as it is. Otherwise
    ``address`` is ``None`` (start a private single-node Ray here), ``"auto"`` (the cluster started on this machine
    with ``ray start``) or ``"host:port"`` / ``"ray://host:port"`` (a remote cluster). A remote address is probed
    with a plain TCP connect first, bounded by ``timeout_s``, so an unreachable cluster fails fast instead of hanging.

    Raises:
        MissingDependencyError: Ray is not installed.
        IncompatibleDependencyError: the installed Ray is older than 2.40.
        ExecutorError: no cluster answers at ``address``.
    """
    ray = require(RAY)
    if ray.is_initialized():
        return ray, False
    if address not in (None, "auto"):
        probe(address, timeout_s)
    try:
        ray.init(address=address, include_dashboard=False, logging_level="WARNING", configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ExecutorError(f"cannot connect to a Ray cluster at {address!r}: {exc}; {_START_HINT}") from None
    return ray, True


_START_HINT = (
    "start one with `ray start --head --port 6379` (then address='HEAD_IP:6379' or 'auto' on that machine), "
    "or leave address=None to start a private Ray on this machine"
)


def probe(address: str, timeout_s: float) -> None:
    """Raise ``ExecutorError`` unless something accepts a TCP connection at ``address`` within ``timeout_s``."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ExecutorError(f"Ray address {address!r} is not 'host:port', 'ray://host:port', 'auto' or None")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
            pass
    except OSError as exc:
        raise ExecutorError(f"no Ray cluster answers at {address} ({exc}); {_START_HINT}") from None
