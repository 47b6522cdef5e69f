"""Env-side handles of the sandbox processes: starting zygotes, asking them for workers, killing workers.

The env process never forks: zygotes are started with ``subprocess.Popen`` (fork+exec of a fresh interpreter
whose environment is ``zygote_environment``: its hash seed, and in odd groups its allocator), and workers are forked
by the zygotes. Each worker arrives as a socket plus a pidfd, so killing it can never hit a recycled pid.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azr_env.errors import ExecutorError
from azr_env.executor import transport

START_TIMEOUT_S = 30.0
"""How long a zygote or a worker may take to report ready before the executor gives up on it."""

_BOOT = """
import json, sys, types
package_dir, *paths = json.loads(sys.argv[1])
sys.path[:0] = paths
for name, sub in (("azr_env", ""), ("azr_env.executor", "/executor")):
    module = types.ModuleType(name)
    module.__path__ = [package_dir + sub]
    sys.modules[name] = module
from azr_env.executor.zygote import main
main(sys.argv[2:])
"""


def _search_paths() -> list[str]:
    """Where the zygote finds this package and RestrictedPython (it gets no PYTHONPATH and no site tweaks)."""
    package_dir = str(Path(__file__).resolve().parent.parent)
    spec = importlib.util.find_spec("RestrictedPython")
    if spec is None or not spec.submodule_search_locations:
        raise ExecutorError("RestrictedPython is not installed; pip install 'RestrictedPython>=8.4'")
    rp_parent = str(Path(next(iter(spec.submodule_search_locations))).parent)
    return [package_dir, rp_parent]


@dataclass(eq=False)
class WorkerHandle:
    """One live worker as the env sees it."""

    group: int
    pid: int
    sock: socket.socket
    pidfd: int
    layers: dict[str, bool]
    reader: transport.FrameReader = field(default_factory=lambda: transport.FrameReader(transport.MAX_REPLY_BYTES))
    inflight: list[int] = field(default_factory=list)  # task ids sent (or queued to send), not yet answered, in order
    started: float = 0.0  # when the task at inflight[0] started (or its chunk was queued)
    outbox: bytearray = field(default_factory=bytearray)  # bytes of the last chunk the socket has not taken yet
    unsent: int = 0  # how many of the last tasks of inflight are in the outbox

    def kill(self) -> None:
        """SIGKILL the worker and close its descriptors (its zygote reaps it)."""
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        """Close the env's descriptors of this worker (the worker exits on end of file)."""
        if self.pidfd >= 0:
            self.sock.close()
            os.close(self.pidfd)
            self.pidfd = -1


def zygote_environment(group: int, hash_seed: int) -> dict[str, str]:
    """The whole environment of group ``group``'s zygote: ``PYTHONHASHSEED``, and ``PYTHONMALLOC=malloc`` in odd groups.

    Under one allocator, the low bits of an address (its place in a pymalloc pool) follow from the allocation
    history, which every zygote shares: one hex digit of an object's ``repr`` or the order of a set of functions came
    out the same in every validation run, so a task whose gold is an address passed every validation. The
    C allocator lays objects out differently, so such an output differs between group 0 and an odd group.
    """
    environment = {"PYTHONHASHSEED": str(hash_seed)}
    if group % 2:
        environment["PYTHONMALLOC"] = "malloc"
    return environment


class ZygoteHandle:
    """A running zygote interpreter with one fixed hash seed."""

    def __init__(self, group: int, hash_seed: int, config: dict[str, Any]) -> None:
        self.group = group
        self.hash_seed = hash_seed
        self.config = config
        self.control, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        argv = [sys.executable, "-s", "-c", _BOOT, json.dumps(_search_paths()), str(child_end.fileno())]
        argv.append(json.dumps({**config, "group": group}))
        self.process = subprocess.Popen(
            argv,
            env=zygote_environment(group, hash_seed),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            pass_fds=(child_end.fileno(),),
            start_new_session=True,
        )
        child_end.close()

    def wait_ready(self) -> None:
        """Block until the zygote has warmed up and reported ready."""
        if not transport.wait_readable([self.control.fileno()], START_TIMEOUT_S):
            raise ExecutorError(f"sandbox zygote {self.group} did not start within {START_TIMEOUT_S} s")
        try:
            transport.read_frame(self.control.fileno(), 1024)
        except (transport.FrameError, OSError) as exc:
            raise ExecutorError(f"sandbox zygote {self.group} failed to start: {exc}") from None

    def alive(self) -> bool:
        """Whether the zygote process is still running."""
        return self.process.poll() is None

    def spawn(self) -> WorkerHandle:
        """Fork one locked-down worker and wait for its ready frame."""
        try:
            self.control.sendall(transport.pack({"op": "spawn"}))
            data, fds, _, _ = socket.recv_fds(self.control, transport.PID.size, 2)
        except OSError as exc:
            raise ExecutorError(f"sandbox zygote {self.group} is gone: {exc}") from None
        if len(data) != transport.PID.size or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise ExecutorError(f"sandbox zygote {self.group} could not fork a worker")
        (pid,) = transport.PID.unpack(data)
        sock = socket.socket(fileno=fds[0])
        handle = WorkerHandle(self.group, pid, sock, fds[1], {})
        os.set_inheritable(fds[1], False)
        ready = _read_one(handle, START_TIMEOUT_S)
        if not isinstance(ready, dict) or ready.get("ready") is not True:
            handle.kill()
            raise ExecutorError(f"sandbox worker {pid} died while locking itself down")
        handle.layers = {str(k): v is True for k, v in dict(ready.get("layers", {})).items()}
        sock.setblocking(False)  # the dispatcher never blocks on a worker (dispatch.Batch)
        return handle

    def close(self) -> None:
        """Close the control socket (the zygote kills and reaps its workers) and reap the zygote."""
        self.control.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _read_one(handle: WorkerHandle, timeout_s: float) -> Any:
    """Read the first frame of a new worker (blocking, bounded by ``timeout_s``); ``None`` if it died."""
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not transport.wait_readable([handle.sock.fileno()], remaining):
            return None
        data = handle.sock.recv(65536)
        if not data:
            return None
        try:
            messages = handle.reader.feed(data)
        except transport.FrameError:
            return None
        if messages:
            return messages[0]
