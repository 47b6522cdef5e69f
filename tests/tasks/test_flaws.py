"""One test per known flaw of the paper's code (DESIGN.md section 9), each showing that we do not have it."""

import builtins
import time
from pathlib import Path

import numpy as np
import pytest

from azr_env.buffer import TaskBuffer
from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.result import ExecStatus
from azr_env.tasks import Outcome, Proposal, ProposalContext, Task, get_task_type

from .helpers import fenced, parse, respond, verdict

DEDUCTION = get_task_type("deduction")


def identity_task(n: int) -> Task:
    return Task("deduction", "def f(x):\n    return x\n", (str(n),), (str(n),))


def test_buffer_cap_evicts_oldest_not_new() -> None:
    """Flaw: the paper's buffer cap keeps the oldest tasks and silently drops new ones."""
    buffer = TaskBuffer(cap=3)
    for n in range(5):
        buffer.add(identity_task(n))
    assert [task.inputs[0] for task in buffer.tasks("deduction")] == ["2", "3", "4"]


def test_hostile_answer_is_not_evaluated_in_our_process(
    tmp_path: Path, executor: ExecutorBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flaw: the paper evals model answers in the trainer process (code execution)."""

    def no_eval(*args: object, **kwargs: object) -> None:
        raise AssertionError("eval was called in the env process")

    monkeypatch.setattr(builtins, "eval", no_eval)
    marker = tmp_path / "pwned"
    answer = respond(fenced("output", f"__import__('os').system('touch {marker}')"))
    assert (verdict(identity_task(0), answer, executor), marker.exists()) == (Outcome.FORMAT_ERROR, False)


def test_hanging_answer_is_contained(executor: ExecutorBackend) -> None:
    """Flaw: the paper evals answers in the trainer with no timeout (a hang stops training)."""
    started = time.monotonic()
    answer = respond(fenced("output", "[n for n in iter(int, 1)]"))
    outcome = verdict(identity_task(0), answer, executor, answer_syntax="expression")
    assert outcome is Outcome.WRONG and time.monotonic() - started < 30


def test_first_fence_parsing_absent() -> None:
    """Flaw: the paper takes the first fence as the program, which can be the input fence."""
    text = respond(fenced("input", "[1, 2]"), fenced("python", "def f(xs):\n    return len(xs)"))
    proposal = parse("deduction", text, ProposalContext())
    assert isinstance(proposal, Proposal) and proposal.program.startswith("def f(xs)")


def test_multiple_def_regex_absent(executor: ExecutorBackend) -> None:
    """Flaw: the paper rejects any program with more than one def, so helpers and methods the prompt allows fail."""
    program = (
        "class Stack:\n    def __init__(self):\n        self.items = []\n\n"
        "    def push(self, x):\n        self.items.append(x)\n        return len(self.items)\n\n"
        "def helper(x):\n    def inner(y):\n        return y + 1\n    return inner(x)\n\n"
        "def f(x):\n    s = Stack()\n    s.push(x)\n    return s.push(helper(x))\n"
    )
    check = DEDUCTION.validate([(Proposal(program, ("1",)), ProposalContext())], executor)[0]
    assert check.outcome is Outcome.VALID, check


def test_nondeterminism_across_hash_seeds_is_caught(executor: ExecutorBackend) -> None:
    """Flaw: the paper checks determinism twice in one process, which misses str-hash-dependent set order."""
    program = "def f(n):\n    return list({'w' + str(i) for i in range(n)})\n"
    check = DEDUCTION.validate([(Proposal(program, ("40",)), ProposalContext())], executor)[0]
    assert (check.outcome, check.status) == (Outcome.INVALID, ExecStatus.NONDETERMINISTIC)


def test_long_output_is_kept_exact(executor: ExecutorBackend) -> None:
    """Flaw: the paper truncates outputs to 400 characters, corrupting gold labels."""
    check = DEDUCTION.validate([(Proposal("def f(n):\n    return 'ab' * n\n", ("500",)), ProposalContext())], executor)
    assert check[0].task is not None and check[0].task.outputs == (repr("ab" * 500),)


def test_too_long_output_is_rejected_not_truncated(executor: ExecutorBackend) -> None:
    """Flaw: the paper truncates outputs to 400 characters; an output over our cap is refused instead."""
    check = DEDUCTION.validate(
        [(Proposal("def f(n):\n    return 'ab' * n\n", ("50000",)), ProposalContext())], executor
    )
    assert (check[0].outcome, check[0].status) == (Outcome.INVALID, ExecStatus.OUTPUT_TOO_LARGE)


def test_reference_sampling_is_seeded() -> None:
    """Flaw: the paper samples references with the unseeded global numpy RNG."""
    buffer = TaskBuffer()
    for n in range(50):
        buffer.add(identity_task(n))
    contexts = [DEDUCTION.make_context(buffer.views(), 6, np.random.default_rng(7)) for _ in range(2)]
    assert contexts[0] == contexts[1] and DEDUCTION.proposer_prompt(contexts[0]) == DEDUCTION.proposer_prompt(
        contexts[1]
    )


def test_reference_sampling_depends_on_the_seed() -> None:
    """Flaw (unseeded RNG), converse: different seeds give different references, so the seed is really used."""
    buffer = TaskBuffer()
    for n in range(50):
        buffer.add(identity_task(n))
    first, second = (DEDUCTION.make_context(buffer.views(), 6, np.random.default_rng(s)) for s in (1, 2))
    assert first != second
