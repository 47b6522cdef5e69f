"""The task buffer: per-type FIFO stores of validated tasks, deduplicated, with solve history, saved atomically.

Differences from the paper's code (see DESIGN.md section 9): the cap evicts the *oldest* task (the paper keeps the
oldest and silently drops new ones); sampling uses an injected generator; a save is atomic (write a temporary file,
fsync, ``os.replace``), so a run killed mid-save keeps its previous file.

File format (JSON Lines): a header ``{"format": "azr-env/task-buffer", "version": 1, "cap": N, "judge": "v5"}`` (the
judge whose rules admitted the tasks, ``registration.JUDGE_VERSION``; absent before ``v4``), then one task per
line: ``task_type``, ``program``, ``inputs``, ``outputs``, ``message``, ``task_id``, ``n_correct``, ``n_total``. A seed
file uses the same task lines (header optional; ``outputs`` and the counts ignored: labels are recomputed).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from azr_env.errors import AzrError, BufferFormatError, ConfigError, ExecutorError, UnknownNameError
from azr_env.executor.backend import ExecutorBackend
from azr_env.jsonl import dumps_line
from azr_env.registration import JUDGE_VERSION
from azr_env.tasks.base import Outcome, ProposalCheck, Task, TaskType
from azr_env.tasks.calls import call_key
from azr_env.tasks.normal_form import normal_form
from azr_env.tasks.sampling import sample_uniform

FORMAT_NAME = "azr-env/task-buffer"
FORMAT_VERSION = 1
DEFAULT_CAP = 16384
"""Paper's per-buffer cap (``max_programs``)."""

ZERO_PROGRAM = "def f(x):\n    return x\n"
"""The identity "zero triplet" program every type is seeded with when there is no seed file."""

ZERO_INPUTS: tuple[str, ...] = ("'hello'",)
"""Seed inputs of a type that declares no ``zero_inputs`` class attribute of its own."""


class _Ring(Sequence[Task]):
    """At most ``cap`` tasks, oldest first: O(1) append (evicting the oldest when full) and O(1) indexing."""

    def __init__(self, cap: int) -> None:
        self._items: list[Task] = []
        self._head = 0
        self._cap = cap

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Task: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Task]: ...

    def __getitem__(self, index: int | slice) -> Task | Sequence[Task]:
        n = len(self._items)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(n))]
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("buffer index out of range")
        return self._items[(self._head + index) % n]

    def append(self, task: Task) -> Task | None:
        """Append ``task``; return the evicted oldest task when the store was full."""
        if len(self._items) < self._cap:
            self._items.append(task)
            return None
        evicted = self._items[self._head]
        self._items[self._head] = task
        self._head = (self._head + 1) % self._cap
        return evicted


