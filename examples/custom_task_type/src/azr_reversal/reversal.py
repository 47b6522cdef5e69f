"""The ``reversal`` task type: predict what ``f`` returns on the *reversed* input.

The proposer writes a program and one sequence input (a list, tuple or string literal), exactly as for deduction.
The solver sees the program and that input, and must give ``f(input[::-1])``. To keep the azr-env rule that a task
is a triplet with ``output = f(input)``, the task *stores* the reversed input: its label comes from running the
program on the stored input in the sandbox, and the solver prompt shows the stored input reversed back.

Reversing is done on the value the data-literal rule reads from a capped string (``azr_env.executor.literals``):
no model text runs in this process. Everything else (reading the answer's blocks, refusing inputs and answers that
are not data, the answer's canonical value, the prompts' envelope) reuses azr-env's helpers, so this file only says
what is new.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.limits import MAX_INPUT_CHARS
from azr_env.executor.literals import Data, read_value
from azr_env.executor.result import ExecStatus
from azr_env.tasks.answers import read_outputs
from azr_env.tasks.base import Answer, Outcome, Prompt, Proposal, ProposalCheck, ProposalContext, Task, Verdict
from azr_env.tasks.examples import ConformanceExamples, example_response
from azr_env.tasks.program_io import ProgramInputTaskType, verify_blocks
from azr_env.tasks.prompts import SYSTEM_PROMPT, fence, render

PROPOSER_TEMPLATE = f"""Write a Python program `f` that takes one sequence (a list, a tuple or a string) and an input \
for it. Another model will be shown your program and your input, and must predict what `f` returns when it is \
called on the input *reversed*. Make the order of the elements matter.

{{code_rules}}

The input is a single list, tuple or string literal, at most {MAX_INPUT_CHARS} characters long.
{{data_rule}}

{{references}}

{{proposal_format}}"""

SOLVER_TEMPLATE = """Predict what this Python program returns when it is called on the REVERSED input.

```python
{program}
```

The input is below; `f` is called on it reversed, as `f(input[::-1])`.
```input
{input}
```

Inside <answer></answer>, give the returned value in an ```output block.
{data_rule}"""

EXAMPLE_PROGRAM = "def f(xs):\n    return [x * (i + 1) for i, x in enumerate(xs)]\n"
"""The conformance example: on [1, 2, 3] reversed ([3, 2, 1]) it returns [3, 4, 3]."""


def reverse_literal(expression: str) -> str | None:
    """Return the repr of a sequence literal reversed, or ``None`` if it is not a list, tuple or string literal."""
    data = read_value(expression) if len(expression) <= MAX_INPUT_CHARS else None
    if not isinstance(data, Data) or not isinstance(data.value, list | tuple | str):
        return None
    return repr(data.value[::-1])


class Reversal(ProgramInputTaskType):
    """Predict the output of a program on its input reversed."""

    name: ClassVar[str] = "reversal"
    description: ClassVar[str] = "predict the output of a program on its input reversed"
    proposer_template: ClassVar[str] = PROPOSER_TEMPLATE
    zero_inputs: ClassVar[tuple[str, ...]] = ("[1, 2, 3]",)

    def validate(
        self, items: Sequence[tuple[Proposal, ProposalContext]], executor: ExecutorBackend
    ) -> list[ProposalCheck]:
        """Reverse each input literal, then let the deduction-style validation label the stored (reversed) input."""
        reversed_inputs = [reverse_literal(proposal.inputs[0]) for proposal, _ in items]
        keep = [
            (Proposal(proposal.program, (stored,)), context)
            for (proposal, context), stored in zip(items, reversed_inputs, strict=True)
            if stored is not None
        ]
        checked = iter(super().validate(keep, executor) if keep else [])
        refused = ProposalCheck(Outcome.INVALID, status=ExecStatus.BAD_INPUT, error="input is not a sequence literal")
        return [next(checked) if stored is not None else refused for stored in reversed_inputs]

    def solver_prompt(self, task: Task) -> Prompt:
        """Show the program and the input as the proposer wrote it (the stored input reversed back)."""
        shown = reverse_literal(task.inputs[0]) or task.inputs[0]
        return Prompt(SYSTEM_PROMPT, render(SOLVER_TEMPLATE, program=task.program.rstrip(), input=shown))

    def verify(self, items: Sequence[tuple[Task, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Compare each answer's canonical value with the stored output (``f`` on the reversed input)."""

        def score(found: Sequence[tuple[Task, str, Answer]]) -> list[Verdict]:
            values = read_outputs([(block, answer.syntax) for _, block, answer in found], executor)
            return [
                Verdict(Outcome.FORMAT_ERROR, value.error)
                if value.format_error
                else Verdict(Outcome.CORRECT if value.text == task.outputs[0] else Outcome.WRONG)
                for (task, _, _), value in zip(found, values, strict=True)
            ]

        return verify_blocks(items, "output", score)

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Return a proposal on ``[1, 2, 3]`` and answers for ``f([3, 2, 1])``."""
        return ConformanceExamples(
            proposal=example_response(fence("python", EXAMPLE_PROGRAM), fence("input", "[1, 2, 3]")),
            correct=example_response(fence("output", "[3, 4, 3]")),
            wrong=example_response(fence("output", "[1, 4, 9]")),
        )
