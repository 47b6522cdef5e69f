r"""The local sandboxed executor: a pool of locked-down persistent workers forked from two lean zygotes.

Usage::

    with Executor(workers=2, timeout_s=2.0) as ex:
        ex.run("def f(x):\\n    return sorted(x)", "[3, 1, 2]")  # ExecutionResult(status=OK, output='[1, 2, 3]')
        ex.validate_many([(program, input), ...])              # one run per hash seed, compared

Threat model (each layer, what it covers and what not, with measured costs: ``THREAT_MODEL.md`` next to this file;
the README carries a summary):

- **The env process never runs, evaluates, unpickles or forks on model text.** It measures string lengths, writes
  JSON frames to non-blocking sockets and reads capped JSON frames back; nothing a worker sends can raise out of
  ``run_many``/``validate_many`` or block them past the deadline, so a fully compromised worker can at most send
  wrong results for its own tasks. Zygotes are fresh interpreters whose environment is ``PYTHONHASHSEED``, plus
  ``PYTHONMALLOC`` in odd groups (``spawn.zygote_environment``).
- **Process isolation + wall-clock deadline**: past ``timeout_s`` the env SIGKILLs the worker (through a pidfd),
  answers ``TIMEOUT`` and forks a fresh one in a few ms; this also ends a worker that stops reading.
- **Kernel layers**: rlimits (address space ``memory_mb``, no files, no processes), a seccomp allow-list of seven
  system calls (no ``open``, ``stat``, ``socket``, ``execve``, ``fork``, ``kill``...), namespaces where the
  kernel allows them, uid 65534 for a worker started as root, no inherited descriptors.
- **Language policy**: RestrictedPython with our guards; attribute reads by capability (a foreign object's
  attribute only if its class grants it: no frames, globals, raw callables, ``AttributeError.obj`` or real
  ``type``); imports from an allow-list as read-only proxies; writes only into the program's own objects.
- **Audit-hook tripwire**: while a program runs, the events an escape needs (frames, code objects, heap walks,
  ``compile``/``exec`` of foreign code, imports, ``open``...) are refused, and the worker retires.
- **Isolation between tasks**: every run starts from the same reset state, a census after it retires a worker that
  kept anything the run created, and before every task the sandbox's namespaces are audited (a changed worker
  hands the task back with ``RETRY``).
- **Determinism check**: ``validate`` runs the task in ``determinism_runs`` (default 3) zygotes with different hash
  seeds, gc thresholds and heap layouts (allocator, random padding), so hash order, address order and gc timing
  show up as ``NONDETERMINISTIC``.
- **Caps** on program (8192 chars), input (2048) and output (10,240, depth 32) before and after anything runs.

Not covered: kernel or CPython memory-corruption exploits past seccomp; CPU and memory contention (no cgroups);
side channels; nondeterminism the runs do not reveal; after a full policy escape, an in-place change of an
existing object that no audit covers; a layer the kernel refuses (``security_layers()`` reports it and the rest
still apply).

Platform: Linux >= 5.3 (pidfds), CPython >= 3.11; the kernel layers are x86_64/aarch64 and reported per machine.

Thread safety: an ``Executor`` may be shared between threads; its calls are serialized by one lock (one batch at a
time). Send one large batch rather than many small ones: a batch is spread over every worker.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections import Counter
from collections.abc import Mapping, Sequence
from types import TracebackType

from azr_env.errors import ConfigError, ExecutorError
from azr_env.executor.backend import Job
from azr_env.executor.dispatch import Batch
from azr_env.executor.limits import (
    ALLOWED_MODULES,
    CPU_LIMIT_S,
    MAX_INPUT_CHARS,
    MAX_PROGRAM_CHARS,
    VALIDATION_DEADLINE_SHARE,
)
from azr_env.executor.result import RESOURCE_FAILURES, ExecStatus, ExecutionResult, ValidationResult
from azr_env.executor.spawn import WorkerHandle, ZygoteHandle

logger = logging.getLogger("azr_env.executor")

HASH_SEEDS = (1_234_567, 7_654_321, 2_718_281, 3_141_592, 1_618_033)
"""The fixed ``PYTHONHASHSEED`` of each zygote: zygote 0 runs every ``run``; ``validate`` runs once in each of the
first ``determinism_runs`` zygotes."""

ALWAYS_ON_LAYERS = (
    "process_isolation", "wall_clock_deadline", "restricted_python", "attribute_capabilities", "hash_seed_zygotes",
    "task_isolation", "audit_hook",
)  # fmt: skip
_warned: set[frozenset[str]] = set()


class _Pool:
    """The processes of one executor, kept apart from it so a finalizer can stop them after it is collected."""

    def __init__(self, config: dict[str, object], workers: int, groups: int) -> None:
        self.config = config
        self.owner = os.getpid()
        self.zygotes: list[ZygoteHandle] = []
        self.workers: list[WorkerHandle] = []
        self.closed = False
        try:
            self.zygotes = [ZygoteHandle(group, HASH_SEEDS[group], config) for group in range(groups)]
            for zygote in self.zygotes:
                zygote.wait_ready()
            self.workers = [zygote.spawn() for zygote in self.zygotes for _ in range(workers)]
        except BaseException:
            self.shutdown()
            raise

    def respawn(self, old: WorkerHandle) -> WorkerHandle:
        """A fresh worker of ``old``'s group; restarts the zygote once if it died."""
        zygote = self.zygotes[old.group]
        try:
            return zygote.spawn()
        except ExecutorError:
            if zygote.alive():
                raise
        zygote.close()
        zygote = self.zygotes[old.group] = ZygoteHandle(old.group, HASH_SEEDS[old.group], self.config)
        zygote.wait_ready()
        return zygote.spawn()

    def shutdown(self) -> None:
        """Kill every worker, stop both zygotes and reap them. Idempotent.

        In a forked copy of the owning process it only closes the copied descriptors: the processes belong to
        the owner.
        """
        self.closed = True
        mine = os.getpid() == self.owner
        for worker in self.workers:
            if mine:
                worker.kill()
            else:
                worker.close()
        for zygote in self.zygotes:
            if mine:
                zygote.close()
            else:
                zygote.control.close()
        self.workers, self.zygotes = [], []


