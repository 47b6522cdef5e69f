"""The env side of the transport never crashes or blocks, whatever a (compromised) worker does.

The workers here are fakes: a thread at the far end of a socket pair, with a real sleeping process behind the pidfd
the dispatcher kills. One kind answers honestly, the others stop reading, send a frame nested deeper than any
decoder recurses, or send answers no honest worker sends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from azr_env.executor import ExecStatus, transport
from azr_env.executor.dispatch import Batch
from azr_env.executor.spawn import WorkerHandle

Behaviour = Callable[[socket.socket], None]


def honest(sock: socket.socket) -> None:
    """Answers every task ``ok`` with the output ``'ok'``."""
    while True:
        try:
            message = transport.read_frame(sock.fileno(), 1 << 26)
        except (transport.FrameError, OSError):
            return
        for task_id, *_ in message["tasks"]:
            transport.write_frame(sock.fileno(), [task_id, "ok", "'ok'", "", ""])


def deaf(sock: socket.socket) -> None:
    """Never reads: the env's writes fill the socket buffer."""
    time.sleep(30)


def replies_with(frame: bytes) -> Behaviour:
    """Reads one request, then sends ``frame`` (raw bytes, header included) and waits."""

    def behave(sock: socket.socket) -> None:
        try:
            (size,) = transport.HEADER.unpack(transport.read_exact(sock.fileno(), transport.HEADER.size))
            transport.read_exact(sock.fileno(), size)
            sock.sendall(frame)
        except (transport.FrameError, OSError):  # the env replaced this worker before sending it anything
            return
        time.sleep(30)

    return behave


def raw(body: bytes) -> bytes:
    return transport.HEADER.pack(len(body)) + body


class Fakes:
    """Makes fake worker handles and cleans their processes up."""

    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []

    def worker(self, behaviour: Behaviour, group: int = 0) -> WorkerHandle:
        env_end, far_end = socket.socketpair()
        threading.Thread(target=behaviour, args=(far_end,), daemon=True).start()
        process = subprocess.Popen(["sleep", "60"])
        self.processes.append(process)
        env_end.setblocking(False)
        return WorkerHandle(group, process.pid, env_end, os.pidfd_open(process.pid), {})

    def close(self) -> None:
        for process in self.processes:
            process.kill()
            process.wait()


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    made = Fakes()
    yield made
    made.close()


def run(fakes: Fakes, first: Behaviour, tasks: list[tuple[str, str]], timeout_s: float = 0.5) -> tuple[Any, float]:
    """One batch on one fake worker of kind ``first``; every replacement is honest."""
    begin = time.monotonic()
    batch = Batch(tasks, [0] * len(tasks), [fakes.worker(first)], lambda old: fakes.worker(honest), timeout_s)
    return batch.run(), time.monotonic() - begin


def test_an_honest_fake_worker_answers(fakes: Fakes) -> None:
    results, _ = run(fakes, honest, [("p", "1")] * 3)
    assert [r.output for r in results] == ["'ok'"] * 3


def test_a_worker_that_stops_reading_is_killed_at_the_deadline(fakes: Fakes) -> None:
    big = "#" * (4 << 20)  # far more than a socket buffer holds: a blocking send would never return
    results, took = run(fakes, deaf, [(big, "1"), ("p", "2")])
    assert [r.status for r in results] == [ExecStatus.TIMEOUT, ExecStatus.OK]
    assert took < 5


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("nested_deeper_than_any_decoder_recurses", b"[" * 200_000 + b"]" * 200_000),
        ("a_number_python_refuses_to_parse", b'[0, "ok", "\'x\'", "", "", ' + b"1" * 5000 + b"]"),
        ("not_utf8", b"\xff\xfe"),
        ("lone_surrogate_in_the_output", b'[0, "ok", "\\ud800", "", ""]'),
        ("control_character_in_the_output", b'[0, "ok", "a\\u0000", "", ""]'),
        ("an_output_with_a_failure", b'[0, "error", "1", "", ""]'),
        ("a_bye_that_is_not_text", b'[0, "ok", "1", "", true]'),
        ("another_tasks_id", b'[7, "ok", "1", "", ""]'),
    ],
)
def test_a_malformed_answer_is_a_crash_of_that_task_only(fakes: Fakes, name: str, body: bytes) -> None:
    results, _ = run(fakes, replies_with(raw(body)), [("p", "1"), ("p", "2")])
    assert [r.status for r in results] == [ExecStatus.CRASHED, ExecStatus.OK]


def test_an_oversized_frame_header_is_a_crash(fakes: Fakes) -> None:
    results, _ = run(fakes, replies_with(transport.HEADER.pack(1 << 30)), [("p", "1")])
    assert results[0].status is ExecStatus.CRASHED


def test_a_lone_surrogate_in_an_error_message_is_escaped(fakes: Fakes) -> None:
    results, _ = run(fakes, replies_with(raw(b'[0, "error", null, "ValueError: \\udc80", ""]')), [("p", "1")])
    assert results[0].error == "ValueError: \\udc80"
    results[0].error.encode("utf-8")


def test_deep_frames_raise_only_frame_error() -> None:
    with pytest.raises(transport.FrameError):
        transport.unpack(b"[" * 100_000 + b"]" * 100_000)


RETRY = raw(b'[0, "retry", null, "", "an earlier task changed the sandbox"]')


def test_a_task_refused_unrun_goes_to_a_fresh_worker(fakes: Fakes) -> None:
    batch = Batch([("p", "1")], [0], [fakes.worker(replies_with(RETRY))], lambda old: fakes.worker(honest), 0.5)
    assert [r.output for r in batch.run()] == ["'ok'"]
    assert batch.retired == {"an earlier task changed the sandbox": 1}


def test_a_task_every_worker_refuses_is_a_crash(fakes: Fakes) -> None:
    batch = Batch(
        [("p", "1")], [0], [fakes.worker(replies_with(RETRY))], lambda old: fakes.worker(replies_with(RETRY)), 0.5
    )
    assert batch.run()[0].status is ExecStatus.CRASHED
