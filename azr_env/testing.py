"""Conformance kit: check that a task type keeps the task-type contract, with a real executor.

``check_task_type(task_type, executor)`` raises nothing; it returns a ``CheckReport`` listing every failed check.
It builds a proposer context from a zero-seeded buffer, then checks that

- the same seed gives the same context and the same prompts;
- the type's example proposal parses and validates (the type provides fixtures through an optional
  ``conformance_examples(context)`` method, see ``azr_env.tasks.examples.ProvidesExamples``);
- a known-correct answer scores ``CORRECT``, a wrong one ``WRONG``, malformed ones ``FORMAT_ERROR`` or ``WRONG``;
- hostile answers (code that would touch the file system, an endless loop, a huge value) are contained: they score
  ``WRONG`` or ``FORMAT_ERROR``, nothing raises, and no file appears.

Responses go through the env's own ``Judge`` (the one answer parser, strict R1 rule), so the type is checked on the
``Answer`` records it receives in an env.

Run it from the command line with ``azr check NAME`` or ``azr check package.module:ClassName``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from azr_env.buffer import TaskBuffer
from azr_env.config import EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.judge import Judge
from azr_env.tasks.base import Outcome, ProposalCheck, ProposalContext, Task, TaskType, Verdict
from azr_env.tasks.examples import ConformanceExamples, ProvidesExamples

__all__ = ["CheckReport", "ConformanceExamples", "ProvidesExamples", "check_task_type"]

SEED = 1234
K_REFERENCES = 3
BUILT_IN_SOURCES = ("deduction", "abduction", "induction")
"""Types seeded next to the checked one, so types that draw programs from other buffers have some."""

MALFORMED_ANSWERS = (
    "",
    "I think the answer is 42.",
    "<answer>42</answer>",
    "<think>unfinished</think>\n<answer>\n```output\n42\n```",
)
"""Responses without a complete envelope or without any fenced block: never correct; the first three (no envelope,
or an answer without any block) are format errors."""


def hostile_answers(marker: Path) -> list[str]:
    """Return full responses whose every fence carries hostile code; ``marker`` must never be created."""
    touch = f"__import__('os').system('touch {marker}')"
    loop = "[n for n in iter(int, 1)]"
    huge = "'x' * (10 ** 10)"
    program_touch = f"import os\ndef f(*args):\n    os.system('touch {marker}')\n    return open('{marker}', 'w')"
    write = f"open('{marker}', 'w').write('x')"
    program_write = f"def f(*args):\n    {write}\n    return args"
    program_loop = "def f(*args):\n    while True:\n        pass"
    responses = []
    for expr, program in (
        (touch, program_touch),
        (write, program_write),
        (loop, program_loop),
        (huge, "def f(*args):\n    return 'x' * 10 ** 10"),
    ):
        blocks = [f"```{tag}\n{expr}\n```" for tag in ("output", "input", "message")]
        responses.append("<answer>\n" + "\n".join([*blocks, f"```python\n{program}\n```"]) + "\n</answer>")
    responses.append("<answer>\n```output\n" + "9" * 20000 + "\n```\n</answer>")
    return responses


@dataclass
class CheckReport:
    """What ``check_task_type`` found.

    Attributes:
        passed: whether every check passed.
        failures: one line per failed check.
        checks: the names of the checks that ran.
    """

    passed: bool = True
    failures: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        """Record a failed check."""
        self.passed = False
        self.failures.append(message)


def check_task_type(task_type: TaskType, executor: ExecutorBackend) -> CheckReport:
    """Run every conformance check on ``task_type`` with ``executor``; never raises."""
    report = CheckReport()
    state: dict[str, object] = {}
    for check in (_check_seeding, _check_determinism, _check_examples, _check_answers, _check_hostile):
        report.checks.append(check.__name__.removeprefix("_check_"))
        try:
            check(task_type, executor, report, state)
        except Exception as exc:  # the kit reports, it never raises
            report.fail(f"{report.checks[-1]}: raised {type(exc).__name__}: {exc}")
            if check in (_check_seeding, _check_examples):
                break
    return report


def _check_seeding(
    task_type: TaskType, executor: ExecutorBackend, report: CheckReport, state: dict[str, object]
) -> None:
    names = [name for name in BUILT_IN_SOURCES if name != task_type.name]
    buffer = TaskBuffer.seeded([*names, task_type], executor)
    if buffer.size(task_type.name) == 0:
        report.fail("seeding: the zero-seeded buffer holds no task of this type")
    state["buffer"] = buffer
    state["context"] = task_type.make_context(buffer.views(), K_REFERENCES, np.random.default_rng(SEED))


def _check_determinism(
    task_type: TaskType, executor: ExecutorBackend, report: CheckReport, state: dict[str, object]
) -> None:
    buffer = _buffer(state)
    again = task_type.make_context(buffer.views(), K_REFERENCES, np.random.default_rng(SEED))
    if again != state["context"]:
        report.fail("determinism: the same seed gave different proposer contexts")
    elif task_type.proposer_prompt(again) != task_type.proposer_prompt(_context(state)):
        report.fail("determinism: the same context gave different proposer prompts")
    seed_task = buffer.tasks(task_type.name)[0]
    if task_type.solver_prompt(seed_task) != task_type.solver_prompt(seed_task):
        report.fail("determinism: the same task gave different solver prompts")


def _check_examples(
    task_type: TaskType, executor: ExecutorBackend, report: CheckReport, state: dict[str, object]
) -> None:
    provide = getattr(task_type, "conformance_examples", None)
    if not callable(provide):
        report.fail(
            f"examples: {type(task_type).__qualname__} has no conformance_examples(context) method, so the kit "
            "cannot score a known-correct answer; add one returning azr_env.tasks.examples.ConformanceExamples"
        )
        return
    context = _context(state)
    for malformed in MALFORMED_ANSWERS[:3]:
        if _propose(task_type, executor, malformed, context).outcome is not Outcome.FORMAT_ERROR:
            report.fail(f"examples: the malformed proposal {malformed!r} parsed; expected a format error")
    examples = provide(context)
    if not isinstance(examples, ConformanceExamples):
        report.fail(f"examples: conformance_examples returned {type(examples).__name__}, not ConformanceExamples")
        return
    check = _propose(task_type, executor, examples.proposal, context)
    if check.outcome is Outcome.FORMAT_ERROR:
        report.fail(f"examples: the example proposal does not parse: {check.error}")
        return
    if check.outcome is not Outcome.VALID or check.task is None:
        report.fail(f"examples: the example proposal is {check.outcome.value}: {check.status.value} {check.error}")
        return
    state["examples"], state["task"] = examples, check.task


def _check_answers(
    task_type: TaskType, executor: ExecutorBackend, report: CheckReport, state: dict[str, object]
) -> None:
    task, examples = state.get("task"), state.get("examples")
    if not isinstance(task, Task) or not isinstance(examples, ConformanceExamples):
        return
    responses = [examples.correct, examples.wrong, *MALFORMED_ANSWERS]
    verdicts = _verify(task_type, executor, task, responses)
    if len(verdicts) != len(responses):
        report.fail(f"answers: verify returned {len(verdicts)} verdicts for {len(responses)} answers")
        return
    if verdicts[0].outcome is not Outcome.CORRECT:
        report.fail(f"answers: the correct answer scored {verdicts[0].outcome.value} ({verdicts[0].detail})")
    if verdicts[1].outcome is not Outcome.WRONG:
        report.fail(f"answers: the wrong answer scored {verdicts[1].outcome.value}, expected wrong")
    for response, verdict in zip(MALFORMED_ANSWERS[:3], verdicts[2:5], strict=True):
        if verdict.outcome is not Outcome.FORMAT_ERROR:
            report.fail(
                f"answers: the malformed response {response!r} scored {verdict.outcome.value}, not format_error"
            )
    for response, verdict in zip(MALFORMED_ANSWERS[3:], verdicts[5:], strict=True):
        if verdict.outcome is Outcome.CORRECT:
            report.fail(f"answers: the malformed response {response!r} scored correct")


def _check_hostile(
    task_type: TaskType, executor: ExecutorBackend, report: CheckReport, state: dict[str, object]
) -> None:
    task = state.get("task")
    if not isinstance(task, Task):
        task = _buffer(state).tasks(task_type.name)[0]
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "hostile-marker"
        responses = hostile_answers(marker)
        verdicts = _verify(task_type, executor, task, responses)
        if len(verdicts) != len(responses):
            report.fail(f"hostile: verify returned {len(verdicts)} verdicts for {len(responses)} answers")
        if marker.exists():
            report.fail("hostile: a hostile answer created a file: model code ran outside the sandbox")
    for index, verdict in enumerate(verdicts, start=1):
        if verdict.outcome not in (Outcome.WRONG, Outcome.FORMAT_ERROR):
            report.fail(f"hostile: hostile answer {index} scored {verdict.outcome.value}")


def _judge(task_type: TaskType, executor: ExecutorBackend) -> Judge:
    return Judge({task_type.name: task_type}, lambda: executor, EnvConfig())


def _propose(task_type: TaskType, executor: ExecutorBackend, text: str, context: ProposalContext) -> ProposalCheck:
    """Parse and validate one proposal exactly as the env does."""
    return _judge(task_type, executor).check_proposals([(task_type.name, text, context)])[0]


def _verify(task_type: TaskType, executor: ExecutorBackend, task: Task, responses: list[str]) -> list[Verdict]:
    """Verify full responses to ``task`` exactly as the env does (one batch)."""
    return _judge(task_type, executor).verify([(task, response) for response in responses])


def _context(state: dict[str, object]) -> ProposalContext:
    context = state["context"]
    if not isinstance(context, ProposalContext):
        raise TypeError(f"make_context returned {type(context).__name__}, not a ProposalContext")
    return context


def _buffer(state: dict[str, object]) -> TaskBuffer:
    buffer = state["buffer"]
    if not isinstance(buffer, TaskBuffer):
        raise TypeError("the kit's seeded buffer is missing")
    return buffer
