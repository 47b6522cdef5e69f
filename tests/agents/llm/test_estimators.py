"""The estimator registry and the built-in estimators."""

from __future__ import annotations

import numpy as np
import pytest

from agents.llm.estimators import AdvantageInputs, get_estimator, list_estimators, register_estimator
from azr_env.errors import DuplicateNameError, UnknownNameError


def inputs(rewards, groups, roles=None, types=None, level="sequence"):
    n = len(rewards)
    return AdvantageInputs(
        rewards=np.asarray(rewards, dtype=float),
        task_types=types or ["deduction"] * n,
        roles=roles or ["solve"] * n,
        group_ids=groups,
        lengths=np.ones(n),
        level=level,
    )


def test_builtins_are_registered():
    assert {"trr++", "grpo", "reinforce++", "rloo"} <= set(list_estimators())


def test_unknown_name_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'grpo'"):
        get_estimator("grp")


def test_duplicate_registration_is_refused():
    with pytest.raises(DuplicateNameError):
        register_estimator("trr++")(lambda batch: batch.rewards)


def test_grpo_groups_by_task():
    adv = get_estimator("grpo")(inputs([1, 0, 5, 0], ["t1", "t1", "t2", "t3"]))
    np.testing.assert_allclose(adv, [1, -1, 0, 0], atol=1e-7)


def test_reinforce_pp_uses_one_global_baseline():
    adv = get_estimator("reinforce++")(inputs([1, 0], ["a", "b"], roles=["propose", "solve"]))
    np.testing.assert_allclose(adv, [1, -1], atol=1e-7)


def test_rloo_leave_one_out():
    adv = get_estimator("rloo")(inputs([1, 0, 0, 7], ["t", "t", "t", "u"]))
    np.testing.assert_allclose(adv, [1, -0.5, -0.5, 0])


def test_trr_pp_separates_roles():
    batch = inputs([1, 0, 1, 0], ["a", "b", "c", "d"], roles=["propose", "propose", "solve", "solve"])
    np.testing.assert_allclose(get_estimator("trr++")(batch), [1, -1, 1, -1], atol=1e-7)


def test_module_colon_function_imports_an_unregistered_estimator():
    from agents.llm.estimators.rloo import rloo

    assert get_estimator("agents.llm.estimators.rloo:rloo") is rloo


def test_bad_module_path_is_an_unknown_name():
    with pytest.raises(UnknownNameError):
        get_estimator("no_such_module:f")


def test_module_colon_function_finds_a_module_in_the_working_directory(tmp_path, monkeypatch):
    """`azr` is a console script (sys.path[0] is its bin dir): a user's estimator file in the cwd still loads."""
    (tmp_path / "my_cwd_estimators.py").write_text("def halve(inputs):\n    return inputs.rewards / 2\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", [p for p in __import__("sys").path if p not in ("", str(tmp_path))])
    assert get_estimator("my_cwd_estimators:halve").__name__ == "halve"
