"""The sandbox worker: reads batches of tasks, runs each in fresh restricted globals, streams one result per task.

Protocol (frames of :mod:`azr_env.executor.transport` over one socket to the env process):

- first, the worker sends ``{"ready": true, "pid": PID, "layers": {...}}``;
- the env sends ``{"tasks": [[task_id, program, input], ...]}``;
- the worker answers every task in order with ``[task_id, status, output, error, bye]``; ``bye`` is true when
  the worker exits right after this answer (after ``MemoryError``/``RecursionError`` or ``recycle_after`` tasks),
  and the env re-sends the rest of the batch to a fresh worker.

The env enforces the wall-clock deadline from outside (SIGKILL), so nothing here has to stop runaway code.
"""

from __future__ import annotations

import decimal
import gc
import os
import time
from typing import Any

from azr_env.executor import transport
from azr_env.executor.canonical import encode
from azr_env.executor.compiler import Arguments, Refusal, compile_input, compile_program
from azr_env.executor.limits import CPU_RECYCLE_S, MAX_OUTPUT_CHARS
from azr_env.executor.policy import new_globals
from azr_env.executor.result import ExecStatus

Outcome = tuple[ExecStatus, str | None, str]

MAX_ERROR_CHARS = 300


def describe(exc: BaseException) -> str:
    """``"TypeName: message"``, capped; never lets a hostile ``__str__`` escape."""
    name = type.__dict__["__name__"].__get__(type(exc))
    try:
        message = str(exc)
    except BaseException:
        message = "<unprintable>"
    text = f"{name}: {message}" if message else str(name)
    return text[:MAX_ERROR_CHARS]


def _failure(exc: BaseException, default: ExecStatus) -> Outcome:
    kind = type(exc)  # compared by identity: a hostile metaclass's __eq__ never runs
    if kind is MemoryError:
        return ExecStatus.MEMORY, None, "MemoryError: the memory limit was hit"
    if kind is RecursionError:
        return ExecStatus.RECURSION, None, describe(exc)
    return default, None, describe(exc)


def run_task(program: str, text: str) -> Outcome:
    """Run ``f(<text>)`` for one program; every way it can end is an ``ExecStatus`` (this never raises)."""
    try:
        return _run(program, text)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR)


def _run(program: str, text: str) -> Outcome:
    code = compile_program(program)
    if isinstance(code, Refusal):
        return code.status, None, code.error
    call = compile_input(text)
    if isinstance(call, Refusal):
        return call.status, None, call.error
    decimal.setcontext(decimal.Context())  # the one process-wide state a program may change: fresh per run
    scope = new_globals()
    try:
        exec(code, scope)  # RestrictedPython code in restricted globals, inside the locked-down worker
        return _call(scope, call)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR)
    finally:
        if "yield" in program:  # a suspended generator's finally/with code must run now, charged to this run
            scope.clear()
            gc.collect()


def _call(scope: dict[str, Any], call: Arguments) -> Outcome:
    """Build the input's argument values (data, no code runs), call ``f`` on them, canonicalize the output."""
    func = scope.get("f")
    if not callable(func):
        return ExecStatus.ERROR, None, "TypeError: f is not callable after the program ran"
    try:
        args, kwargs = call.values()
    except BaseException as exc:
        return _failure(exc, ExecStatus.BAD_INPUT)
    try:
        value = func(*args, **kwargs)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR)
    status, text_out = encode(value, MAX_OUTPUT_CHARS)
    if status is not ExecStatus.OK:
        return status, None, text_out
    return status, text_out, ""


def serve(fd: int, layers: dict[str, bool], recycle_after: int) -> None:
    """Answer batches on ``fd`` until the env closes it or this worker must be recycled, then exit the process."""
    transport.write_frame(fd, {"ready": True, "pid": os.getpid(), "layers": layers})
    done = 0
    while True:
        try:
            message = transport.read_frame(fd, transport.MAX_REQUEST_BYTES)
        except (transport.FrameError, OSError):
            os._exit(0)
        for task_id, program, text in message["tasks"]:
            status, output, error = run_task(program, text)
            done += 1
            bye = (
                status in (ExecStatus.MEMORY, ExecStatus.RECURSION)
                or done >= recycle_after
                or (done % 64 == 0 and time.process_time() > CPU_RECYCLE_S)
            )
            transport.write_frame(fd, [task_id, status.value, output, error, bye])
            if bye:
                os._exit(0)
