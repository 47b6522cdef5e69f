"""The released suites shipped in azr_env/suites/data: frozen, loadable, and still labelled correctly."""

import ast
import shutil
import tomllib
from pathlib import Path

import pytest

from azr_env.errors import SuiteIntegrityError
from azr_env.suites import frozen, list_suites, load_suite
from azr_env.suites.suite import DATA_DIR
from azr_env.tasks import list_task_types

RELEASED = frozen.read_manifest(DATA_DIR)
IDS = [info.id for info in RELEASED]
PROGRAMS = [info for info in RELEASED if info.task_type in list_task_types()]
"""Suites of program tasks (self-play types); a solve-only type's problems have no program or labels."""
SAMPLE_PER_SUITE = 6


def test_there_are_released_suites() -> None:
    assert {
        "humaneval-deduction", "humaneval-abduction", "codeio-deduction", "codeio-abduction", "induction",
        "cruxeval-output", "cruxeval-input",
    } <= set(list_suites())  # fmt: skip


@pytest.mark.parametrize("info", RELEASED, ids=IDS)
def test_file_matches_its_manifest_sha256(info: frozen.SuiteInfo) -> None:
    assert frozen.sha256_hex((DATA_DIR / info.file).read_bytes()) == info.sha256


def test_every_data_file_is_in_the_manifest() -> None:
    listed = {info.file for info in RELEASED} | {frozen.MANIFEST, "LICENSES.md"}
    assert {p.name for p in DATA_DIR.iterdir()} == listed


@pytest.mark.parametrize("info", RELEASED, ids=IDS)
def test_suite_loads_with_its_manifest_size_and_type(info: frozen.SuiteInfo) -> None:
    suite = load_suite(info.id)
    assert len(suite) == info.size > 0
    assert {t.task_type for t in suite} == {info.task_type}


@pytest.mark.parametrize("info", PROGRAMS, ids=[info.id for info in PROGRAMS])
def test_every_program_defines_one_top_level_f(info: frozen.SuiteInfo) -> None:
    for task in load_suite(info.id):
        names = [n.name for n in ast.parse(task.program).body if isinstance(n, ast.FunctionDef)]
        assert names.count("f") == 1


def test_induction_tasks_have_ten_distinct_inputs_and_a_code_free_message() -> None:
    for task in load_suite("induction"):
        assert len(set(task.inputs)) == 10 and task.message and task.program not in task.message


def test_packaged_data_stays_small() -> None:
    assert sum(p.stat().st_size for p in DATA_DIR.iterdir()) < 1_000_000


def test_package_data_glob_ships_the_suites() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "suites/data/*" in pyproject["tool"]["setuptools"]["package-data"]["azr_env"]


@pytest.mark.parametrize("info", RELEASED, ids=IDS)
def test_a_modified_data_file_raises_the_integrity_error(info: frozen.SuiteInfo, tmp_path: Path) -> None:
    copy = shutil.copytree(DATA_DIR, tmp_path / "data")
    raw = bytearray((copy / info.file).read_bytes())
    raw[len(raw) // 2] ^= 1
    (copy / info.file).write_bytes(bytes(raw))
    with pytest.raises(SuiteIntegrityError, match="SHA-256"):
        load_suite(info.id, data_dir=copy)


@pytest.mark.parametrize("info", PROGRAMS, ids=[info.id for info in PROGRAMS])
def test_sampled_labels_still_match_the_executor(info: frozen.SuiteInfo, executor) -> None:
    tasks = load_suite(info.id).tasks
    sample = tasks[:: max(1, len(tasks) // SAMPLE_PER_SUITE)][:SAMPLE_PER_SUITE]
    jobs = [(t.program, text) for t in sample for text in t.inputs]
    expected = [out for t in sample for out in t.outputs]
    results = executor.validate_many(jobs)
    assert [(r.outcome, r.output) for r in results] == [("ok", out) for out in expected]
