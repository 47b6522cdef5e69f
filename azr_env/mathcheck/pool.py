"""The env side of the math checker: one locked-down worker process, a wall-clock deadline, kill and replace.

math-verify parses text with sympy and the LaTeX grammar, and ``sympy.parse_expr`` evaluates what it parses, so it
never runs in the env's process (nor in a thread of it). ``MathChecker.check_many`` sends each ``(gold, answer)``
pair to a worker (``azr_env.mathcheck.worker``: a fresh interpreter, started with ``subprocess``, never forked from
the env, that locks itself down with the executor's kernel layers once math-verify is warm) and waits at most
``timeout_s`` for the reply. A worker that overruns, dies or sends anything malformed is SIGKILLed, its pair is
answered ``TIMEOUT`` or ``CRASHED`` (not correct), and a fresh worker starts for the next pair. Nothing here raises
on model text; only a worker that cannot start at all raises ``ExecutorError``.

Like the executor, the env reads only length-capped JSON frames (``azr_env.executor.transport``) from the worker.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from azr_env.errors import ExecutorError, MissingDependencyError
from azr_env.executor import transport
from azr_env.optional import IncompatibleDependencyError, Requirement, installed_version

MATH_VERIFY = Requirement(
    "math_verify", extra="math", purpose="the math task type's answer checker", at_least="0.9", below="0.10",
    package="math-verify",
)  # fmt: skip

DEFAULT_TIMEOUT_S = 5.0
"""Wall-clock deadline of one comparison (a numeral takes milliseconds; the first of a new form up to ~0.5 s)."""

START_TIMEOUT_S = 60.0
"""How long a new worker may take to import math-verify, warm up and lock down."""

MAX_REPLY_BYTES = 4096
"""Largest reply frame the env accepts from a worker."""

_BOOT = """
import json, sys, types
package_dir, *paths = json.loads(sys.argv[1])
sys.path[:0] = paths
for name in ("azr_env", "azr_env.executor", "azr_env.mathcheck"):
    module = types.ModuleType(name)
    module.__path__ = [package_dir + name[len("azr_env"):].replace(".", "/")]
    sys.modules[name] = module
