"""A re-creation of the paper's executor design, for the throughput benchmark only (never used by the env).

The Absolute Zero reference code (``utils/code_utils/python_executor.py``) runs each program as its own call to a
reused one-worker ``pebble.ProcessPool``. The worker splits the snippet into lines, ``exec``s all but the last into
a fresh globals dict and ``eval``s the last line, under a ``timeout_decorator`` (SIGALRM) limit, with pebble's
future timeout on top. The determinism check calls ``f`` twice in the same process and compares with ``==``. The
result string is pickled back to the caller and truncated to 400 characters. There are no memory, file, network or
syscall limits; that is the point of comparison, not something to copy.

Only the mechanism is re-created here (our own code): the same pool, timeouts, in-process double run and result
path. ``pebble`` and ``timeout-decorator`` come from the ``bench`` extra and are imported lazily.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from azr_env.errors import MissingDependencyError

TEMPLATE = "{program}\n_first = f({input})\n_second = f({input})\nassert _first == _second\nrepr(_first)"
"""The determinism template: two calls in one process, the last line is the value sent back."""

MAX_OUTPUT_CHARS = 400
"""The paper truncates every result to its first and last 200 characters."""


def _import(module: str, package: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:
        raise MissingDependencyError(package, "bench", "the paper-executor benchmark") from exc


def _truncate(text: str) -> str:
    half = MAX_OUTPUT_CHARS // 2
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:half] + "..." + text[-half:]


def _execute(lines: list[str]) -> str:
    """Worker side: exec all lines but the last into fresh globals, eval the last one (as the paper's runtime)."""
    namespace: dict[str, Any] = {}
    exec("\n".join(lines[:-1]), namespace)  # the paper's design: plain exec, no sandbox
    return str(eval(lines[-1], namespace))


def _execute_with_alarm(lines: list[str], timeout_s: float) -> tuple[str, str]:
    """Worker side: run ``_execute`` under a SIGALRM time limit; return ``(output, error)``."""
    timeout_decorator = _import("timeout_decorator", "timeout-decorator")
    try:
        limited = timeout_decorator.timeout(timeout_s, use_signals=True)(_execute)
        return _truncate(limited(lines).strip()), ""
    except BaseException as exc:  # the paper reports any failure as an error string
        return "", type(exc).__name__


class PaperExecutor:
    """One reused pebble worker, one pool round trip per program, as in the paper's reference code."""

    def __init__(self, timeout_s: float = 10.0) -> None:
        pebble = _import("pebble", "pebble")
        self.timeout_s = timeout_s
        self.pool = pebble.ProcessPool(max_workers=1)

    def run(self, program: str, input_text: str) -> tuple[str, str]:
        """Run one program through the determinism template; return ``(output, error)``."""
        lines = TEMPLATE.format(program=program, input=input_text).split("\n")
        future = self.pool.schedule(_execute_with_alarm, args=(lines, self.timeout_s), timeout=self.timeout_s)
        try:
            output, error = future.result()
            return str(output), str(error)
        except Exception as exc:  # pebble's own timeout or a dead worker
            return "", type(exc).__name__

    def run_many(self, jobs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Run the jobs one call at a time, in order (the paper never batches)."""
        return [self.run(program, input_text) for program, input_text in jobs]

    def close(self) -> None:
        """Stop the worker."""
        self.pool.stop()
        self.pool.join()

    def __enter__(self) -> PaperExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
