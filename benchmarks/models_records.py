"""The raw responses of ``azr bench models``: one JSON line per response, one file per measured cell.

A cell is one (model, prompt format, task type, role). Its file holds every response sampled for it: the
episodes of the cell and, for a propose cell, the solver attempts at each proposal that was valid under the most
lenient answer rule (an attempt names its proposal by id in ``parent``). Each record carries what re-judging needs
without the model: the exact prompt text, the response, its token ids, and the proposal context or the task
(tasks as dataset columns, ``azr_env.integrations.common.task_columns``). Files are written whole into a temporary
name and renamed, so a cell file either exists complete or not at all, and a stopped run resumes by skipping the
cells already saved.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from azr_env.integrations.common import task_columns, task_from_columns
from azr_env.tasks.base import ProposalContext

EPISODE_ROLES = ("propose", "solve")
"""The roles of a cell; ``"attempt"`` records (solver attempts at a proposal) live in their propose cell."""


@dataclass(frozen=True)
class Cell:
    """One measured combination."""

    model: str
    prompt_format: str
    task_type: str
    role: str

    @property
    def key(self) -> str:
        """The cell's file stem and id prefix, ``model.format.type.role``."""
        return f"{self.model}.{self.prompt_format}.{self.task_type}.{self.role}"


@dataclass(frozen=True)
class BatchTiming:
    """How long one generation batch took.

    Attributes:
        size: prompts in the batch.
        seconds: wall time of the whole batch.
        prefill_seconds: estimated prompt prefill time of the batch (see ``CellSampler.generate``).
        steps: decoding steps the batch ran (its longest completion).
        cpu_seconds: CPU time of the process during the batch, all threads (on a busy machine wall time grows with
            the other processes' load; CPU time much less).
    """

    size: int
    seconds: float
    prefill_seconds: float
    steps: int
    cpu_seconds: float = 0.0

    def seconds_at(self, budget: int) -> float:
        """The batch's time had generation stopped after ``budget`` tokens: prefill plus a share of decoding."""
        decode = max(self.seconds - self.prefill_seconds, 0.0)
        return self.prefill_seconds + decode * min(budget, self.steps) / max(self.steps, 1)


@dataclass(frozen=True)
class Record:
    """One sampled response.

    Attributes:
        id: unique in the run: ``<cell key>/<index>``, attempts ``<proposal id>/a<index>``.
        model: the ``load_policy`` name.
        prompt_format: ``"r1"`` or ``"chat"``.
        task_type: the task type.
        role: ``"propose"``, ``"solve"`` or ``"attempt"``.
        prompt: the exact text the model was prompted with.
        response: the decoded completion.
        completion_ids: the sampled token ids (EOS included), so shorter budgets can be re-scored.
        prompt_tokens: prompt length in tokens.
        finish_reason: ``"stop"`` or ``"length"``.
        seconds: this response's share of its batch's wall time.
        batch: timing of the batch it was sampled in.
        parent: attempts: the id of their proposal; ``""`` otherwise.
        context: proposals: the references and the induction program, as task columns.
        task: solve episodes and attempts: the task, as task columns.
    """

    id: str
    model: str
    prompt_format: str
    task_type: str
    role: str
    prompt: str
    response: str
    completion_ids: list[int]
    prompt_tokens: int
    finish_reason: str
    seconds: float
    batch: BatchTiming
    parent: str = ""
    context: dict[str, Any] | None = None
    task: dict[str, Any] | None = field(default=None)

    @property
    def tokens(self) -> int:
        """Completion length in tokens."""
        return len(self.completion_ids)


def context_line(context: ProposalContext) -> dict[str, Any]:
    """A proposal context as JSON: its reference tasks and the induction program."""
    program = task_columns(context.program) if context.program is not None else None
    return {"references": [task_columns(t) for t in context.references], "program": program}


def context_from_line(line: dict[str, Any]) -> ProposalContext:
    """The proposal context a ``context_line`` describes."""
    program = line.get("program")
    return ProposalContext(
        references=tuple(task_from_columns(t) for t in line["references"]),
        program=task_from_columns(program) if program is not None else None,
    )


def cell_path(out_dir: Path, cell: Cell) -> Path:
    """Where a cell's records live."""
    return out_dir / f"{cell.key}.jsonl"


def write_cell(out_dir: Path, cell: Cell, records: Iterable[Record]) -> Path:
    """Write a cell's records atomically (a temporary file renamed into place); return the path."""
    target = cell_path(out_dir, cell)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, scratch = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as sink:
        for record in records:
            sink.write(json.dumps(asdict(record), sort_keys=True) + "\n")
    os.chmod(scratch, 0o644)  # mkstemp creates 0600
    os.replace(scratch, target)
    return target


def read_records(paths: Sequence[Path]) -> list[Record]:
    """Every record of the given cell files, in file order."""
    records = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                data = json.loads(line)
                data["batch"] = BatchTiming(**data["batch"])
                records.append(Record(**data))
    return records
