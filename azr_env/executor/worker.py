"""The sandbox worker: reads batches of tasks, runs each in isolation, streams one result per task.

Protocol (frames of :mod:`azr_env.executor.transport` over one socket to the env process):

- first, the worker sends ``{"ready": true, "layers": {...}}``;
- the env sends ``{"tasks": [[task_id, program, input], ...]}``;
- the worker answers every task in order with ``[task_id, status, output, error, bye]``; ``bye`` is ``""``, or
  why the worker exits right after this answer (the env then re-sends the rest of the batch to a fresh worker);
  the status ``retry`` (with a ``bye``) means the task was not run and goes to a fresh worker too.

Every run is isolated from every other (:mod:`azr_env.executor.isolation`): reset and freeze before it, the
audit-hook tripwire armed during it (:mod:`azr_env.executor.tripwire`), a census of what it left behind after
it. A run in which the program caught a ``MemoryError`` or ``RecursionError`` answers ``MEMORY`` or ``RECURSION``
(:mod:`azr_env.executor.caught`). A run that trips the hook answers ``ERROR``; after it, or after a run that leaves
an object behind, the worker retires (``bye``), so the next task starts in a fresh worker. Before the first run
of each task (a new program), the sandbox's namespaces are audited; if an earlier task changed them, the worker
answers ``RETRY`` for this task without running it, exits, and the env gives the task to a fresh worker. Compiled
programs and inputs are cached for the runs of one task only, so no task sees another's text. A worker retires too
after ``MemoryError`` or ``RecursionError``, and after ``recycle_after`` runs.

Workers of the validation groups (1, 2, ...) run with another gc threshold than group 0 (:class:`Variant`), so an
output that depends on gc timing differs between the groups instead of passing validation, and hold a random
padding of small blocks through each run, so an output that depends on where the run's objects lie in the heap
differs too (odd groups also use another allocator: ``spawn.zygote_environment``).

The env enforces the wall-clock deadline from outside (SIGKILL), so nothing here has to stop runaway code.
"""

from __future__ import annotations

import gc
import os
import random
import time
from dataclasses import dataclass
from types import CodeType
from typing import Any

from azr_env.executor import caught, compiler, isolation, transport, tripwire
from azr_env.executor.canonical import encode
from azr_env.executor.compiler import Arguments, Refusal, compile_input, compile_program
from azr_env.executor.limits import CPU_RECYCLE_S, MAX_OUTPUT_CHARS
from azr_env.executor.policy import new_globals
from azr_env.executor.result import ExecStatus

Outcome = tuple[ExecStatus, str | None, str]

MAX_ERROR_CHARS = 300

GC_THRESHOLDS = (700, 211, 1009, 97, 3001)
"""Generation-0 gc threshold of each group's workers: group 0 keeps CPython's default."""

PADDING_SIZES = tuple(range(15, 512, 16))
"""``bytearray`` lengths whose buffers (one byte longer) fill each pymalloc size class (16 to 512 bytes) and each
chunk size of the C allocator (32 to 528 bytes): holding some shifts where the run's objects of that size go."""

PADDING_BYTES = 4096
"""The most each size class is shifted by in one run: a page, past which the layout of separate processes differs."""


@dataclass(frozen=True, slots=True)
class Variant:
    """How this worker's runs differ from group 0's, so that validation compares runs with different histories.

    Attributes:
        group: the hash-seed group (0 is the reference group, where every ``run`` goes).
    """

    group: int

    @property
    def gc_threshold(self) -> int:
        """Generation-0 threshold of the collector in this group."""
        return GC_THRESHOLDS[self.group % len(GC_THRESHOLDS)]

    def padding(self) -> tuple[bytearray, ...]:
        """Blocks to hold through one run: none in group 0; elsewhere up to a page of each size class, drawn per run.

        Every zygote has the same allocation history, so without them the low bits of an address (one hex digit of
        an object's ``repr``, the order of a set of functions) came out the same in every validation run.
        """
        if self.group == 0:
            return ()  # no object: the reference runs' allocation counts, so their gc timing, stay as they were
        draw = random.Random(time.perf_counter_ns())
        counts = [draw.randrange(PADDING_BYTES // (size + 1)) for size in PADDING_SIZES]
        return tuple(bytearray(size) for size, count in zip(PADDING_SIZES, counts, strict=True) for _ in range(count))


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
    """Run ``f(<text>)`` for one program, without isolation (the zygote's warm-up); this never raises."""
    try:
        code, call = _compile(program, text)
        if isinstance(code, Refusal):
            return code.status, None, code.error
        return _execute(code, call)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR)


def _compile(program: str, text: str) -> tuple[CodeType | Refusal, Any]:
    code = compile_program(program)
    if isinstance(code, Refusal):
        return code, None
    call = compile_input(text)
    return (call, None) if isinstance(call, Refusal) else (code, call)


def run_isolated(program: str, text: str, variant: Variant) -> tuple[Outcome, str]:
    """Run one task in isolation; return its outcome and why this worker must retire now (``""``: it need not).

    Never raises: a failure of the isolation steps themselves retires the worker. The namespace audit is not part
    of a run: :class:`Session` makes it before the first run of every task.
    """
    try:
        code, call = _compile(program, text)
        if isinstance(code, Refusal):
            return (code.status, None, code.error), ""
        return _watched(code, call, variant)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR), "the sandbox's own bookkeeping failed"


