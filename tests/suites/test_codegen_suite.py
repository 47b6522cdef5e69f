"""``humaneval-codegen@1``: loads as typed problems, and its content is checked on every load."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from azr_env.errors import SuiteIntegrityError
from azr_env.suites import frozen, load_suite
from azr_env.suites.suite import DATA_DIR
from azr_env.tasks.codegen import CodegenProblem

NAME = "humaneval-codegen@1"


def test_the_suite_loads_every_usable_humaneval_problem() -> None:
    suite = load_suite(NAME)
    assert len(suite) == 159 and all(isinstance(task, CodegenProblem) for task in suite)


def test_the_random_input_and_hashlib_problems_are_left_out() -> None:
    assert not {"HumanEval/32", "HumanEval/38", "HumanEval/50", "HumanEval/53", "HumanEval/162"} & set(
        load_suite(NAME).origins
    )


def _tampered_copy(tmp_path: Path) -> Path:
    """A data dir whose suite file has one test weakened, digests updated: only the content ids can tell."""
    (info,) = [i for i in frozen.read_manifest(DATA_DIR) if i.id == NAME]
    lines = gzip.decompress((DATA_DIR / info.file).read_bytes()).decode("utf-8").split("\n")
    record = json.loads(lines[0])
    record["test"] = "def check(candidate):\n    pass\n"
    lines[0] = json.dumps(record, ensure_ascii=False, sort_keys=True)
    raw = frozen.gzip_bytes("\n".join(lines).encode("utf-8"))
    (tmp_path / info.file).write_bytes(raw)
    shutil.copy(DATA_DIR / frozen.MANIFEST, tmp_path / frozen.MANIFEST)
    infos = frozen.read_manifest(tmp_path)
    frozen.write_manifest(tmp_path, [replace(i, sha256=frozen.sha256_hex(raw)) if i.id == NAME else i for i in infos])
    return tmp_path


def test_a_weakened_test_is_an_integrity_error(tmp_path: Path) -> None:
    with pytest.raises(SuiteIntegrityError, match="does not match its content"):
        load_suite(NAME, data_dir=_tampered_copy(tmp_path))