from azr_env.mathcheck.worker import main
main(sys.argv[2:])
"""
"""Imports the worker without ``azr_env/__init__`` (which would load gymnasium and the registry)."""


TIMED_OUT = object()
"""What ``_Worker.receive`` returns when the deadline passed with no complete frame."""


class CheckStatus(StrEnum):
    """How one comparison ended."""

    OK = "ok"  # the worker answered (correct or not)
    TIMEOUT = "timeout"  # past the deadline: the worker was killed and replaced
    CRASHED = "crashed"  # the worker died or sent a malformed reply: killed and replaced


@dataclass(frozen=True, slots=True)
class Check:
    """The result of comparing one answer with its gold answer.

    Attributes:
        correct: math-verify says they are equal (always ``False`` unless ``status`` is ``OK``).
        status: how the comparison ended.
        detail: why it is not correct (``""`` when it is).
    """

    correct: bool
    status: CheckStatus = CheckStatus.OK
    detail: str = ""


def require_math_verify() -> None:
    """Check that math-verify is installed in a supported version, without importing it into the env.

    Raises:
        MissingDependencyError: it is not installed (``pip install 'azr-env[math]'``).
        IncompatibleDependencyError: its version is outside the supported range.
    """
    if importlib.util.find_spec(MATH_VERIFY.module) is None:
        raise MissingDependencyError(MATH_VERIFY.distribution, MATH_VERIFY.extra, MATH_VERIFY.purpose)
    version = installed_version(MATH_VERIFY)
    if not MATH_VERIFY.accepts(version):
        raise IncompatibleDependencyError(MATH_VERIFY.distribution, version, MATH_VERIFY.supported, MATH_VERIFY.extra)


def _worker_argv(fd: int) -> list[str]:
    package_dir = str(Path(__file__).resolve().parent.parent)
    paths = [entry for entry in sys.path if entry and Path(entry).is_dir()]
    return [sys.executable, "-s", "-c", _BOOT, json.dumps([package_dir, *paths]), str(fd)]


class _Worker:
    """One running worker process and the env's end of its socket."""

    def __init__(self) -> None:
        self.sock, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.process = subprocess.Popen(
            _worker_argv(child_end.fileno()),
            env={"PYTHONHASHSEED": "0"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(child_end.fileno(),),
            start_new_session=True,
        )
        child_end.close()
        self.reader = transport.FrameReader(MAX_REPLY_BYTES)
        ready = self.receive(START_TIMEOUT_S)
        if not isinstance(ready, dict) or ready.get("ready") is not True:
            self.kill()
            raise ExecutorError(f"the math-check worker did not start within {START_TIMEOUT_S} s")
        self.layers = {str(k): v is True for k, v in dict(ready.get("layers", {})).items()}

    def receive(self, timeout_s: float) -> Any:
        """The next frame from the worker; ``TIMED_OUT`` past ``timeout_s``; ``None`` at end of file or a bad frame."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not transport.wait_readable([self.sock.fileno()], remaining):
                return TIMED_OUT
            try:
                data = self.sock.recv(65536)
                messages = self.reader.feed(data) if data else None
            except (OSError, transport.FrameError):
                return None
            if messages is None:
                return None
            if messages:
                return messages[0]

    def send(self, message: Mapping[str, str], timeout_s: float) -> bool:
        """Send one request; ``False`` when the worker does not take it in time or is gone."""
        self.sock.settimeout(timeout_s)
        try:
            self.sock.sendall(transport.pack(message))
        except OSError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL the worker, reap it and close the socket."""
        self.process.kill()
        self.process.wait()
        self.sock.close()


def _check(reply: Any) -> Check | None:
    """The check a well-formed reply holds, or ``None``."""
    if not isinstance(reply, dict) or not isinstance(reply.get("correct"), bool):
        return None
    return Check(reply["correct"], CheckStatus.OK, str(reply.get("detail", ""))[:200])


class MathChecker:
    """Compares answers with gold answers under math-verify, in a locked-down worker with a deadline.

    Thread safe (calls are serialized). The worker starts on the first comparison; ``close`` stops it.
    """

    def __init__(self, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        """Create a checker whose comparisons each get ``timeout_s`` seconds of wall-clock time.

        Raises:
            MissingDependencyError: math-verify is not installed.
        """
        require_math_verify()
        self.timeout_s = timeout_s
        self.replaced = 0
        """Workers killed and replaced so far (after a timeout, a crash or a malformed reply)."""
        self._worker: _Worker | None = None
        self._lock = threading.Lock()

    def check_many(self, pairs: Sequence[tuple[str, str]]) -> list[Check]:
        """Compare each ``(gold, answer)`` pair; one check per pair, in order.

        Raises:
            ExecutorError: a worker cannot be started at all.
        """
        with self._lock:
            return [self._one(gold, answer) for gold, answer in pairs]

    def security_layers(self) -> dict[str, bool]:
        """Which kernel layers the worker runs under (starts it if needed)."""
        with self._lock:
            return dict(self._started().layers)

    def _started(self) -> _Worker:
        if self._worker is None:
            self._worker = _Worker()
        return self._worker

    def _one(self, gold: str, answer: str) -> Check:
        worker = self._started()
        sent = worker.send({"gold": gold, "answer": answer}, self.timeout_s)
        reply = worker.receive(self.timeout_s) if sent else None
        check = _check(reply)
        if check is not None:
            return check
        self._replace()
        if reply is TIMED_OUT:
            return Check(False, CheckStatus.TIMEOUT, f"math-verify took more than {self.timeout_s} s")
        return Check(False, CheckStatus.CRASHED, "the math-check worker died or sent a malformed reply")

    def _replace(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None
            self.replaced += 1

    def close(self) -> None:
        """Stop the worker. Idempotent."""
        with self._lock:
            if self._worker is not None:
                self._worker.kill()
                self._worker = None


_shared: dict[int, MathChecker] = {}


def shared_checker() -> MathChecker:
    """The process's shared checker (one per process: a forked child gets its own), closed at exit."""
    pid = os.getpid()
    if pid not in _shared:
        _shared.clear()  # a checker inherited from a parent process is never used: its worker is the parent's
        _shared[pid] = checker = MathChecker()
        atexit.register(checker.close)
    return _shared[pid]
