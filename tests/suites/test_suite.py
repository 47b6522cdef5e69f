from pathlib import Path

import pytest

from azr_env.errors import SuiteIntegrityError, UnknownNameError
from azr_env.suites import frozen, list_suites, load_suite
from azr_env.tasks.base import Task


def _release(data_dir: Path, name: str, version: int, tasks: list[Task]) -> None:
    raw = frozen.gzip_bytes(frozen.encode_tasks(tasks, [f"X/{i}" for i in range(len(tasks))]))
    info = frozen.SuiteInfo(
        name=name,
        version=version,
        file=f"{name}@{version}.jsonl.gz",
        size=len(tasks),
        sha256=frozen.sha256_hex(raw),
        content_sha256=frozen.sha256_hex(frozen.encode_tasks(tasks, [f"X/{i}" for i in range(len(tasks))])),
        task_type="deduction",
        source="test",
        license="MIT",
        description="a test suite",
    )
    (data_dir / info.file).write_bytes(raw)
    frozen.write_manifest(data_dir, [*frozen.read_manifest(data_dir), info])


def _task(x: int) -> Task:
    return Task("deduction", "def f(x):\n    return x + 1", (str(x),), (str(x + 1),))


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    _release(tmp_path, "toy-deduction", 1, [_task(1), _task(2)])
    _release(tmp_path, "toy-deduction", 2, [_task(3)])
    return tmp_path


def test_plain_name_loads_the_latest_version(data_dir: Path) -> None:
    suite = load_suite("toy-deduction", data_dir=data_dir)
    assert (suite.version, len(suite), suite.id) == (2, 1, "toy-deduction@2")


def test_pinned_name_loads_that_version(data_dir: Path) -> None:
    suite = load_suite("toy-deduction@1", data_dir=data_dir)
    assert [t.inputs for t in suite] == [("1",), ("2",)] and suite.origins == ("X/0", "X/1")


def test_loaded_tasks_equal_the_released_ones(data_dir: Path) -> None:
    assert load_suite("toy-deduction@1", data_dir=data_dir).tasks == (_task(1), _task(2))


def test_list_suites_names_and_versions(data_dir: Path) -> None:
    assert list_suites(data_dir=data_dir) == ["toy-deduction"]
    assert list_suites(versions=True, data_dir=data_dir) == ["toy-deduction@1", "toy-deduction@2"]


def test_unknown_name_suggests_close_match(data_dir: Path) -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'toy-deduction'"):
        load_suite("toy-deductoin", data_dir=data_dir)


def test_unknown_version_lists_known_versions(data_dir: Path) -> None:
    with pytest.raises(UnknownNameError, match="toy-deduction@1"):
        load_suite("toy-deduction@9", data_dir=data_dir)


def test_modified_file_raises_integrity_error(data_dir: Path) -> None:
    path = data_dir / "toy-deduction@1.jsonl.gz"
    path.write_bytes(frozen.gzip_bytes(frozen.encode_tasks([_task(1), _task(5)], ["X/0", "X/1"])))
    with pytest.raises(SuiteIntegrityError, match="modified or corrupted"):
        load_suite("toy-deduction@1", data_dir=data_dir)


def test_missing_file_raises_integrity_error(data_dir: Path) -> None:
    (data_dir / "toy-deduction@2.jsonl.gz").unlink()
    with pytest.raises(SuiteIntegrityError, match="missing"):
        load_suite("toy-deduction", data_dir=data_dir)


def test_same_tasks_give_the_same_bytes() -> None:
    content = frozen.encode_tasks([_task(1)], ["X/0"])
    assert frozen.gzip_bytes(content) == frozen.gzip_bytes(content)


def test_a_program_holding_a_line_separator_loads_as_written(tmp_path: Path) -> None:
    task = Task("deduction", "def f(x):\n    return 'a\u2028b\u2029c'", ("1",), ("'a\\u2028b\\u2029c'",))
    _release(tmp_path, "separator-deduction", 1, [task])
    assert load_suite("separator-deduction", data_dir=tmp_path).tasks == (task,)