def _watched(code: CodeType, call: Arguments, variant: Variant) -> tuple[Outcome, str]:
    isolation.prepare()
    padding = variant.padding()  # after the collection, whose freed blocks would otherwise take the run's objects
    tripwire.arm(code, *(call,) if isinstance(call, CodeType) else ())
    try:
        outcome = _execute(code, call)
        isolation.empty_caches()  # the program's garbage goes now, still watched: a generator's finally runs here
    finally:
        refused = tripwire.disarm()
    outcome = _unless_caught(outcome)
    if refused:
        return (ExecStatus.ERROR, None, f"SandboxViolation: the run tried {refused}"), f"it tried {refused}"
    del padding  # before the census, which would count it
    left = isolation.survivors(outcome)
    if left:
        return outcome, f"{len(left)} objects outlived the run ({type(left[0]).__name__}, ...)"
    return outcome, ""


def _unless_caught(outcome: Outcome) -> Outcome:
    """The run's outcome, or the resource failure the program raised and caught (``azr_env.executor.caught``)."""
    status = caught.hit()
    if status is None or outcome[0] in (ExecStatus.MEMORY, ExecStatus.RECURSION):
        return outcome
    return status, None, f"the program caught a {status.value} error: its output would depend on the sandbox's limits"


def _execute(code: CodeType, call: Arguments) -> Outcome:
    scope = new_globals()
    caught.arm(scope)
    try:
        exec(code, scope)  # RestrictedPython code in restricted globals, inside the locked-down worker
        return _call(scope, call)
    except BaseException as exc:
        return _failure(exc, ExecStatus.ERROR)


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


class Session:
    """One worker's tasks in sequence: the baseline they are audited against, the current program, counts."""

    def __init__(self, variant: Variant, recycle_after: int) -> None:
        self.variant = variant
        self.recycle_after = recycle_after
        self.baseline = isolation.snapshot()
        self.current: str | None = None
        self.tasks = 0
        self.done = 0

    def answer(self, task_id: int, program: str, text: str) -> list[Any]:
        """Run one task; return the answer frame ``[task_id, status, output, error, bye]``.

        Before the first run of a new program (a new task), the audit: if an earlier task changed the sandbox,
        this task is not run here; the answer is ``RETRY`` and the env gives it to a fresh worker.
        """
        if program != self.current:
            if self.current is not None and not self._clean():
                return [task_id, transport.RETRY, None, "", "an earlier task changed the sandbox"]
            compiler.forget()  # nothing cached for the previous task stays visible
            self.current = program
            self.tasks += 1
        (status, output, error), retire = run_isolated(program, text, self.variant)
        if type(status) is not ExecStatus:  # only a forged result path could produce this
            status, output, error, retire = ExecStatus.ERROR, None, "SandboxViolation: malformed result", "forged"
        self.done += 1
        return [task_id, status.value, output, error, retire or _worn_out(status, self.done, self.recycle_after)]

    def _clean(self) -> bool:
        sweep = self.tasks % isolation.SWEEP_EVERY == 0
        return tripwire.idle() and isolation.intact(self.baseline, sweep)


def serve(fd: int, layers: dict[str, bool], recycle_after: int, variant: Variant) -> None:
    """Answer batches on ``fd`` until the env closes it or this worker must retire, then exit the process."""
    gc.set_threshold(variant.gc_threshold, 10, 10)
    session = Session(variant, recycle_after)
    transport.write_frame(fd, {"ready": True, "layers": layers})  # no getpid: seccomp refuses it
    while True:
        try:
            message = transport.read_frame(fd, transport.MAX_REQUEST_BYTES)
        except (transport.FrameError, OSError):
            os._exit(0)
        for task_id, program, text in message["tasks"]:
            answer = session.answer(task_id, program, text)
            transport.write_frame(fd, answer)
            if answer[-1]:
                os._exit(0)


def _worn_out(status: ExecStatus, done: int, recycle_after: int) -> str:
    """Why this worker retires after a run that left it clean, or ``""``."""
    if status in (ExecStatus.MEMORY, ExecStatus.RECURSION):
        return f"the run hit the {status.value} limit"
    if done >= recycle_after:
        return f"{done} tasks done"
    if done % 64 == 0 and time.process_time() > CPU_RECYCLE_S:
        return "CPU time used up"
    return ""
