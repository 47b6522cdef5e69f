"""Validation compares runs that share no history: own hash seed, own gc threshold, own process per run; and the
same task always gets the same verdict (the seeds are fixed per zygote, the runs start from a reset state)."""

from __future__ import annotations

import itertools
import time

import pytest

from azr_env.errors import ConfigError
from azr_env.executor import ExecStatus, ExecutionResult, Executor
from azr_env.executor.pool import _compare
from azr_env.executor.spawn import zygote_environment
from azr_env.executor.worker import Variant

from .hostile_isolation import GC_TIMING

JOIN_SET = "def f(s):\n    return ''.join(set(s))\n"
SMALL_SETS = ["".join(letters) for letters in itertools.combinations("abcdefghij", 3)]
"""The 120 sets of three one-letter strings from ``a``-``j``: two fixed seeds agree on the order of 12 of them."""


def test_every_small_set_of_strings_is_caught(executor: Executor) -> None:
    results = executor.validate_many([(JOIN_SET, repr(s)) for s in SMALL_SETS])
    assert [r.outcome for r in results] == [ExecStatus.NONDETERMINISTIC] * len(SMALL_SETS)


def test_the_same_task_gets_the_same_verdict(executor: Executor) -> None:
    jobs = [(JOIN_SET, repr(s)) for s in SMALL_SETS[:20]] + [(GC_TIMING, "")]
    first = executor.validate_many(jobs)
    executor.run_many([("def f():\n    return len([[i] for i in range(50000)])", "")] * 8)  # other history
    assert executor.validate_many(jobs) == first


def test_a_gc_dependent_output_is_the_same_in_every_reference_run(executor: Executor) -> None:
    noise = ("def f(n):\n    return len([[i] for i in range(n)])", "")
    jobs = [(GC_TIMING, "")] + [(noise[0], str(n)) for n in (1, 999, 12345)] + [(GC_TIMING, "")]
    outputs = {r.output for r in executor.run_many(jobs)[:: len(jobs) - 1]}
    assert outputs == {"2676"}


def test_a_validation_run_has_half_the_deadline() -> None:
    # A program tuned to just under the deadline would time out at random when its answers are scored under load.
    with Executor(workers=1, timeout_s=2.0, memory_mb=256) as ex:
        start = time.monotonic()
        result = ex.validate("def f():\n    while True:\n        pass", "")
        elapsed = time.monotonic() - start
    assert result.outcome is ExecStatus.TIMEOUT
    assert elapsed < 1.8


@pytest.mark.parametrize("runs", [1, 6])
def test_the_number_of_runs_is_bounded(runs: int) -> None:
    with pytest.raises(ConfigError, match="determinism_runs"):
        Executor(workers=1, determinism_runs=runs)


OK = ExecutionResult(ExecStatus.OK, "1")


@pytest.mark.parametrize(
    ("runs", "outcome"),
    [
        ([OK, OK, OK], ExecStatus.OK),
        ([OK, OK, ExecutionResult(ExecStatus.OK, "2")], ExecStatus.NONDETERMINISTIC),
        ([OK, ExecutionResult(ExecStatus.ERROR), OK], ExecStatus.NONDETERMINISTIC),
        ([OK, OK, ExecutionResult(ExecStatus.TIMEOUT)], ExecStatus.TIMEOUT),
        ([ExecutionResult(ExecStatus.ERROR)] * 3, ExecStatus.ERROR),
        ([ExecutionResult(ExecStatus.ERROR), ExecutionResult(ExecStatus.BAD_INPUT)] * 1, ExecStatus.NONDETERMINISTIC),
    ],
)
def test_runs_combine_into_one_verdict(runs: list[ExecutionResult], outcome: ExecStatus) -> None:
    assert _compare(runs).outcome is outcome


ADDRESS_BITS = {
    "object_repr_digit": ("def f():\n    return repr(object())[-3]\n", 6),
    "function_repr_digit": ("def f():\n    g = lambda: 0\n    return str(g)[-3]\n", 10),
    "generator_repr_digit": ("def f():\n    return repr(i for i in range(3))[-3]\n", 6),
    "set_of_builtin_functions": ("def f():\n    return str({len, abs, max})\n", 6),
    "set_of_two_lambdas": ("def f():\n    a = lambda: 1\n    b = lambda: 2\n    return [g() for g in {a, b}]\n", 16),
}
"""Outputs made of an address's low bits, which one allocation history gives every zygote, and the most of 24
validations each may pass. With one allocator and no padding, each passed all 24 in 7 or 8 of 8 fresh executors;
since, at most 2 (digits) and 10 (the set, one bit) in one, and 1, 8, 1, 0 and 47 of 192 in all."""


@pytest.mark.parametrize(("program", "most"), ADDRESS_BITS.values(), ids=ADDRESS_BITS)
def test_an_output_made_of_an_address_s_low_bits_is_caught(executor: Executor, program: str, most: int) -> None:
    results = executor.validate_many([(program, "")] * 24)
    assert sum(result.valid for result in results) <= most


def test_the_validation_groups_run_under_their_own_layout() -> None:
    assert zygote_environment(0, 7) == {"PYTHONHASHSEED": "7"}
    assert zygote_environment(1, 7) == {"PYTHONHASHSEED": "7", "PYTHONMALLOC": "malloc"}
    assert Variant(0).padding() == ()
    assert len({len(Variant(2).padding()) for _ in range(8)}) > 1
