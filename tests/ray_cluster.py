"""A real two-node Ray cluster on this machine for the tests: ``ray start --head`` plus ``ray start --address``.

Each node runs in its own process group with its own temp dir and its own loopback address (127.0.0.2 for the head,
127.0.0.3 and up for the others), so every byte of cluster traffic stays on loopback. Ray's health checks are made
fast so a killed node is noticed in about a second. Teardown kills each node's process group (never a global
``ray stop``, which would stop other people's Ray on the machine).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT_S = 60
"""Bound on one ``ray start`` (it takes 5-10 s on the 2-core CI machine)."""

FAST_HEALTH_CHECKS = {
    "RAY_health_check_initial_delay_ms": "0",
    "RAY_health_check_period_ms": "200",
    "RAY_health_check_timeout_ms": "500",
    "RAY_health_check_failure_threshold": "3",
}


REPO = Path(__file__).resolve().parent.parent


def ray_env() -> dict[str, str]:
    """The environment of every ``ray`` process the tests start: no auth, no usage stats, fast health checks, and
    the repository on ``PYTHONPATH`` so actors can import test helpers (``tests.executor.ray_faults``)."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    extra = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0", "PYTHONPATH": path}
    return {**os.environ, **extra, **FAST_HEALTH_CHECKS}


@dataclass
class Node:
    """One ``ray start`` node: its loopback address, temp dir and process group."""

    ip: str
    temp_dir: Path
    pgid: int

    def kill(self) -> None:
        """SIGKILL every process of the node (raylet, agents, its workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pgid, signal.SIGKILL)


@dataclass
class Cluster:
    """The nodes of a test cluster and the address of its head."""

    address: str = ""
    nodes: list[Node] = field(default_factory=list)

    def start_node(self, cpus: int, resources: str = "{}") -> Node:
        """Start one node (the head first) with ``cpus`` logical CPUs; return it once ``ray start`` returned."""
        ip = f"127.0.0.{2 + len(self.nodes)}"
        temp_dir = Path(tempfile.mkdtemp(prefix=f"azr-ray-{ip.rsplit('.', 1)[1]}-"))
        ray = str(Path(sys.executable).with_name("ray"))
        args = [ray, "start", f"--node-ip-address={ip}", f"--num-cpus={cpus}", f"--temp-dir={temp_dir}",
                f"--resources={resources}", "--disable-usage-stats"]  # fmt: skip
        if self.address:
            args.append(f"--address={self.address}")
        else:
            args += ["--head", "--port=0", "--include-dashboard=false", f"--ray-client-server-port={free_port(ip)}"]
        proc = subprocess.Popen(args, env=ray_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)  # fmt: skip
        node = Node(ip, temp_dir, proc.pid)
        self.nodes.append(node)
        out, _ = proc.communicate(timeout=START_TIMEOUT_S)
        if proc.returncode != 0:
            raise RuntimeError(f"ray start failed:\n{out[-3000:]}")
        if not self.address:
            found = re.search(r"--address='([\d.]+:\d+)'", out)
            if found is None:
                raise RuntimeError(f"ray start --head printed no address:\n{out[-3000:]}")
            self.address = found.group(1)
        return node

    def stop(self) -> None:
        """Kill every node, newest first, and remove their temp dirs."""
        for node in reversed(self.nodes):
            node.kill()
        for node in self.nodes:
            shutil.rmtree(node.temp_dir, ignore_errors=True)
        self.nodes = []


@contextlib.contextmanager
def two_node_cluster(cpus_per_node: int = 2) -> Iterator[Cluster]:
    """A head and a second node, the driver (this process) connected to the head; everything stopped afterwards."""
    import ray

    cluster = Cluster()
    try:
        cluster.start_node(cpus_per_node)
        cluster.start_node(cpus_per_node)
        os.environ.update({k: v for k, v in ray_env().items() if k.startswith("RAY_")})
        ray.init(address=cluster.address, _node_ip_address=cluster.nodes[0].ip, logging_level="WARNING",
                 configure_logging=False)  # fmt: skip
        wait_for(lambda: sum(n["Alive"] for n in ray.nodes()) == 2, "both nodes to join")
        yield cluster
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.stop()


def free_port(ip: str) -> int:
    """A TCP port free on ``ip`` right now (Ray's client server has a fixed default port that may be taken)."""
    with socket.socket() as sock:
        sock.bind((ip, 0))
        return int(sock.getsockname()[1])


def wait_for(condition: object, what: str, timeout_s: float = 30.0) -> None:
    """Poll ``condition()`` until it is true; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(0.1)