class Executor:
    """Runs model-written programs in a sandboxed pool. Implements ``ExecutorBackend``; no method raises on model code.

    Args:
        workers: workers per zygote, i.e. how many tasks ``run_many`` runs at once; default: one per available
            core. ``validate_many`` uses ``determinism_runs`` times as many (the same number in each zygote).
        timeout_s: wall-clock limit of one task (compile, input, call and output), enforced with SIGKILL; a
            validation run has half of it (``limits.VALIDATION_DEADLINE_SHARE``).
        memory_mb: address-space limit of each worker.
        allowed_modules: the modules programs may import, a subset of ``limits.ALLOWED_MODULES`` (the default).
        recycle_after: a worker is replaced after this many tasks.
        determinism_runs: how many runs ``validate`` compares, each in its own zygote with its own hash seed and gc
            threshold (2 to 5). With 2, two fixed seeds agree on the order of about 1 in 6 small
            sets of strings (481 of 2,665 measured); with 3, about 1 in 50 (50 of 2,665); with 4, 12 of 2,665.

    Raises:
        ConfigError: an argument is out of range.
        ExecutorError: the sandbox processes could not be started.
    """

    def __init__(
        self,
        workers: int | None = None,
        timeout_s: float = 2.0,
        memory_mb: int = 1024,
        allowed_modules: Sequence[str] = ALLOWED_MODULES,
        *,
        recycle_after: int = 10_000,
        determinism_runs: int = 3,
    ) -> None:
        n_workers = workers if workers is not None else len(os.sched_getaffinity(0))
        _check_config(n_workers, timeout_s, memory_mb, allowed_modules, recycle_after)
        if not 2 <= determinism_runs <= len(HASH_SEEDS):
            raise ConfigError(
                f"determinism_runs={determinism_runs}: validation compares 2 to {len(HASH_SEEDS)} runs, one per "
                "hash-seed zygote (one run cannot reveal nondeterminism)"
            )
        self.determinism_runs = determinism_runs
        self.timeout_s = float(timeout_s)
        config = {
            "memory_mb": int(memory_mb),
            "cpu_s": CPU_LIMIT_S + 2 * int(timeout_s + 1),
            "recycle_after": int(recycle_after),
            "allowed_modules": sorted(set(allowed_modules)),
        }
        self.retirements: Counter[str] = Counter()
        """Why workers retired themselves (after a run that tripped a check, a limit, or wore them out): counts."""
        self._lock = threading.Lock()
        self._start = (config, n_workers, determinism_runs)
        self._pool = _Pool(config, n_workers, determinism_runs)
        self._finalizer = weakref.finalize(self, _Pool.shutdown, self._pool)
        self._layers = self._collect_layers()

    def run(self, program: str, input: str) -> ExecutionResult:
        """Run ``f(<input>)`` once; see ``run_many``."""
        return self.run_many([(program, input)])[0]

    def run_many(self, jobs: Sequence[Job]) -> list[ExecutionResult]:
        """Run ``f(<input>)`` for every ``(program, input)`` job; results keep the jobs' order."""
        return self._execute(jobs, (0,), self.timeout_s)[0]

    def validate(self, program: str, input: str) -> ValidationResult:
        """Validate one task; see ``validate_many``."""
        return self.validate_many([(program, input)])[0]

    def validate_many(
        self, jobs: Sequence[Job], deadline_share: float = VALIDATION_DEADLINE_SHARE
    ) -> list[ValidationResult]:
        """Validate every job: static checks and one run in each of ``determinism_runs`` zygotes, compared.

        Each run has ``deadline_share`` of ``timeout_s``: by default half, so a valid task leaves the runs that
        later score answers on it twice the time it needed (their verdicts do not flip with the machine's load).
        """
        runs = self._execute(jobs, tuple(range(self.determinism_runs)), self.timeout_s * deadline_share)
        return [_compare(per_job) for per_job in zip(*runs, strict=True)]

    def security_layers(self) -> Mapping[str, bool]:
        """Which isolation layers are active on this machine, by name (see the module docstring)."""
        return dict(self._layers)

    def close(self) -> None:
        """Stop every worker and both zygotes, leaving no process behind. Idempotent."""
        with self._lock:
            self._finalizer()

    def __enter__(self) -> Executor:
        return self

    def __copy__(self) -> Executor:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Executor:
        """An executor is a handle on live processes: copies (e.g. Gymnasium's spec re-creation) share it."""
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _execute(self, jobs: Sequence[Job], groups: tuple[int, ...], timeout_s: float) -> list[list[ExecutionResult]]:
        """Run every job once in each of ``groups`` under a deadline of ``timeout_s``; one result list per group."""
        results: list[list[ExecutionResult | None]] = [[None] * len(jobs) for _ in groups]
        runnable = []
        for index, job in enumerate(jobs):
            refusal = _precheck(index, job)
            for per_group in results:
                per_group[index] = refusal
            if refusal is None:
                runnable.append(index)
        tasks = [(jobs[i][0], jobs[i][1]) for _ in groups for i in runnable]
        owners = [group for group in groups for _ in runnable]
        with self._lock:
            if self._pool.closed:
                raise ExecutorError("the executor was used after close()")
            if self._pool.owner != os.getpid():
                self._restart_in_forked_child()
            batch = Batch(tasks, owners, self._pool.workers, self._pool.respawn, timeout_s)
            done = batch.run()
            self.retirements.update(batch.retired)
        for slot, per_group in enumerate(results):
            for offset, index in enumerate(runnable):
                per_group[index] = done[slot * len(runnable) + offset]
        return [[r for r in per_group if r is not None] for per_group in results]

    def _restart_in_forked_child(self) -> None:
        """This process is a fork of the one that started the pool (e.g. a vector env's subprocess): start its own."""
        self._finalizer()
        self._pool = _Pool(*self._start)
        self._finalizer = weakref.finalize(self, _Pool.shutdown, self._pool)

    def _collect_layers(self) -> dict[str, bool]:
        layers = dict.fromkeys(ALWAYS_ON_LAYERS, True)
        reported = [worker.layers for worker in self._pool.workers]
        for name in sorted({name for report in reported for name in report}):
            layers[name] = all(report.get(name, False) for report in reported)
        missing = frozenset(name for name, on in layers.items() if not on)
        if missing and missing not in _warned:
            _warned.add(missing)
            logger.warning(
                "sandbox isolation layers unavailable on this machine: %s; the other layers still apply "
                "(see Executor.security_layers())",
                ", ".join(sorted(missing)),
            )
        return layers


