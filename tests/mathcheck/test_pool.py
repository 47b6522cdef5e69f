"""The math checker: math-verify in a locked-down worker with a deadline, killed and replaced when it overruns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from azr_env.mathcheck.pool import Check, CheckStatus, MathChecker

TOWER = "9^{9^{9^{9}}}"
"""sympy evaluates this power exactly: it never finishes."""


@pytest.fixture(scope="module")
def checker() -> Iterator[MathChecker]:
    with_short_deadline = MathChecker(timeout_s=2.0)
    yield with_short_deadline
    with_short_deadline.close()


EQUIVALENT = [("0.5", "\\frac{1}{2}"), ("1000", "1,000"), ("18", "18.0"), ("18", "\\$18")]


@pytest.mark.parametrize(("gold", "answer"), EQUIVALENT)
def test_equivalent_forms_are_correct(checker: MathChecker, gold: str, answer: str) -> None:
    assert checker.check_many([(gold, answer)]) == [Check(True)]


def test_a_different_number_is_wrong(checker: MathChecker) -> None:
    (check,) = checker.check_many([("18", "19")])
    assert (check.correct, check.status) == (False, CheckStatus.OK)


def test_a_set_holding_the_gold_is_wrong(checker: MathChecker) -> None:
    (check,) = checker.check_many([("18", "3, 18")])
    assert not check.correct


def test_a_runaway_comparison_times_out_and_the_worker_is_replaced(checker: MathChecker) -> None:
    before = checker.replaced
    timed_out, after = checker.check_many([("2", TOWER), ("18", "18")])
    assert (timed_out.status, checker.replaced, after) == (CheckStatus.TIMEOUT, before + 1, Check(True))


def test_an_oversized_request_kills_the_worker_not_the_env(checker: MathChecker) -> None:
    crashed, after = checker.check_many([("7", "7" * 100_000), ("18", "18")])
    assert (crashed.status, after) == (CheckStatus.CRASHED, Check(True))


def test_the_worker_runs_under_seccomp_without_files_or_network(checker: MathChecker) -> None:
    layers = checker.security_layers()
    assert layers["seccomp"] and layers["rlimits"] and layers["closed_fds"]


def test_a_child_process_never_shares_its_parents_checker(monkeypatch) -> None:
    import os

    from azr_env.mathcheck.pool import shared_checker

    parent = shared_checker()
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert shared_checker() is not parent


def test_without_math_verify_the_error_names_the_extra(monkeypatch) -> None:
    import importlib.util

    from azr_env.errors import MissingDependencyError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "math_verify" else real(name, *a))
    with pytest.raises(MissingDependencyError, match=r"azr-env\[math\]"):
        MathChecker()
