"""``safety.jsonl``: one JSON line per flagged response, written and fsync'ed as each step ends.

Keys: ``step``, ``role``, ``task_type``, ``source`` (``episode`` or ``attempt``), ``outcome``, ``exec_status``,
``monitor`` (the detectors' names, e.g. ``rules@1``), ``categories`` (sorted) and ``findings`` (each with
``category``, ``rule``, ``evidence`` and ``excerpt``). Whole responses are never stored, only excerpts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from azr_env.safety.findings import Scanned

SAFETY_LOG = "safety.jsonl"
"""The file name in a run directory."""


def flagged_records(step: int, scanned: Sequence[Scanned], monitor: str) -> list[dict[str, Any]]:
    """The log records of the flagged responses of one step."""
    return [log_record(step, s, monitor) for s in scanned if s.report.flagged]


def log_record(step: int, scanned: Scanned, monitor: str) -> dict[str, Any]:
    """The log record of one scanned response."""
    response = scanned.response
    return {
        "step": step,
        "role": response.role.value,
        "task_type": response.task_type,
        "source": response.source.value,
        "outcome": response.outcome.value if response.outcome is not None else "",
        "exec_status": response.exec_status.value if response.exec_status is not None else "",
        "monitor": monitor,
        **scanned.report.as_info(),
    }


class SafetyLog:
    """Appends flagged-response records to a JSONL file, created (with its directory) when the log opens.

    An empty file means the monitor ran and flagged nothing.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: TextIO | None = self.path.open("a", encoding="utf-8")

    def write(self, records: Sequence[dict[str, Any]]) -> None:
        """Append the records and fsync, so a killed run keeps every written step."""
        if not records or self._file is None:
            return
        self._file.write("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records))
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def read_log(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every complete record of a safety log (a torn last line from a kill is skipped); none if it is missing."""
    path = Path(path)
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue
