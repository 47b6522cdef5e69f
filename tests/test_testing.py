from collections.abc import Sequence

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, ProposalContext, Task, Verdict
from azr_env.tasks.deduction import Deduction
from azr_env.testing import check_task_type


class AlwaysCorrect(Deduction):
    """A broken type: it scores every answer correct."""

    def verify(self, items: Sequence[tuple[Task, str]], executor: ExecutorBackend) -> list[Verdict]:
        return [Verdict(Outcome.CORRECT) for _ in items]


class NoExamples(Deduction):
    """A type without conformance fixtures."""

    conformance_examples = None  # type: ignore[assignment]


class Raising(Deduction):
    """A type whose verify raises."""

    def verify(self, items: Sequence[tuple[Task, str]], executor: ExecutorBackend) -> list[Verdict]:
        raise RuntimeError("boom")


class UnseededContext(Deduction):
    """A type whose context ignores the seed."""

    calls = 0

    def make_context(self, buffers, k, rng) -> ProposalContext:  # type: ignore[no-untyped-def]
        UnseededContext.calls += 1
        return ProposalContext(references=(Task("deduction", "def f(x):\n    return x\n", (str(self.calls),), ("1",)),))


def test_a_type_that_accepts_everything_fails(executor: ExecutorBackend) -> None:
    report = check_task_type(AlwaysCorrect(), executor)
    assert not report.passed and any("wrong answer" in failure for failure in report.failures)


def test_a_type_without_examples_gets_a_clear_failure(executor: ExecutorBackend) -> None:
    report = check_task_type(NoExamples(), executor)
    assert any("conformance_examples" in failure for failure in report.failures)


def test_the_kit_reports_instead_of_raising(executor: ExecutorBackend) -> None:
    report = check_task_type(Raising(), executor)
    assert any("RuntimeError: boom" in failure for failure in report.failures)


def test_the_kit_catches_contexts_that_ignore_the_seed(executor: ExecutorBackend) -> None:
    report = check_task_type(UnseededContext(), executor)
    assert any("same seed" in failure for failure in report.failures)
