"""CRUXEval as a suite source (build time): the 800 items, their inputs made data, checked against a pinned digest.

CRUXEval (Gu et al., 2024; MIT; ``github.com/facebookresearch/cruxeval`` ``data/cruxeval.jsonl`` at commit
``190faf16d175b5847b0af05d937872b1fb395942``) gives each item as ``code`` (a function ``f``), ``input`` (the call's
arguments as Python source) and ``output`` (the value's source). The programs are kept verbatim (CRUXEval shows them
as written); labels come from our executor, never from ``output``.

Most inputs are literals already. The few that compute their arguments (``''.join(['A'] * 20)``,
``dict(e=1, d=2, c=3)``) are evaluated once, at build time, in the sandbox and written back as data with the
argument values' own ``repr`` (so a dict keeps its insertion order, which several programs depend on): exactly as
``azr_env.tasks.answers`` reads an expression answer of an abduction task under ``ValueSyntax.EXPRESSION``. An
input that does not evaluate to data there (a lambda, a ``range``, a name from the program's globals) makes its item
refused, with the reason, in the build's report (``SUITES.md`` lists them).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.literals import NotData, arguments_key
from azr_env.suites.sources import SourceProgram
from azr_env.tasks.answers import read_inputs
from azr_env.tasks.parsing import ValueSyntax

CRUXEVAL_FILE = "cruxeval.jsonl"
"""The file name of the CRUXEval data (the build takes its directory with ``--cruxeval DIR``)."""

CRUXEVAL_SHA256 = "8368b81047dc5014e4caf5a2f97604eff7644e0ecd7415e3ceeb184bbc2e0c96"
"""SHA-256 of ``cruxeval.jsonl`` at the pinned commit."""


@dataclass(frozen=True, slots=True)
class CruxItem:
    """One CRUXEval item as published.

    Attributes:
        id: ``sample_<n>``.
        code: the program, a function ``f``.
        input: the call's arguments as CRUXEval writes them (not always data).
        output: CRUXEval's expected value, as source (compared with our label, never used as one).
    """

    id: str
    code: str
    input: str
    output: str


def read_cruxeval(data_dir: Path) -> list[CruxItem]:
    """Read ``cruxeval.jsonl`` from ``data_dir`` after checking its SHA-256.

    Raises:
        ConfigError: the file is missing or is not the pinned release.
    """
    path = Path(data_dir) / CRUXEVAL_FILE
    if not path.is_file():
        raise ConfigError(f"{path} is missing: pass --cruxeval DIR, the directory holding CRUXEval's {CRUXEVAL_FILE}")
    raw = path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != CRUXEVAL_SHA256:
        raise ConfigError(f"{path} is not the pinned CRUXEval release (SHA-256 {CRUXEVAL_SHA256})")
    rows = [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]
    return [CruxItem(str(r["id"]), str(r["code"]), str(r["input"]), str(r["output"])) for r in rows]


def as_programs(
    items: Sequence[CruxItem], executor: ExecutorBackend
) -> tuple[list[SourceProgram], dict[str, str], dict[str, str]]:
    """Turn items into one-input programs; inputs that are not data are evaluated in the sandbox first.

    Returns:
        The programs (one per usable item, in order), our data input of every rewritten item by id, and the
        refused items by id with the reason.
    """
    pending = [item for item in items if isinstance(arguments_key(item.input), NotData)]
    readings = read_inputs([(item.input, ValueSyntax.EXPRESSION) for item in pending], executor)
    rewritten: dict[str, str] = {}
    refused: dict[str, str] = {}
    for item, reading in zip(pending, readings, strict=True):
        if reading.text is None:
            refused[item.id] = f"input {item.input!r} is not data ({reading.error})"
        else:
            rewritten[item.id] = reading.text
    programs = [
        SourceProgram(item.id, item.code, (rewritten.get(item.id, item.input),), "cruxeval", "MIT", "")
        for item in items
        if item.id not in refused
    ]
    return programs, rewritten, refused
