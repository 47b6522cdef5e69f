import pytest

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.answers import MAX_ANSWER_CHARS, _literal, canonicalize_many
from azr_env.tasks.program_io import IDENTITY_PROGRAM

LITERALS = [
    "[3, 1]",
    "{'b': 1, 'a': (2,)}",
    "{3, 1, 2}",
    "frozenset({2, 1})",
    "-0.0",
    "1e400",
    "b'x'",
    "'a', 2",
    "set()",
]


@pytest.mark.parametrize("expr", LITERALS)
def test_fast_path_gives_the_sandbox_canonical_string(expr: str, executor: ExecutorBackend) -> None:
    fast = canonicalize_many([expr], executor)[0].output
    (sandbox,) = executor.run_many([(IDENTITY_PROGRAM, f"(\n{expr}\n)")])
    assert fast == sandbox.output


def test_non_literal_goes_to_the_sandbox() -> None:
    assert _literal("float('nan')") is None


def test_oversized_answer_is_refused_without_running(executor: ExecutorBackend) -> None:
    value = canonicalize_many(["1" * (MAX_ANSWER_CHARS + 1)], executor)[0]
    assert value.output is None and "longer" in value.error