class TaskBuffer:
    """Validated tasks per task type, each type capped at ``cap`` with first-in-first-out eviction.

    Duplicates (same type, same program up to comments, docstrings, formatting and the names it binds, inputs that
    make the same calls, same outputs: ``dedup_key``) are refused.
    ``views()`` and ``tasks()`` return live read-only sequences, oldest first, indexable in O(1).
    """

    def __init__(self, cap: int = DEFAULT_CAP) -> None:
        if cap < 1:
            raise ConfigError(f"TaskBuffer cap must be at least 1, got {cap}: a buffer must hold the seed task")
        self.cap = cap
        self.judge: str | None = JUDGE_VERSION
        """The judge version that admitted the tasks (``None``: a file saved before versions were stamped)."""
        self._stores: dict[str, _Ring] = {}
        self._by_id: dict[str, Task] = {}
        self._key_of: dict[str, str] = {}
        self._keys: set[str] = set()
        self._attempts: dict[str, tuple[int, int]] = {}

    def add(self, task: Task) -> bool:
        """Add a task; return ``False`` (and keep the buffer unchanged) when it duplicates a stored one."""
        key = dedup_key(task)
        if key in self._keys:
            return False
        evicted = self._stores.setdefault(task.task_type, _Ring(self.cap)).append(task)
        if evicted is not None:
            self._forget(evicted)
        self._keys.add(key)
        self._by_id[task.task_id] = task
        self._key_of[task.task_id] = key
        return True

    def novel(self, checks: Sequence[ProposalCheck]) -> list[ProposalCheck]:
        """Return ``checks`` in order, each one whose task duplicates another made invalid (``dedup_key``).

        A copy of a stored task (a reference the proposer was shown, the seed task) is not a new task: valid and
        rewarded for its learnability, it would pay the proposer for copying its prompt, and never enter the buffer.
        The checks of one step are judged together: a task equal to an earlier one of ``checks`` is a copy too (only
        the first enters the buffer), or a policy would be paid once per repetition of one new task per step.
        """
        seen: set[str] = set()
        return [self._novel(check, seen) for check in checks]

    def _novel(self, check: ProposalCheck, seen: set[str]) -> ProposalCheck:
        if check.task is None:
            return check
        key = dedup_key(check.task)
        if key in self._keys or key in seen:
            return ProposalCheck(Outcome.INVALID, error="the task duplicates a task in the buffer: propose a new one")
        seen.add(key)
        return check

    def _forget(self, task: Task) -> None:
        self._keys.discard(self._key_of.pop(task.task_id))
        del self._by_id[task.task_id]
        self._attempts.pop(task.task_id, None)

    def tasks(self, task_type: str) -> Sequence[Task]:
        """Return the live store of ``task_type``, oldest first (empty for a type with no tasks)."""
        return self._stores.get(task_type, ())

    def views(self) -> dict[str, Sequence[Task]]:
        """Return every store by task-type name (the argument of ``TaskType.make_context``)."""
        return dict(self._stores)

    def sample(self, task_type: str, k: int, rng: np.random.Generator) -> list[Task]:
        """Return ``min(k, size)`` tasks of ``task_type``, uniformly without replacement."""
        return sample_uniform(self.tasks(task_type), k, rng)

    def get(self, task_id: str) -> Task:
        """Return the stored task with this id.

        Raises:
            UnknownNameError: no stored task has this id (never added, or evicted).
        """
        task = self._by_id.get(task_id)
        if task is None:
            raise UnknownNameError("task id", task_id, _close_ids(task_id, self._by_id))
        return task

    def __contains__(self, task_id: object) -> bool:
        return task_id in self._by_id

    def record_attempts(self, task_id: str, n_correct: int, n_total: int) -> bool:
        """Add solver attempts to a task's history; return ``False`` if the task is no longer stored.

        Raises:
            ConfigError: the counts are not ``0 <= n_correct <= n_total``.
        """
        if not 0 <= n_correct <= n_total:
            raise ConfigError(f"attempt counts need 0 <= n_correct <= n_total, got {n_correct} of {n_total}")
        if task_id not in self._by_id:
            return False
        correct, total = self._attempts.get(task_id, (0, 0))
        self._attempts[task_id] = (correct + n_correct, total + n_total)
        return True

    def solve_rate(self, task_id: str) -> float | None:
        """Return the fraction of recorded attempts that solved the task, or ``None`` with no attempts."""
        correct, total = self._attempts.get(task_id, (0, 0))
        return correct / total if total else None

    def attempts(self, task_id: str) -> tuple[int, int]:
        """Return ``(n_correct, n_total)`` over every recorded attempt on the task."""
        return self._attempts.get(task_id, (0, 0))

    def __len__(self) -> int:
        return sum(len(store) for store in self._stores.values())

    def size(self, task_type: str) -> int:
        """Return how many tasks of ``task_type`` are stored."""
        return len(self.tasks(task_type))

    def __iter__(self) -> Iterator[Task]:
        for store in self._stores.values():
            yield from store

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the buffer to ``path`` atomically: the old file stays intact until the new one is complete."""
        target = Path(path)
        header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "cap": self.cap, "judge": self.judge}
        lines = [json.dumps({k: v for k, v in header.items() if v is not None})]
        lines += [dumps_line(self._record(task)) for task in self]
        _atomic_write(target, "\n".join(lines) + "\n")

    def _record(self, task: Task) -> dict[str, Any]:
        n_correct, n_total = self.attempts(task.task_id)
        return {
            "task_type": task.task_type,
            "program": task.program,
            "inputs": list(task.inputs),
            "outputs": list(task.outputs),
            "message": task.message,
            "task_id": task.task_id,
            "n_correct": n_correct,
            "n_total": n_total,
        }

    @classmethod
    def load(cls, path: str | os.PathLike[str], cap: int | None = None) -> TaskBuffer:
        """Read a buffer written by ``save``; ``cap`` overrides the saved cap.

        Raises:
            BufferFormatError: a line is not a valid task record (the message names the file and line).
        """
        header, records = _read_jsonl(Path(path))
        buffer = cls(cap if cap is not None else int(header.get("cap", DEFAULT_CAP)))
        buffer.judge = header.get("judge")
        for where, record in records:
            task = _task_from_record(record, where, with_outputs=True)
            buffer.add(task)
            buffer._attempts[task.task_id] = _counts_from_record(record, where)
        return buffer

    def require_current_judge(self, where: str | os.PathLike[str]) -> None:
        """Refuse to continue self-play on tasks that an older judge admitted (a run resumed after an upgrade).

        Raises:
            BufferFormatError: the buffer was saved under another judge version (or before versions were stamped).
        """
        if self.judge != JUDGE_VERSION:
            raise BufferFormatError(
                f"{where}: its tasks were admitted by judge {self.judge or 'v3 or older'}, not the current "
                f"{JUDGE_VERSION}, whose rules differ (README, 'Versions'): resuming would show and pay tasks the "
                "current judge may refuse. Start a fresh run, or pass this file as the seed file of a new one "
                "(EnvConfig.seed_file), which relabels every task through the executor's validation"
            )

    @classmethod
    def seeded(
        cls,
        task_types: Sequence[str | TaskType],
        executor: ExecutorBackend,
        seed_file: str | os.PathLike[str] | None = None,
        cap: int = DEFAULT_CAP,
    ) -> TaskBuffer:
        """Build a buffer from a seed file, giving every type that the file leaves empty its zero triplet.

        Every label is computed by ``executor`` (the file's own outputs are ignored).

        Raises:
            BufferFormatError: a seed task is malformed or fails validation (file and line named).
            ExecutorError: a zero triplet failed validation, which means the executor itself is broken.
        """
        types = [_as_task_type(t) for t in task_types]
        seeds: list[tuple[str, Task]] = []
        if seed_file is not None:
            _, records = _read_jsonl(Path(seed_file))
            wanted = {t.name for t in types}
            seeds = [(w, _task_from_record(r, w, with_outputs=False)) for w, r in records]
            seeds = [(w, t) for w, t in seeds if t.task_type in wanted]
        have = {task.task_type for _, task in seeds}
        buffer = cls(cap)
        for task in _label(seeds, executor, BufferFormatError):
            buffer.add(task)
        zeros = [(f"zero triplet of {t.name}", _zero_task(t)) for t in types if t.name not in have]
        for task in _label(zeros, executor, ExecutorError):
            buffer.add(task)
        return buffer


def dedup_key(task: Task) -> str:
    """Return the hash that identifies duplicates: type, program normal form, the calls its inputs make, outputs.

    The program's normal form (``azr_env.tasks.normal_form``) ignores comments, docstrings, layout and the names it
    binds; inputs are compared as calls of its ``f`` (``azr_env.tasks.calls``): ``[1,2]`` and ``[1, 2]`` agree, and so
    do ``1`` and ``x=1`` for ``def f(x)``. A copied task with its names or its input re-spelled is still a copy; the
    outputs keep apart two programs that differ only in names a program reads (``getattr(obj, 'a')``). A type whose
    solver never sees the inputs (``TaskType.inputs_shown``, abduction) is keyed without them.
    """
    inputs = [call_key(task.program, text.strip()) for text in task.inputs] if _inputs_shown(task.task_type) else []
    parts = [task.task_type, normal_form(task.program), *inputs, *task.outputs]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _inputs_shown(task_type: str) -> bool:
    from azr_env.tasks.registry import get_solve_type

    try:
        kind = get_solve_type(task_type)
    except UnknownNameError:  # a type registered by no one (a buffer file of a plugin not installed)
        return True
    return bool(getattr(kind, "inputs_shown", True))


def _close_ids(task_id: str, known: dict[str, Task]) -> list[str]:
    return [known_id for known_id in known if known_id.startswith(task_id[:4])][:3]


def _atomic_write(target: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _read_jsonl(path: Path) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Return the header (empty if absent) and the task records, each with its ``file:line`` location."""
    header: dict[str, Any] = {}
    records: list[tuple[str, dict[str, Any]]] = []
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            where = f"{path}:{lineno}"
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BufferFormatError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise BufferFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
            if "format" in record:
                header = _check_header(record, where)
            else:
                records.append((where, record))
    return header, records


def _check_header(record: dict[str, Any], where: str) -> dict[str, Any]:
    if record.get("format") != FORMAT_NAME or record.get("version") != FORMAT_VERSION:
        raise BufferFormatError(f"{where}: unsupported header {record!r}; expected {FORMAT_NAME} v{FORMAT_VERSION}")
    if not isinstance(record.get("judge", ""), str):
        raise BufferFormatError(f"{where}: header judge must be a version string, got {record['judge']!r}")
    cap = record.get("cap", DEFAULT_CAP)
    if not isinstance(cap, int) or cap < 1:
        raise BufferFormatError(f"{where}: header cap must be a positive integer, got {cap!r}")
    return record


def _task_from_record(record: dict[str, Any], where: str, *, with_outputs: bool) -> Task:
    for name in ("task_type", "program"):
        if not isinstance(record.get(name), str) or not record[name]:
            raise BufferFormatError(f"{where}: field {name!r} must be a non-empty string")
    inputs = _string_list(record, "inputs", where)
    outputs = _string_list(record, "outputs", where) if with_outputs else ["None"] * len(inputs)
    if not inputs or len(outputs) != len(inputs):
        raise BufferFormatError(f"{where}: a task needs at least one input and exactly one output per input")
    message = record.get("message", "")
    if not isinstance(message, str):
        raise BufferFormatError(f"{where}: field 'message' must be a string")
    task = Task(record["task_type"], record["program"], tuple(inputs), tuple(outputs), message)
    saved_id = record.get("task_id")
    if with_outputs and saved_id not in (None, task.task_id):
        raise BufferFormatError(f"{where}: task_id {saved_id!r} does not match the task's content ({task.task_id})")
    return task


def _string_list(record: dict[str, Any], name: str, where: str) -> list[str]:
    value = record.get(name)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BufferFormatError(f"{where}: field {name!r} must be a list of strings")
    return value


def _counts_from_record(record: dict[str, Any], where: str) -> tuple[int, int]:
    n_correct, n_total = record.get("n_correct", 0), record.get("n_total", 0)
    if not (isinstance(n_correct, int) and isinstance(n_total, int) and 0 <= n_correct <= n_total):
        raise BufferFormatError(f"{where}: need integers 0 <= n_correct <= n_total, got {n_correct}, {n_total}")
    return n_correct, n_total


def _as_task_type(task_type: str | TaskType) -> TaskType:
    if isinstance(task_type, TaskType):
        return task_type
    from azr_env.tasks.registry import get_task_type

    return get_task_type(task_type)


def _zero_task(task_type: TaskType) -> Task:
    inputs = tuple(getattr(task_type, "zero_inputs", ZERO_INPUTS))
    message = str(getattr(task_type, "zero_message", ""))
    return Task(task_type.name, ZERO_PROGRAM, inputs, ("None",) * len(inputs), message)


def _label(seeds: list[tuple[str, Task]], executor: ExecutorBackend, error: type[AzrError]) -> list[Task]:
    """Recompute every seed's outputs with one ``validate_many`` batch; raise ``error`` on an invalid seed."""
    jobs = [(task.program, expr) for _, task in seeds for expr in task.inputs]
    results = iter(executor.validate_many(jobs) if jobs else [])
    labelled = []
    for where, task in seeds:
        checks = [next(results) for _ in task.inputs]
        bad = next((check for check in checks if not check.valid), None)
        if bad is not None:
            raise error(f"{where}: seed task fails validation: {bad.outcome.value}: {bad.error}")
        outputs = tuple(str(check.output) for check in checks)
        labelled.append(Task(task.task_type, task.program, task.inputs, outputs, task.message))
    return labelled
