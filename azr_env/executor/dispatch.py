"""One batch through the pool: chunks out to idle workers, results back in order, deadlines enforced.

Every task belongs to a group (the zygote, hence hash seed, whose workers may run it). The loop sends each idle
worker a chunk of its group's queue, then polls the busy workers' sockets. A worker streams one result per task,
so the env always knows which task a worker is on and when it started; past ``timeout_s`` the worker is SIGKILLed
(``TIMEOUT``), a worker that dies unasked loses only its current task (``CRASHED``), and in both cases, as when a
worker retires itself (``bye``, with its reason, counted in ``retired``), the unanswered rest of its chunk goes back
to the front of the queue and a fresh worker is forked from the zygote. Everything a worker sends is checked; a
malformed reply counts as a crash.

The env never blocks on a worker: sockets are non-blocking, a chunk that does not fit in the socket buffer waits
in the worker's outbox and is written as the worker reads, and the deadline of the chunk's first task runs from
the moment the chunk was queued; so a worker that stops reading is killed like one that stops answering.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence

from azr_env.errors import ExecutorError
from azr_env.executor import transport
from azr_env.executor.limits import MAX_OUTPUT_CHARS
from azr_env.executor.result import ExecStatus, ExecutionResult
from azr_env.executor.spawn import WorkerHandle

MAX_CHUNK = 16
"""Most tasks sent to a worker in one frame."""

PIPELINE_BYTES = 32 << 10
"""A frame is sent to a worker that is still busy only if it is this small (it then sits in the socket buffer)."""

_STATUS = {status.value: status for status in ExecStatus if status is not ExecStatus.NONDETERMINISTIC}
MAX_RETRIES = 3
"""How often a task may be handed back unrun (``RETRY``) before it counts as crashed."""

_ERROR_CHARS = 1000
_REASON_CHARS = 100


class Batch:
    """The state of one ``run_many`` call: queues per group, results by task id."""

    def __init__(
        self,
        tasks: Sequence[tuple[str, str]],
        groups: Sequence[int],
        workers: list[WorkerHandle],
        respawn: Callable[[WorkerHandle], WorkerHandle],
        timeout_s: float,
    ) -> None:
        self.tasks = tasks
        self.workers = workers
        self.respawn = respawn
        self.timeout_s = timeout_s
        self.results: list[ExecutionResult | None] = [None] * len(tasks)
        self.queues: dict[int, deque[int]] = {group: deque() for group in {w.group for w in workers}}
        for task_id, group in enumerate(groups):
            self.queues[group].append(task_id)
        self.left = len(tasks)
        self.retries: Counter[int] = Counter()
        self.retired: Counter[str] = Counter()
        """Why workers retired themselves during this batch, and how often."""

    def run(self) -> list[ExecutionResult]:
        """Drive the batch to completion and return one result per task, in task order."""
        try:
            while self.left:
                self._dispatch()
                self._wait()
        except BaseException:  # e.g. Ctrl-C: no worker may carry this batch's tasks into the next one
            self._abandon()
            raise
        return [result for result in self.results if result is not None]

    def _abandon(self) -> None:
        """Replace every worker still busy with this batch (its late answers would be misread later)."""
        for index, worker in enumerate(self.workers):
            if worker.inflight:
                worker.kill()
                worker.inflight = []
                with contextlib.suppress(ExecutorError):  # a dead handle is replaced on its next use instead
                    self.workers[index] = self.respawn(worker)

    def _dispatch(self) -> None:
        """Top every worker up to about two chunks: the next chunk waits in its socket, so it never idles."""
        for worker in self.workers:
            queue = self.queues[worker.group]
            if len(worker.inflight) >= MAX_CHUNK or not queue or worker.outbox:
                continue
            size = max(1, min(MAX_CHUNK, -(-len(queue) // (2 * self._count(worker.group)))))
            chunk = [queue.popleft() for _ in range(min(size, len(queue)))]
            frame = transport.pack({"tasks": [[task_id, *self.tasks[task_id]] for task_id in chunk]})
            busy = bool(worker.inflight)
            if busy and len(frame) > PIPELINE_BYTES:  # could fill the socket buffer: wait until it is idle
                queue.extendleft(reversed(chunk))
                continue
            if not busy:
                worker.started = time.monotonic()
            worker.inflight.extend(chunk)
            worker.outbox += frame
            worker.unsent = len(chunk)
            self._flush(worker)

    def _flush(self, worker: WorkerHandle) -> None:
        """Write as much of the worker's outbox as its socket takes now, without blocking."""
        try:
            sent = worker.sock.send(worker.outbox)
        except BlockingIOError:
            return
        except OSError:
            # Dead. If it was busy with an earlier chunk, its answers (maybe a "bye") and then end of file are still
            # to be read, and _receive settles its tasks; if not, no task is to blame and all go back to the queue.
            worker.outbox.clear()
            if worker.unsent == len(worker.inflight):
                self._replace(worker, None, "")
            return
        del worker.outbox[:sent]
        if not worker.outbox:
            worker.unsent = 0

    def _count(self, group: int) -> int:
        return sum(1 for w in self.workers if w.group == group)

    def _wait(self) -> None:
        busy = [w for w in self.workers if w.inflight]
        if not busy:  # every send failed on a dead worker; its replacement gets the chunk on the next dispatch
            return
        now = time.monotonic()
        wait_s = max(0.0, min(w.started for w in busy) + self.timeout_s - now)
        sending = [w.sock.fileno() for w in busy if w.outbox]
        ready, writable = transport.wait([w.sock.fileno() for w in busy], sending, wait_s)
        for worker in [w for w in busy if w.outbox and w.sock.fileno() in writable]:
            self._flush(worker)
        for worker in [w for w in busy if w.sock.fileno() in ready and w.pidfd >= 0]:
            self._receive(worker)
        now = time.monotonic()
        for worker in [w for w in busy if w.inflight and w.pidfd >= 0 and now >= w.started + self.timeout_s]:
            if not transport.wait_readable([worker.sock.fileno()], 0) or not self._receive(worker):
                self._replace(worker, ExecStatus.TIMEOUT, f"over the {self.timeout_s:g} s wall-clock deadline")

    def _receive(self, worker: WorkerHandle) -> bool:
        """Read what a readable worker sent; return False if it was replaced."""
        try:
            data = worker.sock.recv(1 << 16)
            messages = worker.reader.feed(data) if data else None
        except BlockingIOError:  # a spurious wake-up: nothing to read yet
            return True
        except (OSError, transport.FrameError):
            messages = None
        if messages is None:
            self._replace(worker, ExecStatus.CRASHED, "the worker died without answering")
            return False
        return all(self._accept(worker, message) for message in messages)

    def _accept(self, worker: WorkerHandle, message: object) -> bool:
        if _is_retry(message, worker.inflight[0] if worker.inflight else None):
            return self._retry(worker, str(message[4]))  # type: ignore[index]
        result, bye = _parse(message, worker.inflight[0] if worker.inflight else None)
        if result is None:
            self._replace(worker, ExecStatus.CRASHED, "the worker sent a malformed answer")
            return False
        self._store(worker.inflight.pop(0), result)
        worker.started = time.monotonic()
        if bye:
            self.retired[bye[:_REASON_CHARS]] += 1
            self._replace(worker, None, "")
            return False
        return True

    def _retry(self, worker: WorkerHandle, reason: str) -> bool:
        """The worker refused its current task (it must retire first): requeue it, blameless, a few times at most."""
        self.retired[_printable(reason[:_REASON_CHARS])] += 1
        task_id = worker.inflight[0]
        self.retries[task_id] += 1
        if self.retries[task_id] > MAX_RETRIES:  # only a broken zygote refuses every time
            self._replace(worker, ExecStatus.CRASHED, f"refused by {MAX_RETRIES + 1} fresh workers: {reason}")
        else:
            self._replace(worker, None, "")
        return False

    def _store(self, task_id: int, result: ExecutionResult) -> None:
        self.results[task_id] = result
        self.left -= 1

    def _replace(self, worker: WorkerHandle, status: ExecStatus | None, error: str) -> None:
        """Kill ``worker``, charge its current task with ``status`` (if any), requeue the rest, fork a new one."""
        worker.kill()
        pending = worker.inflight
        worker.inflight = []
        if status is not None and pending:
            self._store(pending.pop(0), ExecutionResult(status, None, error))
        self.queues[worker.group].extendleft(reversed(pending))
        self.workers[self.workers.index(worker)] = self.respawn(worker)


