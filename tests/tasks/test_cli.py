"""Subprocess smoke tests of ``azr tasks list`` and ``azr check``."""

import subprocess
import sys

AZR = [sys.executable, "-m", "azr_env.cli"]


def test_tasks_list_prints_every_builtin_with_its_description() -> None:
    result = subprocess.run([*AZR, "tasks", "list"], capture_output=True, text=True, timeout=60, check=True)
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["deduction", "abduction", "induction"]


def test_check_passes_a_builtin_by_import_path() -> None:
    result = subprocess.run(
        [*AZR, "check", "azr_env.tasks.abduction:Abduction"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_of_an_unknown_name_fails_with_a_suggestion() -> None:
    result = subprocess.run([*AZR, "check", "abductoin"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1 and "did you mean 'abduction'" in result.stderr


def test_check_of_a_broken_type_exits_1_and_lists_failures() -> None:
    result = subprocess.run(
        [*AZR, "check", "tests.test_testing:AlwaysCorrect"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1 and "FAILED" in result.stdout and "wrong answer" in result.stdout
