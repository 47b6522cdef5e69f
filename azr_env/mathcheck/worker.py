"""The math-check worker: a fresh interpreter that compares answers with math-verify, locked down (runs apart).

It imports math-verify (and so sympy and the LaTeX parser), warms up every parsing and comparison path on sample
answers, then confines itself with the executor's kernel layers (``azr_env.executor.lockdown``: no files, no
network, no new processes, an address-space cap, a seven-call seccomp allow-list) and serves its socket:

- first it sends ``{"ready": true, "layers": {...}}``;
- for each request ``{"gold": ..., "answer": ...}`` it answers ``{"correct": bool, "detail": str}``.

math-verify's own ``signal.alarm`` timeouts are off (a locked-down worker cannot set an alarm, and a timeout inside
the worker would trust it): the env's wall-clock deadline kills and replaces a worker that overruns
(``azr_env.mathcheck.pool``). Nothing here raises out of a request: a failure is an answer that is not correct.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from typing import Any

from azr_env.executor import lockdown, transport

MEMORY_MB = 2048
"""Address-space cap of a worker (sympy and the LaTeX parser take about 400 MB of address space)."""

CPU_S = 600
"""RLIMIT_CPU backstop of a worker (the env's deadline is the real limit)."""

MAX_REQUEST_BYTES = 1 << 16
"""Largest request a worker reads (the env caps answers far below this)."""

WARM_UP = (
    ("18", "18"), ("0.5", "\\frac{1}{2}"), ("1000", "1,000"), ("-7", "-7.0"), ("5/6", "\\dfrac{5}{6}"),
    ("25", "25\\%"), ("18", "\\$18"), ("3", "x = 3"), ("12", "12 \\text{ apples}"), ("2.75", "11/4"),
    ("x^2+2x+1", "(x+1)^2"), ("\\{1, 2\\}", "\\{2, 1\\}"), ("\\sqrt{2}/2", "\\frac{1}{\\sqrt{2}}"), ("3+2i", "2i+3"),
)  # fmt: skip
"""Sample ``(gold, answer)`` pairs whose comparison imports and caches what later ones need (files are closed then)."""


def _parse(text: str) -> list[Any]:
    from math_verify import LatexExtractionConfig, parse

    # The whole text is one LaTeX expression: no search for an answer in prose, no fallback.
    config = [LatexExtractionConfig(boxed_match_priority=0)]
    found = parse(f"${text}$", config, fallback_mode="no_fallback", extraction_mode="first_match", parsing_timeout=0)
    return list(found)


@functools.lru_cache(maxsize=4096)
def _gold(text: str) -> list[Any]:
    return _parse(text)


def compare(gold: str, answer: str) -> dict[str, Any]:
    """Whether ``answer`` equals ``gold`` under math-verify; never raises."""
    from math_verify import verify

    try:
        expected = _gold(gold)
        if not expected:
            return {"correct": False, "detail": "the gold answer does not parse"}
        found = _parse(answer)
        if not found:
            return {"correct": False, "detail": "math-verify cannot parse the answer"}
        correct = bool(verify(expected, found, timeout_seconds=None))
    except BaseException as exc:  # anything the parser throws is a wrong answer
        return {"correct": False, "detail": f"math-verify failed: {type(exc).__name__}"}
    return {"correct": correct, "detail": "" if correct else "not equal to the gold answer"}


def serve(fd: int, layers: dict[str, bool]) -> None:
    """Answer requests on ``fd`` until the env closes it, then exit the process."""
    transport.write_frame(fd, {"ready": True, "layers": layers})
    while True:
        try:
            request = transport.read_frame(fd, MAX_REQUEST_BYTES)
            reply = compare(str(request["gold"]), str(request["answer"]))
        except (transport.FrameError, OSError, KeyError, TypeError):
            os._exit(0)
        transport.write_frame(fd, reply)


def main(argv: list[str]) -> None:
    """Entry point inside the worker interpreter: ``argv`` is ``[socket_fd]``."""
    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)  # math-verify logs a warning whenever its own timeouts are off
    for gold, answer in WARM_UP:
        compare(gold, answer)
    layers = lockdown.lock_down(int(argv[0]), os.getppid(), MEMORY_MB, CPU_S, lockdown.build_seccomp_filter())
    serve(lockdown.SOCKET_FD, layers)
    os._exit(0)
