"""Loading released suites: ``load_suite("humaneval-deduction")`` or a pinned ``load_suite("...@1")``.

Every load checks the file's SHA-256 against the manifest and every task's content id, so a modified, truncated or
corrupted file raises ``SuiteIntegrityError`` instead of silently changing an evaluation. A record is read by its
task type (``SolveType.read_problem``): a ``Task`` for the self-play types, the type's own problem record for a
solve-only type (``codegen``: prompt, test, entry point, reference solution).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azr_env.errors import ConfigError, SuiteIntegrityError, UnknownNameError
from azr_env.suites.frozen import SuiteInfo, read_manifest, sha256_hex
from azr_env.tasks.base import Problem, SolveType, Task

DATA_DIR = Path(__file__).parent / "data"
"""The package's own frozen suite files and manifest."""


@dataclass(frozen=True, slots=True)
class Suite:
    """A fixed, versioned set of tasks for held-out evaluation.

    Attributes:
        name: suite name without version, for example ``"humaneval-deduction"``.
        version: the release number; ``name@version`` always denotes the same tasks.
        tasks: the tasks (``Task``, or a solve-only type's problems), in file order; the outputs of ``Task`` items
            were computed by our executor at build time.
        source: where the programs and inputs come from.
        license: SPDX id(s) of the data's license.
        description: what the suite measures and how it was built.
        origins: one entry per task naming the source item, for example ``"HumanEval/10"``.
    """

    name: str
    version: int
    tasks: tuple[Problem, ...]
    source: str
    license: str
    description: str
    origins: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"

    def __len__(self) -> int:
        return len(self.tasks)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.tasks)

    def program_tasks(self) -> tuple[Task, ...]:
        """The tasks as ``Task`` triplets, for consumers that read programs and outputs.

        Raises:
            ConfigError: the suite belongs to a solve-only type, whose problems are no ``Task``.
        """
        tasks = tuple(task for task in self.tasks if isinstance(task, Task))
        if len(tasks) != len(self.tasks):
            raise ConfigError(
                f"suite {self.id} holds problems of a solve-only task type (not program/input/output tasks); "
                "evaluate it with azr eval or azr_env/Solve-v5"
            )
        return tasks


def list_suites(*, versions: bool = False, data_dir: Path | None = None) -> list[str]:
    """Return the released suite names, sorted; with ``versions=True`` every ``name@version`` instead."""
    infos = read_manifest(data_dir or DATA_DIR)
    return sorted({info.id if versions else info.name for info in infos})


def resolve(name: str, data_dir: Path | None = None) -> SuiteInfo:
    """Find the manifest entry of ``name`` (latest version) or ``name@version``.

    Raises:
        UnknownNameError: no such suite or version; the message suggests close names.
    """
    infos = read_manifest(data_dir or DATA_DIR)
    base, _, pinned = name.partition("@")
    matches = [info for info in infos if info.name == base]
    if not matches:
        raise UnknownNameError("suite", name, {info.name for info in infos})
    if not pinned:
        return max(matches, key=lambda info: info.version)
    for info in matches:
        if str(info.version) == pinned:
            return info
    raise UnknownNameError("suite version", name, {info.id for info in matches})


def _task(record: dict[str, Any], kind: SolveType[Any], where: str) -> tuple[Problem, str]:
    if record.get("task_type") != kind.name:
        raise SuiteIntegrityError(f"{where}: task type {record.get('task_type')!r}, the manifest says {kind.name!r}")
    try:
        task = kind.read_problem(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise SuiteIntegrityError(f"{where}: malformed task record ({exc})") from exc
    if task.task_id != record.get("task_id"):
        raise SuiteIntegrityError(f"{where}: task id {record.get('task_id')!r} does not match its content")
    return task, str(record.get("origin", ""))


def read_tasks(info: SuiteInfo, data_dir: Path | None = None) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """Read and verify the tasks of one manifest entry.

    Raises:
        SuiteIntegrityError: the file is missing, its SHA-256 differs from the manifest, or a record is malformed.
    """
    path = Path(data_dir or DATA_DIR) / info.file
    if not path.is_file():
        raise SuiteIntegrityError(f"suite {info.id}: data file {path} is missing; reinstall azr-env")
    raw = path.read_bytes()
    if sha256_hex(raw) != info.sha256:
        raise SuiteIntegrityError(
            f"suite {info.id}: {path} has SHA-256 {sha256_hex(raw)}, the manifest says {info.sha256}; a released "
            "suite never changes, so this file was modified or corrupted (reinstall azr-env, or build a new version)"
        )
    # Lines end at line feeds only: a U+2028 inside a program (JSON written without ASCII escapes) is no line end.
    lines = [line for line in gzip.decompress(raw).decode("utf-8").split("\n") if line]
    from azr_env.tasks import get_solve_type

    kind = get_solve_type(info.task_type)
    pairs = [_task(json.loads(line), kind, f"{path.name} line {n}") for n, line in enumerate(lines, 1)]
    if len(pairs) != info.size:
        raise SuiteIntegrityError(f"suite {info.id}: {len(pairs)} tasks, the manifest says {info.size}")
    return tuple(t for t, _ in pairs), tuple(o for _, o in pairs)


def load_suite(name: str, *, data_dir: Path | None = None) -> Suite:
    """Load a released suite by name (latest version) or ``name@version`` (pinned), verified against the manifest.

    Args:
        name: for example ``"humaneval-deduction"`` or ``"humaneval-deduction@1"``.
        data_dir: a different data directory (tests, locally built suites); defaults to the package's own.

    Raises:
        UnknownNameError: no such suite or version ("did you mean" included).
        SuiteIntegrityError: the data file does not match the manifest.
        ConfigError: ``name`` is empty.
    """
    if not name:
        raise ConfigError("a suite name is required, for example 'humaneval-deduction' or 'humaneval-deduction@1'")
    info = resolve(name, data_dir)
    tasks, origins = read_tasks(info, data_dir)
    return Suite(info.name, info.version, tasks, info.source, info.license, info.description, origins)
