from pathlib import Path

import pytest

from azr_env.errors import ConfigError, UnknownNameError
from azr_env.executor.result import ExecStatus, ValidationResult
from azr_env.suites import build, cruxeval, frozen, list_suites, load_suite
from azr_env.suites.wheels import has_pinned_data

ALLOWED = frozenset({"math", "collections", "itertools", "typing"})


class EchoExecutor:
    """Stands in for the sandbox: every pair is valid and its output is the input's repr."""

    def validate_many(self, jobs, deadline_share=0.5):
        return [ValidationResult(ExecStatus.OK, repr(text)) for _, text in jobs]

    def close(self) -> None:
        pass


def _build(source_dir: Path, out: Path, *, check: bool = False) -> int:
    return build.build(source_dir, out, EchoExecutor(), ALLOWED, check=check, cruxeval_dir=source_dir)  # type: ignore[arg-type]


def test_build_releases_every_spec_with_a_manifest(source_dir: Path, tmp_path: Path) -> None:
    assert _build(source_dir, tmp_path / "out") == 0
    assert list_suites(data_dir=tmp_path / "out") == sorted(spec.name for spec in build.SPECS)


def test_built_suites_load_and_verify(source_dir: Path, tmp_path: Path) -> None:
    _build(source_dir, tmp_path / "out")
    suite = load_suite("humaneval-deduction@1", data_dir=tmp_path / "out")
    assert suite.origins == ("HumanEval/0", "HumanEval/0")
    assert [t.outputs for t in suite] == [("'4'",), ("'n=9'",)]


def test_induction_takes_ten_codeio_pairs_and_the_description(source_dir: Path, tmp_path: Path) -> None:
    _build(source_dir, tmp_path / "out")
    (task,) = load_suite("induction", data_dir=tmp_path / "out").tasks
    assert len(task.inputs) == 10 and task.message == "Add two integers."


def test_same_inputs_give_identical_files(source_dir: Path, tmp_path: Path) -> None:
    _build(source_dir, tmp_path / "a")
    _build(source_dir, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert all((tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes() for n in names)


def test_rebuild_leaves_a_release_untouched(source_dir: Path, tmp_path: Path) -> None:
    _build(source_dir, tmp_path / "out")
    before = frozen.read_manifest(tmp_path / "out")
    assert _build(source_dir, tmp_path / "out") == 0
    assert frozen.read_manifest(tmp_path / "out") == before


def test_rebuild_that_changes_a_release_is_refused(source_dir: Path, tmp_path: Path, monkeypatch) -> None:
    _build(source_dir, tmp_path / "out")
    monkeypatch.setattr(build, "BUILD_SEED", build.BUILD_SEED + 1)
    with pytest.raises(ConfigError, match="new version number"):
        _build(source_dir, tmp_path / "out")


def test_check_mode_reports_a_changed_release(source_dir: Path, tmp_path: Path, monkeypatch) -> None:
    _build(source_dir, tmp_path / "out")
    monkeypatch.setattr(build, "BUILD_SEED", build.BUILD_SEED + 1)
    assert _build(source_dir, tmp_path / "out", check=True) == 1


def test_synthetic_data_is_not_the_pinned_data(source_dir: Path) -> None:
    assert not has_pinned_data(source_dir)


def test_entry_point_help_runs() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "azr_env.suites.build", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "--data-dir" in done.stdout


def test_only_builds_the_named_suites_without_the_wheels(source_dir: Path, tmp_path: Path) -> None:
    specs = build.select_specs(["cruxeval-input"])
    build.build(None, tmp_path / "out", EchoExecutor(), ALLOWED, specs=specs, cruxeval_dir=source_dir)  # type: ignore[arg-type]
    assert list_suites(data_dir=tmp_path / "out") == ["cruxeval-input"]


def test_only_refuses_an_unknown_suite() -> None:
    with pytest.raises(UnknownNameError, match="cruxeval-output"):
        build.select_specs(["cruxeval-outputs"])


def test_cruxeval_suites_keep_every_item_in_order_with_the_program_verbatim(source_dir: Path, tmp_path: Path) -> None:
    _build(source_dir, tmp_path / "out")
    suite = load_suite("cruxeval-output", data_dir=tmp_path / "out")
    assert suite.origins == ("sample_0", "sample_1") and suite.tasks[1].program == "def f(d):\n    return list(d)"


def test_a_modified_cruxeval_file_is_refused(source_dir: Path, tmp_path: Path) -> None:
    path = source_dir / cruxeval.CRUXEVAL_FILE
    path.write_bytes(path.read_bytes().replace(b"'cba'", b"'abc'"))
    with pytest.raises(ConfigError, match="not the pinned CRUXEval release"):
        _build(source_dir, tmp_path / "out")
