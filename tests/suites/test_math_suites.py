"""The math suites: they load as typed problems (digest checked), and a wrong number scores wrong on every item."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from azr_env.config import EnvConfig
from azr_env.errors import SuiteIntegrityError
from azr_env.judge import Judge
from azr_env.suites import frozen, load_suite
from azr_env.suites.math_sources import ARITHMETIC_ALGEBRA
from azr_env.suites.suite import DATA_DIR
from azr_env.tasks import get_solve_type
from azr_env.tasks.base import Outcome
from azr_env.tasks.examples import example_response
from azr_env.tasks.math_task import MathProblem

SIZES = {"gsm8k-sample@1": 100, "arithmetic-algebra@1": 210}


@pytest.mark.parametrize(("name", "size"), SIZES.items())
def test_the_suite_loads_as_math_problems(name: str, size: int) -> None:
    suite = load_suite(name)
    assert len(suite) == size and all(isinstance(task, MathProblem) for task in suite)


def test_every_generator_gives_its_share() -> None:
    counts = Counter(origin.split("/")[1] for origin in load_suite("arithmetic-algebra@1").origins)
    assert counts == {name: size for name, size, _ in ARITHMETIC_ALGEBRA}


@pytest.mark.parametrize("name", SIZES)
def test_a_wrong_number_scores_wrong_on_every_item(name: str) -> None:
    suite = load_suite(name)
    judge = Judge({"math": get_solve_type("math")}, lambda: None, EnvConfig())
    tasks = [task for task in suite.tasks if isinstance(task, MathProblem)]
    verdicts = judge.verify([(task, example_response(str(int(task.answer) + 1))) for task in tasks])
    assert {verdict.outcome for verdict in verdicts} == {Outcome.WRONG}


def test_a_modified_file_is_an_integrity_error(tmp_path: Path) -> None:
    (info,) = [i for i in frozen.read_manifest(DATA_DIR) if i.id == "gsm8k-sample@1"]
    shutil.copy(DATA_DIR / frozen.MANIFEST, tmp_path / frozen.MANIFEST)
    raw = bytearray((DATA_DIR / info.file).read_bytes())
    raw[-12] ^= 1
    (tmp_path / info.file).write_bytes(bytes(raw))
    with pytest.raises(SuiteIntegrityError, match="SHA-256"):
        load_suite("gsm8k-sample@1", data_dir=tmp_path)


def test_solve_v1_scores_the_gold_answer_correct(executor) -> None:
    import gymnasium

    import azr_env  # noqa: F401  (registers the env ids)

    env = gymnasium.make("azr_env/Solve-v5", suite="gsm8k-sample@1", executor=executor)
    observation, _ = env.reset(options={"index": 0})
    gold = load_suite("gsm8k-sample@1").tasks[0]
    assert isinstance(gold, MathProblem) and gold.question in observation
    _, reward, *_, step = env.step(example_response(f"\\boxed{{{gold.answer}}}"))
    assert (reward, step["outcome"]) == (1.0, "correct")
