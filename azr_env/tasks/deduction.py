"""Deduction: given a program and an input, predict the output.

The proposer writes a program and one input whose output is hard to predict; the sandbox computes the output. The
solver sees the program and the input and answers with the output, written out as data, in an ```` ```output ````
block; it is correct iff its canonical value equals the gold canonical output (type-strict: 1, 1.0, True differ).
The answer must be data (``azr_env.tasks.answers``) and is read in the env's process, with no executor call: an
answer that computes its value (``sum(...)``, the program's body inlined) is a format error. Only benchmark scoring
with ``ValueSyntax.EXPRESSION`` evaluates such an answer, in the sandbox, and only ``ValueEquality.PYTHON``
compares with Python's ``==`` instead (``azr_env.tasks.equality``, also in the sandbox).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.answers import Reading, read_outputs
from azr_env.tasks.base import Answer, Outcome, Prompt, ProposalContext, Task, Verdict
from azr_env.tasks.equality import equal_to_gold
from azr_env.tasks.examples import ConformanceExamples, example_response
from azr_env.tasks.program_io import ProgramInputTaskType, verify_blocks
from azr_env.tasks.prompts import SYSTEM_PROMPT, fence, render
from azr_env.tasks.registry import register_task_type

PROPOSER_TEMPLATE = """Write a new Python program and one input for it. Together they make a puzzle: another model \
will be shown the program and the input, and must predict the program's OUTPUT exactly.

{code_rules}

{input_rules}

What makes a good puzzle:
- the program runs without error on the input;
- the OUTPUT is hard to predict without tracing the program carefully: several dependent steps, state that \
changes along the way, loops and branches whose combined effect is not obvious at a glance;
- it is clearly different from every reference program below: a new idea, not a renamed variant.

Plan the puzzle in your reasoning first, then give it.
{proposal_format}

{references}"""

SOLVER_TEMPLATE = """Predict what this Python program returns.

{program}

It is called as `f(<input>)` with this input:
{input}

Inside <answer></answer>, give the returned value in an ```output block:
<answer>
```output
<the value f returns for this input>
```
</answer>
{data_rule}
The comparison is exact and type-strict (1, 1.0 and True all differ): quote strings and write tuples with \
parentheses."""

EXAMPLE_PROGRAM = """class Running:
    def __init__(self):
        self.total = 0

    def add(self, value):
        self.total = self.total + value
        return self.total


def double(x):
    return 2 * x


def f(values):
    running = Running()
    return [running.add(double(v)) for v in values]
"""
"""A conformance-fixture program with a class, a method and a helper function (all must be allowed)."""


def example_proposal() -> str:
    """Return a valid proposal using ``EXAMPLE_PROGRAM`` (input ``[1, 2, 3]``, output ``[2, 6, 12]``)."""
    return example_response(fence("python", EXAMPLE_PROGRAM), fence("input", "[1, 2, 3]"), think="a running sum")


@register_task_type
class Deduction(ProgramInputTaskType):
    """Predict the output of a program on a given input."""

    name: ClassVar[str] = "deduction"
    description: ClassVar[str] = "predict the output of a program on a given input"
    proposer_template: ClassVar[str] = PROPOSER_TEMPLATE

    def solver_prompt(self, task: Task) -> Prompt:
        """Show the program and the input."""
        return Prompt(
            SYSTEM_PROMPT,
            render(SOLVER_TEMPLATE, program=fence("python", task.program), input=fence("input", task.inputs[0])),
        )

    def verify(self, items: Sequence[tuple[Task, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Compare each answer's canonical value with the gold output (read in-process: answers are data)."""

        def score(found: Sequence[tuple[Task, str, Answer]]) -> list[Verdict]:
            values = read_outputs([(block, answer.syntax) for _, block, answer in found], executor)
            pairs = zip(found, values, strict=True)
            equal = equal_to_gold(
                [(task.outputs[0], value.text, ans.equality) for (task, _, ans), value in pairs], executor
            )
            return [_judge(value, same) for value, same in zip(values, equal, strict=True)]

        return verify_blocks(items, "output", score)

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Return a proposal with a class and a helper, and answers for it."""
        return ConformanceExamples(
            proposal=example_proposal(),
            correct=example_response(fence("output", "[2, 6, 12]"), think="2, 2 + 4, 6 + 6"),
            wrong=example_response(fence("output", "[2, 6, 13]")),
        )


def _judge(value: Reading, same: bool) -> Verdict:
    if value.text is None:
        return Verdict(Outcome.FORMAT_ERROR if value.format_error else Outcome.WRONG, value.error)
    if not same:
        return Verdict(Outcome.WRONG, "the output differs")
    return Verdict(Outcome.CORRECT)