def _check_config(
    workers: int, timeout_s: float, memory_mb: int, allowed_modules: Sequence[str], recycle_after: int
) -> None:
    if workers < 1:
        raise ConfigError(f"workers={workers}: the pool needs at least one worker per zygote")
    if not 0 < timeout_s <= 3600:
        raise ConfigError(f"timeout_s={timeout_s}: must be in (0, 3600] s; it is the wall-clock limit of one task")
    if memory_mb < 128:
        raise ConfigError(f"memory_mb={memory_mb}: below 128 MB a worker cannot even start Python")
    unknown = sorted(set(allowed_modules) - set(ALLOWED_MODULES))
    if unknown or isinstance(allowed_modules, str):
        raise ConfigError(
            f"allowed_modules: {unknown or allowed_modules!r} not offered; only a subset of {ALLOWED_MODULES} "
            "(pure modules reviewed for the sandbox)"
        )
    if recycle_after < 1:
        raise ConfigError(f"recycle_after={recycle_after}: must be at least 1 task")


def _precheck(index: int, job: Job) -> ExecutionResult | None:
    """The caps, checked in the env before anything is sent (and again in the sandbox)."""
    program, text = job
    if not isinstance(program, str) or not isinstance(text, str):
        raise TypeError(f"job {index}: program and input must both be str")
    if len(program) > MAX_PROGRAM_CHARS:
        return ExecutionResult(ExecStatus.PROGRAM_TOO_LARGE, None, f"program over {MAX_PROGRAM_CHARS} chars")
    if len(text) > MAX_INPUT_CHARS:
        return ExecutionResult(ExecStatus.INPUT_TOO_LARGE, None, f"input over {MAX_INPUT_CHARS} chars")
    return None


def _compare(runs: Sequence[ExecutionResult]) -> ValidationResult:
    """Combine the runs of one job (one per zygote, the reference run first) into its validation outcome."""
    first = runs[0]
    if all(run.ok for run in runs):
        if all(run.output == first.output for run in runs):
            return ValidationResult(ExecStatus.OK, first.output, "")
        return ValidationResult(ExecStatus.NONDETERMINISTIC, None, "the hash-seed runs returned different outputs")
    for run in runs:
        if run.status in RESOURCE_FAILURES:
            return ValidationResult(run.status, None, run.error)
    if any(run.status is not first.status for run in runs):
        return ValidationResult(ExecStatus.NONDETERMINISTIC, None, "the hash-seed runs did not end the same way")
    return ValidationResult(first.status, None, first.error)
