"""Abduction: given a program and an output, find an input that produces it.

The proposer writes a program and one input such that inferring *an* input from the output is hard; the sandbox
computes the output. The solver sees the program and the output and answers with an input in an
```` ```input ```` block; it is correct iff running the program on that input in the sandbox gives exactly the gold
canonical output (any pre-image counts), and, when it is not the proposed input, gives it again in every hash-seed
zygote (the output must not depend on the run). The input must be data (``azr_env.tasks.answers``), checked before
anything runs: an answer that computes its arguments (brute force with the program's helpers, a mutation of its
tables) is a format error and never reaches the executor. Only benchmark scoring with ``ValueSyntax.EXPRESSION``
evaluates such an answer, in the sandbox and apart from the program's globals, and only
``ValueEquality.PYTHON`` compares the output it makes with Python's ``==`` (``azr_env.tasks.equality``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.result import ExecutionResult
from azr_env.tasks.answers import Reading, read_inputs
from azr_env.tasks.base import Answer, Outcome, Prompt, ProposalContext, Task, Verdict
from azr_env.tasks.deduction import example_proposal
from azr_env.tasks.equality import equal_to_gold
from azr_env.tasks.examples import ConformanceExamples, example_response
from azr_env.tasks.program_io import ProgramInputTaskType, verify_blocks
from azr_env.tasks.prompts import SYSTEM_PROMPT, fence, render
from azr_env.tasks.registry import register_task_type
from azr_env.tasks.steadiness import run_dependent

PROPOSER_TEMPLATE = """Write a new Python program and one input for it. Together they make a puzzle: another model \
will be shown the program and the output it returns on your input, and must find an INPUT that produces exactly \
that output.

{code_rules}

{input_rules}

What makes a good puzzle:
- the program runs without error on the input;
- an INPUT is hard to infer from the output: the program combines, reorders or discards information, so working \
backwards takes real reasoning (your input shows it is possible);
- it is clearly different from every reference program below: a new idea, not a renamed variant.

Plan the puzzle in your reasoning first, then give it.
{proposal_format}

{references}"""

SOLVER_TEMPLATE = """Find an input for which this Python program returns the output below.

{program}

The call `f(<input>)` must return exactly:
{output}

Inside <answer></answer>, give the input in an ```input block: what goes between the parentheses of `f(...)`, \
comma-separated for several arguments (keyword arguments as name=value), strings quoted, empty when `f` takes no \
arguments:
<answer>
```input
<an input for which f returns this output>
```
</answer>
{data_rule}
Any input that makes `f` return exactly this output is accepted."""


@register_task_type
class Abduction(ProgramInputTaskType):
    """Infer an input of a program from its output."""

    name: ClassVar[str] = "abduction"
    description: ClassVar[str] = "find an input that makes a program return a given output"
    proposer_template: ClassVar[str] = PROPOSER_TEMPLATE
    inputs_shown: ClassVar[bool] = False

    def solver_prompt(self, task: Task) -> Prompt:
        """Show the program and the output."""
        return Prompt(
            SYSTEM_PROMPT,
            render(SOLVER_TEMPLATE, program=fence("python", task.program), output=fence("output", task.outputs[0])),
        )

    def verify(self, items: Sequence[tuple[Task, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Run each task's program on the answered input (data) in one ``run_many`` and compare outputs.

        The matching answers that are not the proposed input are confirmed in one ``validate_many`` (``_unsteady``).
        """

        def score(found: Sequence[tuple[Task, str, Answer]]) -> list[Verdict]:
            readings = read_inputs([(block.strip(), answer.syntax) for _, block, answer in found], executor)
            return _run_and_compare(found, readings, executor)

        return verify_blocks(items, "input", score, allow_empty=True)

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Return a proposal with a class and a helper, and answers for it."""
        return ConformanceExamples(
            proposal=example_proposal(),
            correct=example_response(fence("input", "[1, 2, 3]"), think="halve the steps"),
            wrong=example_response(fence("input", "[1, 2, 4]")),
        )


def _run_and_compare(
    found: Sequence[tuple[Task, str, Answer]], readings: Sequence[Reading], executor: ExecutorBackend
) -> list[Verdict]:
    """Run every readable input in one ``run_many``, then compare each output with the gold by its equality."""
    ran = [
        (task, answer, str(reading.text))
        for (task, _, answer), reading in zip(found, readings, strict=True)
        if reading.text is not None
    ]
    runs = executor.run_many([(task.program, text) for task, _, text in ran]) if ran else []
    golds = [
        (task.outputs[0], run.output if run.ok else None, ans.equality)
        for (task, ans, _), run in zip(ran, runs, strict=True)
    ]
    same = equal_to_gold(golds, executor)
    unsteady = _unsteady(
        [(task, text, run) for (task, _, text), run, ok in zip(ran, runs, same, strict=True) if ok], executor
    )
    judged = iter(
        _judge(run, ok, (task.program, text) in unsteady)
        for (task, _, text), run, ok in zip(ran, runs, same, strict=True)
    )
    return [next(judged) if reading.text is not None else _unreadable(reading) for reading in readings]


def _unsteady(matched: Sequence[tuple[Task, str, ExecutionResult]], executor: ExecutorBackend) -> set[tuple[str, str]]:
    """The ``(program, input)`` pairs among matching answers other than the proposed input whose output varies.

    Only the proposed input's own text was validated (equal values may still differ in dict insertion order), so
    every other matching answer is checked in every zygote (``azr_env.tasks.steadiness``).
    """
    others = [((task.program, text), run) for task, text, run in matched if text != task.inputs[0]]
    return run_dependent(others, executor)


def _unreadable(reading: Reading) -> Verdict:
    return Verdict(Outcome.FORMAT_ERROR if reading.format_error else Outcome.WRONG, reading.error)


def _judge(run: ExecutionResult, same: bool, unsteady: bool) -> Verdict:
    if not run.ok:
        return Verdict(Outcome.WRONG, f"the program failed on the answer: {run.status.value}")
    if not same:
        return Verdict(Outcome.WRONG, "the program returns a different output on the answer")
    if unsteady:
        return Verdict(Outcome.WRONG, "the program's output on the answer depends on the run")
    return Verdict(Outcome.CORRECT)
