"""``azr_env.executor.caught``: the mark a resource error leaves on a run, and what the compiler adds for it."""

from __future__ import annotations

import ast

import pytest

from azr_env.executor import caught
from azr_env.executor.result import ExecStatus


def test_arming_a_run_empties_the_mark_of_the_run_before() -> None:
    caught.arm({})
    caught.note(RecursionError)
    caught.arm({})
    assert caught.hit() is None


def test_a_dropped_resource_error_marks_the_run_and_another_error_does_not() -> None:
    caught.arm({})
    caught.note(ValueError)
    caught.note(None)
    assert caught.hit() is None
    caught.note(MemoryError)
    assert caught.hit() is ExecStatus.MEMORY


def test_a_guarded_try_marks_before_the_programs_handlers_run() -> None:
    tree = ast.parse("try:\n    raise RecursionError\nexcept Exception:\n    seen = 1\nfinally:\n    done = 1\n")
    tree.body[0] = caught.guard_try(tree.body[0])  # type: ignore[arg-type]
    scope: dict[str, object] = {}
    caught.arm(scope)
    with pytest.raises(RecursionError):  # the program's handler never saw it
        exec(compile(tree, "<test>", "exec"), scope)
    assert (caught.hit(), "seen" in scope, scope.get("done")) == (ExecStatus.RECURSION, False, 1)
