"""Length-prefixed JSON frames over a socket or pipe: the only thing that crosses a sandbox boundary.

A frame is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. Both sides cap the length they
accept, so a compromised worker cannot make the env process allocate without bound, and nothing is ever pickled.
Decoding never raises anything but :class:`FrameError`: a frame nested deeper than the decoder can recurse, or
one whose numbers or strings CPython refuses, is a malformed frame like any other.
"""

from __future__ import annotations

import json
import os
import select
import struct
from typing import Any

HEADER = struct.Struct(">I")
PID = struct.Struct(">q")
"""The zygote's answer to a spawn request: the worker's pid (0 when the fork failed), sent with two descriptors."""

RETRY = "retry"
"""The status of an answer for a task the worker did not run (it must retire first): run it on a fresh worker."""

MAX_REQUEST_BYTES = 8 << 20
"""Largest frame the env sends a worker (a batch of programs and inputs)."""

MAX_REPLY_BYTES = 1 << 20
"""Largest frame a worker may send back (one result: the output cap plus an error message, JSON-escaped)."""

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
_DECODER = json.JSONDecoder()


class FrameError(Exception):
    """A peer sent a frame that is too large, truncated or not JSON (internal: callers treat the peer as dead)."""


def pack(message: Any) -> bytes:
    """Encode one message as a frame."""
    body = _ENCODER.encode(message).encode("utf-8", "surrogatepass")
    return HEADER.pack(len(body)) + body


def unpack(body: bytes) -> Any:
    """Decode the body of one frame (``FrameError`` on anything malformed, however deep or large)."""
    try:
        return _DECODER.decode(body.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError, MemoryError) as exc:
        raise FrameError(f"malformed frame: {type(exc).__name__}") from None


def write_frame(fd: int, message: Any) -> None:
    """Write one frame to a blocking file descriptor."""
    data = memoryview(pack(message))
    while data:
        data = data[os.write(fd, data) :]


def read_exact(fd: int, n: int) -> bytes:
    """Read exactly ``n`` bytes from a blocking descriptor; ``FrameError`` on end of file."""
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            raise FrameError("end of file inside a frame")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, max_bytes: int) -> Any:
    """Read one frame from a blocking descriptor; ``FrameError`` on end of file, oversize or bad JSON."""
    (size,) = HEADER.unpack(read_exact(fd, HEADER.size))
    if size > max_bytes:
        raise FrameError(f"frame of {size} bytes over the cap of {max_bytes}")
    return unpack(read_exact(fd, size))


def wait_readable(fds: list[int], timeout_s: float) -> set[int]:
    """The descriptors among ``fds`` with data or end of file within ``timeout_s`` (poll: no FD_SETSIZE limit)."""
    return wait(fds, [], timeout_s)[0]


def wait(read: list[int], write: list[int], timeout_s: float) -> tuple[set[int], set[int]]:
    """Which of ``read`` can be read (data, end of file, error) and which of ``write`` can take more bytes."""
    poller = select.poll()
    for fd in read:
        poller.register(fd, select.POLLIN)
    for fd in write:
        poller.register(fd, select.POLLOUT | (select.POLLIN if fd in read else 0))
    readable, writable = set(), set()
    for fd, events in poller.poll(max(0.0, timeout_s) * 1000):
        if events & (select.POLLIN | select.POLLHUP | select.POLLERR) and fd in read:
            readable.add(fd)
        if events & (select.POLLOUT | select.POLLHUP | select.POLLERR) and fd in write:
            writable.add(fd)
    return readable, writable


class FrameReader:
    """Incremental decoder for a non-blocking peer: feed it bytes, take complete messages out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Any]:
        """Append received bytes and return every message now complete (``FrameError`` on a bad frame)."""
        self.buffer += data
        messages = []
        while len(self.buffer) >= HEADER.size:
            (size,) = HEADER.unpack_from(self.buffer)
            if size > self.max_bytes:
                raise FrameError(f"frame of {size} bytes over the cap of {self.max_bytes}")
            end = HEADER.size + size
            if len(self.buffer) < end:
                break
            messages.append(unpack(bytes(self.buffer[HEADER.size : end])))
            del self.buffer[:end]
        return messages
