"""The zygote: a lean, warm Python process that forks sandbox workers on request (runs in its own interpreter).

The env starts its zygotes (``azr_env.executor.spawn``; three by default) as fresh interpreters whose environment
holds nothing but a fixed ``PYTHONHASHSEED``, one seed each, so the runs of ``validate`` see different string-hash
orders. A
zygote imports RestrictedPython, the allowed modules and every codec, warms the compiler, installs the audit-hook
tripwire, builds the seccomp filter and freezes its heap, then serves its control socket:

- it reads a frame ``{"op": "spawn"}``; it forks a worker with a fresh socket pair; it answers the 8-byte worker
  pid with two descriptors attached (``SCM_RIGHTS``): the env's end of the worker socket and a pidfd of the worker;
- when the control socket closes (the env closed the pool or died) it SIGKILLs and reaps every worker and exits.

The worker locks itself down (``azr_env.executor.lockdown``) and serves tasks (``azr_env.executor.worker``).
Fork costs ~1-3 ms here because the zygote is small, against 20-70 ms from a GB-sized trainer, which never forks.
"""

from __future__ import annotations

import codecs
import contextlib
import encodings
import encodings.aliases
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys
import types
import warnings
from typing import Any

from azr_env.executor import isolation, lockdown, modules, transport, tripwire, worker

_LAZY_IMPORTS = ("unicodedata",)  # the parser normalizes non-ASCII identifiers with it
"""Modules the interpreter imports on first use: imported here, because a worker cannot open files."""

_NOT_CODECS = frozenset({"aliases", "mbcs", "oem", "cp65001"})  # the alias table; Windows-only codecs


def _preload_codecs() -> None:
    """Import every codec CPython ships and look each up under its names, as a worker cannot import one later.

    Without this, ``b.decode('shift_jis')`` raises ``LookupError`` in the sandbox where CPython decodes, and a
    program that catches it returns a different value than CPython (a silently wrong label). The lookups fill the
    codec caches under the usual spellings (``shift_jis``, ``shift-jis``, ``SHIFT_JIS``...).
    """
    folder = os.path.dirname(encodings.__file__)
    modules = {name[:-3] for name in os.listdir(folder) if name.endswith(".py") and not name.startswith("_")}
    names = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    for module in sorted(modules - _NOT_CODECS):
        with contextlib.suppress(ImportError):
            importlib.import_module(f"encodings.{module}")
            names.add(module)
    for name in sorted(names):
        for spelling in {name, name.replace("_", "-"), name.replace("_", " ")}:
            for variant in (spelling, spelling.upper()):
                with contextlib.suppress(LookupError):
                    codecs.lookup(variant)


_WARM_UP = """
import collections, dataclasses, decimal, fractions, functools, heapq, itertools, math, re, statistics, typing

@dataclasses.dataclass(order=True)
class Ä:
    v: typing.Any
    w: list = dataclasses.field(default_factory=list)

P = collections.namedtuple('P', 'a b')

def g(n):
    try:
        yield from range(n)
    finally:
        pass

def f(x):
    print(repr([x, {1: (2,)}, {3}]), f'{x!r:>3}', '{0}'.format(x))
    try:
        {}[0]
    except KeyError as e:
        str(e)
    r = re.compile(r'(a+)b').sub(lambda m: m.group(1), 'aab')
    c = collections.Counter('abca').most_common(1)
    q = [decimal.Decimal(1) / 7, fractions.Fraction(1, 3), statistics.mean([1, 2])]
    s = sorted([Ä(2), Ä(1)]) + [P(1, 2)] + list(g(2)) + heapq.nsmallest(1, [2, 1])
    return [Ä(x).v, r, c, str(q), len(s), isinstance(x, typing.Sequence), functools.reduce(max, [1, 2])]
"""
"""Exercises what programs commonly use, so that the interpreter state built lazily on first use (the repr guard
list, thread-state dictionaries, type caches) exists before the heap is frozen: built during a run in a worker,
it would count as something the run left behind."""


def _warm_up() -> None:
    for name in _LAZY_IMPORTS:
        importlib.import_module(name)
    _preload_codecs()
    outcome = worker.run_task(_WARM_UP, "[1, 'a', (2.0, None), {3}]")
    if outcome[0].value != "ok":
        raise RuntimeError(f"the sandbox warm-up program failed: {outcome}")
    isolation.settle_library_state()


class Zygote:
    """The zygote's state: its control socket, its configuration and the pidfds of its live workers."""

    def __init__(self, control: socket.socket, config: dict[str, Any]) -> None:
        self.control = control
        self.config = config
        self.bpf = lockdown.build_seccomp_filter()
        self.workers: dict[int, int] = {}  # pidfd -> pid

    def serve(self) -> None:
        """Fork workers on request until the control socket closes, then kill and reap them all."""
        transport.write_frame(self.control.fileno(), {"ready": True, "pid": os.getpid()})
        while True:
            control = self.control.fileno()
            readable, _, _ = select.select([control, *self.workers], [], [])
            for fd in readable:
                if fd != control:
                    self._reap(fd)
                elif not self._handle_request():
                    self._shutdown()
                    return

    def _handle_request(self) -> bool:
        try:
            transport.read_frame(self.control.fileno(), 1024)
        except (transport.FrameError, OSError):
            return False
        env_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = os.fork()
        except OSError:
            env_end.close()
            worker_end.close()
            self.control.sendall(transport.PID.pack(0))
            return True
        if pid == 0:
            self._become_worker(env_end, worker_end)
        worker_end.close()
        pidfd = os.pidfd_open(pid)
        self.workers[pidfd] = pid
        socket.send_fds(self.control, [transport.PID.pack(pid)], [env_end.fileno(), pidfd])
        env_end.close()
        return True

    def _become_worker(self, env_end: socket.socket, worker_end: socket.socket) -> None:
        try:
            env_end.close()
            self.control.close()
            for pidfd in self.workers:
                os.close(pidfd)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            zygote_pid = os.getppid()
            fd = os.dup(worker_end.fileno())
            worker_end.close()
            layers = lockdown.lock_down(fd, zygote_pid, self.config["memory_mb"], self.config["cpu_s"], self.bpf)
            variant = worker.Variant(int(self.config["group"]))
            worker.serve(lockdown.SOCKET_FD, layers, self.config["recycle_after"], variant)
        finally:
            os._exit(1)

    def _reap(self, pidfd: int) -> None:
        pid = self.workers.pop(pidfd)
        os.close(pidfd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    def _shutdown(self) -> None:
        for pidfd in list(self.workers):
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(pidfd, signal.SIGKILL)
            self._reap(pidfd)


def main(argv: list[str]) -> None:
    """Entry point inside the zygote interpreter: ``argv`` is ``[control_fd, config_json]``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the env; it closes the pool
    warnings.simplefilter("ignore")
    sys.modules.setdefault("__sandbox__", types.ModuleType("__sandbox__"))  # dataclasses look classes' module up
    sys.setrecursionlimit(3000)
    control = socket.socket(fileno=int(argv[0]))
    config = json.loads(argv[1])
    _warm_up()  # with every module offered: the warm-up program imports several
    modules.restrict(config["allowed_modules"])
    tripwire.install()  # inherited by every worker; armed only while a program runs
    gc.collect()
    gc.freeze()  # the warm heap stays shared copy-on-write with every worker
    Zygote(control, config).serve()
    os._exit(0)
