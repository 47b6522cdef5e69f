from collections import Counter
from pathlib import Path

from azr_env.suites import sources

ALLOWED = frozenset({"math", "collections", "itertools", "typing"})


def _humaneval(source_dir: Path, skipped: Counter[str] | None = None) -> list[sources.SourceProgram]:
    return list(sources.iter_humaneval(source_dir, allowed_modules=ALLOWED, skipped=skipped))


def _codeio(source_dir: Path, skipped: Counter[str] | None = None, seed: int = 0) -> list[sources.SourceProgram]:
    return list(sources.iter_codeio(source_dir, n_inputs=4, seed=seed, allowed_modules=ALLOWED, skipped=skipped))


def test_humaneval_program_is_renamed_to_f_with_helper_and_no_docstrings(source_dir: Path) -> None:
    program = _humaneval(source_dir)[0].program
    assert "def f(n: int)" in program and "f(helper(n))" in program and "def helper(n)" in program
    assert "count_down" not in program and "Halve" not in program and ">>>" not in program


def test_humaneval_inputs_are_distinct_literal_test_arguments(source_dir: Path) -> None:
    assert _humaneval(source_dir)[0].inputs == ("4", "n=9")


def test_humaneval_test_code_is_never_executed(source_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _humaneval(source_dir)
    assert not (tmp_path / "EXECUTED").exists()


def test_humaneval_description_stops_before_examples(source_dir: Path) -> None:
    description = _humaneval(source_dir)[0].description
    assert description == "Return n, helper(n), ... down to 1. Use the helper_function name freely."


def test_humaneval_skips_are_counted_by_reason(source_dir: Path) -> None:
    skipped: Counter[str] = Counter()
    assert [p.name for p in _humaneval(source_dir, skipped)] == ["HumanEval/0"]
    assert skipped == Counter({"forbidden_import": 1, "no_literal_test_inputs": 1})


def test_humaneval_metadata(source_dir: Path) -> None:
    item = _humaneval(source_dir)[0]
    assert (item.name, item.source, item.license) == ("HumanEval/0", "humaneval", "MIT")


def test_describe_keeps_plain_word_entry_points() -> None:
    assert sources.describe_humaneval("Return the longest one.", "longest") == "Return the longest one."


def test_codeio_inputs_are_positional_in_parameter_order(source_dir: Path) -> None:
    item = _codeio(source_dir)[0]
    assert "def f(a, b)" in item.program and "main_solution" not in item.program
    assert item.inputs and all(len(text.split(", ")) == 2 for text in item.inputs)
    assert item.description == "Add two integers."


def test_codeio_same_seed_gives_same_inputs(source_dir: Path) -> None:
    assert _codeio(source_dir, seed=3)[0].inputs == _codeio(source_dir, seed=3)[0].inputs


def test_codeio_different_seeds_give_different_inputs(source_dir: Path) -> None:
    assert _codeio(source_dir, seed=1)[0].inputs != _codeio(source_dir, seed=2)[0].inputs


def test_codeio_skips_are_counted_by_reason(source_dir: Path) -> None:
    skipped: Counter[str] = Counter()
    assert [p.name for p in _codeio(source_dir, skipped)] == ["codeio/0"]
    assert skipped == Counter({"forbidden_import": 1, "generator_failed": 1, "entry_point_rename_unsafe": 1})