def _is_retry(message: object, expected: int | None) -> bool:
    """Whether ``message`` is ``[expected, "retry", None, "", reason]``: a task the worker refused to run."""
    if not (isinstance(message, list) and len(message) == 5 and message[1] == transport.RETRY):
        return False
    task_id, _, output, error, reason = message
    well_formed = output is None and error == "" and isinstance(reason, str) and reason != ""
    return type(task_id) is int and task_id == expected and well_formed


def _parse(message: object, expected: int | None) -> tuple[ExecutionResult | None, str]:
    """Validate one worker answer ``[task_id, status, output, error, bye]`` against the task it must be about."""
    if not (isinstance(message, list) and len(message) == 5):
        return None, ""
    task_id, status_name, output, error, bye = message
    status = _STATUS.get(status_name) if isinstance(status_name, str) else None
    if type(task_id) is not int or task_id != expected or status is None:
        return None, ""
    if not isinstance(error, str) or not isinstance(bye, str):
        return None, ""
    if (status is ExecStatus.OK) != (isinstance(output, str) and len(output) <= MAX_OUTPUT_CHARS):
        return None, ""
    if output is not None and (status is not ExecStatus.OK or not output.isprintable()):
        return None, ""  # a canonical repr is always printable: no raw control characters or lone surrogates
    return ExecutionResult(status, output, _printable(error[:_ERROR_CHARS])), _printable(bye[:_REASON_CHARS])


def _printable(text: str) -> str:
    """``text`` with lone surrogates escaped, so it can be encoded, logged and written to JSON anywhere."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
