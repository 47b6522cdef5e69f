"""Each task type sends a whole batch to the executor in one call."""

from collections.abc import Mapping, Sequence

import pytest

from azr_env.executor.backend import ExecutorBackend, Job
from azr_env.executor.result import ExecutionResult, ValidationResult
from azr_env.tasks import Proposal, ProposalContext, Task, get_task_type

from .helpers import fenced, read, respond


class CountingExecutor:
    """Delegates to the real executor and counts batch calls and executed jobs."""

    def __init__(self, inner: ExecutorBackend) -> None:
        self.inner, self.calls, self.jobs, self.validated = inner, 0, 0, 0

    def run_many(self, jobs: Sequence[Job]) -> list[ExecutionResult]:
        self.calls += 1
        self.jobs += len(jobs)
        return self.inner.run_many(jobs)

    def validate_many(self, jobs: Sequence[Job], deadline_share: float = 0.5) -> list[ValidationResult]:
        self.calls += 1
        self.validated += len(jobs)
        return self.inner.validate_many(jobs, deadline_share)

    def security_layers(self) -> Mapping[str, bool]:
        return self.inner.security_layers()

    def close(self) -> None:
        """The shared executor is closed by its fixture."""


PROGRAM = "def f(x):\n    return x * 2\n"
IDENTITY_TASK = Task("induction", PROGRAM, tuple(str(n) for n in range(10)), tuple(str(2 * n) for n in range(10)))


@pytest.mark.parametrize("name", ["deduction", "abduction"])
def test_validate_is_one_call_per_batch(name: str, executor: ExecutorBackend) -> None:
    counting = CountingExecutor(executor)
    items = [(Proposal(PROGRAM, (str(n),)), ProposalContext()) for n in range(4)]
    get_task_type(name).validate(items, counting)
    assert counting.calls == 1


def test_induction_validate_is_one_call_per_batch(executor: ExecutorBackend) -> None:
    counting = CountingExecutor(executor)
    inputs = tuple(str(n) for n in range(10))
    items = [(Proposal(PROGRAM, inputs, f"hint {n}"), ProposalContext()) for n in range(3)]
    get_task_type("induction").validate(items, counting)
    assert counting.calls == 1


def test_deduction_verify_makes_no_executor_call(executor: ExecutorBackend) -> None:
    """Answers are data: their canonical values are computed in the env's process."""
    counting = CountingExecutor(executor)
    task = Task("deduction", PROGRAM, ("2",), ("4",))
    answers = [read(respond(fenced("output", text))) for text in ("4", "float('inf')", "sum([1, 3])")]
    get_task_type("deduction").verify([(task, answer) for answer in answers], counting)
    assert counting.calls == 0


def test_abduction_verify_is_one_call_per_batch(executor: ExecutorBackend) -> None:
    counting = CountingExecutor(executor)
    task = Task("abduction", PROGRAM, ("2",), ("4",))
    answers = [read(respond(fenced("input", text))) for text in ("2", "3", "1 + 1", "")]
    get_task_type("abduction").verify([(task, answer) for answer in answers], counting)
    assert counting.calls == 1


def test_induction_verify_is_three_calls_per_batch(executor: ExecutorBackend) -> None:
    """First pairs in one batch, the remaining pairs of the programs that matched in a second one, and every pair of
    the programs that matched all of them, once per distinct job, in every zygote in a third."""
    counting = CountingExecutor(executor)
    answer, no_block = read(respond(fenced("python", PROGRAM))), read(respond("x"))
    items = [(IDENTITY_TASK, answer)] * 3 + [(IDENTITY_TASK, no_block)]
    verdicts = get_task_type("induction").verify(items, counting)
    assert (counting.calls, counting.validated) == (3, 10)
    assert [v.outcome.value for v in verdicts] == ["correct"] * 3 + ["format_error"]


def test_induction_wrong_program_runs_once(executor: ExecutorBackend) -> None:
    """A program that fails its first pair (here: loops forever) is not run on the other nine inputs."""
    counting = CountingExecutor(executor)
    looping = read(respond(fenced("python", "def f(x):\n    while True:\n        pass\n")))
    wrong = read(respond(fenced("python", "def f(x):\n    return x + 1\n")))
    verdicts = get_task_type("induction").verify([(IDENTITY_TASK, looping), (IDENTITY_TASK, wrong)], counting)
    assert counting.jobs == 2
    assert counting.calls == 1  # no second batch when no first pair matched
    assert [v.outcome.value for v in verdicts] == ["wrong", "wrong"]
