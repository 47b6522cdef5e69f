"""Metric sinks: one JSON line per step (the source of truth) and, optionally, TensorBoard.

Keys are namespaced ``area/<task type>/name`` (``propose/deduction/valid_rate``, ``solve/induction/accuracy``,
``loss/pg``, ``time/rollout_s``, ``buffer/abduction/size``, ``eval/<suite>/accuracy``). Every JSONL line is
flushed and fsync'ed when written, so a killed run loses no logged step; on resume, lines after the checkpoint's
step are dropped (``truncate_after``) so the file reads as if the run had never stopped. Besides ``metrics.jsonl``
a run keeps one line per episode in ``episodes.jsonl`` and one per held-out answer in ``eval.jsonl`` (both with
``step``), from which ``azr bench learn`` bootstraps its intervals.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

EPISODES_FILE = "episodes.jsonl"
"""One line per episode of every step (``agents.llm.trainer.episode_rows``)."""
EVAL_FILE = "eval.jsonl"
"""One line per held-out answer of every evaluation (``agents.llm.evaluation``)."""


class MetricsSink(Protocol):
    """Where per-step metrics go."""

    def log(self, step: int, metrics: Mapping[str, float]) -> None:
        """Record ``metrics`` for training step ``step``."""
        ...

    def close(self) -> None:
        """Flush and release files."""
        ...


class JsonlSink:
    """Append ``{"step": s, **metrics}`` lines to ``path``."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")

    def log(self, step: int, metrics: Mapping[str, float]) -> None:
        """Write one line and fsync it."""
        self._file.write(json.dumps({"step": step, **metrics}, sort_keys=True) + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class TensorBoardSink:
    """Scalars to TensorBoard event files in ``log_dir``; ``purge_step`` hides events of a resumed run's lost steps."""

    def __init__(self, log_dir: str | os.PathLike[str], purge_step: int | None = None) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self._writer = SummaryWriter(log_dir=str(log_dir), purge_step=purge_step)

    def log(self, step: int, metrics: Mapping[str, float]) -> None:
        """Add one scalar per key."""
        for key, value in metrics.items():
            self._writer.add_scalar(key, value, global_step=step)
        self._writer.flush()

    def close(self) -> None:
        """Close the writer."""
        self._writer.close()


class MultiSink:
    """Fan out to several sinks."""

    def __init__(self, *sinks: MetricsSink) -> None:
        self.sinks = sinks

    def log(self, step: int, metrics: Mapping[str, float]) -> None:
        """Log to every sink."""
        for sink in self.sinks:
            sink.log(step, metrics)

    def close(self) -> None:
        """Close every sink."""
        for sink in self.sinks:
            sink.close()


def open_sinks(run_dir: str | os.PathLike[str], *, tensorboard: bool, resume_step: int | None = None) -> MultiSink:
    """JSONL at ``run_dir/metrics.jsonl`` plus TensorBoard at ``run_dir/tb`` when asked and installed."""
    run_dir = Path(run_dir)
    sinks: list[MetricsSink] = [JsonlSink(run_dir / "metrics.jsonl")]
    if tensorboard:
        try:
            purge = None if resume_step is None else resume_step + 1
            sinks.append(TensorBoardSink(run_dir / "tb", purge_step=purge))
        except ImportError:
            warnings.warn("tensorboard is not installed: metrics go to metrics.jsonl only", stacklevel=2)
    return MultiSink(*sinks)


def append_rows(path: str | os.PathLike[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """Append JSON lines (each with a ``step``) to ``path`` and fsync them: the per-response logs of a run."""
    with Path(path).open("a", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(dict(row), sort_keys=True) + "\n" for row in rows))
        handle.flush()
        os.fsync(handle.fileno())


def read_metrics(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read every complete line of a metrics file (a torn last line from a kill is skipped)."""
    records = []
    path = Path(path)
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return records


def truncate_after(path: str | os.PathLike[str], step: int) -> None:
    """Keep only the records with ``step <= step`` (atomically rewritten)."""
    path = Path(path)
    if not path.exists():
        return
    kept = [r for r in read_metrics(path) if int(r["step"]) <= step]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in kept), encoding="utf-8")
    os.replace(tmp, path)
