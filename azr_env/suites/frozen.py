"""The frozen file format of a suite: a manifest entry plus a gzipped JSON-lines file of tasks.

A suite file ``data/<name>@<version>.jsonl.gz`` holds one task per line, the fields of its problem record plus the
source item it came from; for the self-play types (a ``Task``)::

    {"task_type": ..., "program": ..., "inputs": [...], "outputs": [...], "message": ..., "task_id": ...,
     "origin": "HumanEval/10"}

and for a solve-only type its own typed fields (``codegen``: ``prompt``, ``entry_point``, ``test``, ``reference``).

``data/manifest.json`` lists every released ``(name, version)`` with the file's SHA-256 (``sha256``, over the
gzipped bytes, checked on every load) and the SHA-256 of the uncompressed lines (``content_sha256``, used by the
build to detect that a rebuild would change a released version). Files are written with a zero gzip timestamp and
no embedded file name, so the same tasks give the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from azr_env.tasks.base import Problem

MANIFEST = "manifest.json"
"""File name of the manifest inside a data directory."""


@dataclass(frozen=True, slots=True)
class SuiteInfo:
    """One manifest entry: a released version of a suite.

    Attributes:
        name: the suite name, for example ``"humaneval-deduction"``.
        version: release number, starting at 1; a released version never changes.
        file: the data file's name inside the data directory.
        size: number of tasks.
        sha256: SHA-256 of the gzipped file bytes.
        content_sha256: SHA-256 of the uncompressed JSON lines.
        task_type: the task type of every task in the suite.
        source: where the programs and inputs come from.
        license: SPDX id(s) of the data's license.
        description: what the suite measures and how it was built.
    """

    name: str
    version: int
    file: str
    size: int
    sha256: str
    content_sha256: str
    task_type: str
    source: str
    license: str
    description: str

    @property
    def id(self) -> str:
        """``name@version``."""
        return f"{self.name}@{self.version}"


def task_record(task: Problem, origin: str) -> dict[str, object]:
    """Return the JSON object stored for one task (a dataclass problem): its fields plus its source item."""
    fields: dict[str, Any] = asdict(task)  # type: ignore[call-overload]
    return {**fields, "origin": origin}


def encode_tasks(tasks: Sequence[Problem], origins: Sequence[str]) -> bytes:
    """Serialize tasks as UTF-8 JSON lines (stable key order, no trailing spaces)."""
    lines = (
        json.dumps(task_record(t, o), ensure_ascii=False, sort_keys=True) for t, o in zip(tasks, origins, strict=True)
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")


def gzip_bytes(content: bytes) -> bytes:
    """Gzip ``content`` reproducibly (mtime 0, no file name, level 9)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as handle:
        handle.write(content)
    return buffer.getvalue()


def sha256_hex(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(data_dir: Path) -> list[SuiteInfo]:
    """Read the manifest of a data directory; a missing manifest means no suites."""
    path = Path(data_dir) / MANIFEST
    if not path.is_file():
        return []
    entries = json.loads(path.read_text(encoding="utf-8"))["suites"]
    return [SuiteInfo(**entry) for entry in entries]


def write_manifest(data_dir: Path, infos: Iterable[SuiteInfo]) -> None:
    """Write the manifest, sorted by name and version."""
    ordered = sorted(infos, key=lambda info: (info.name, info.version))
    text = json.dumps({"suites": [asdict(info) for info in ordered]}, indent=2, ensure_ascii=False)
    (Path(data_dir) / MANIFEST).write_text(text + "\n", encoding="utf-8")
