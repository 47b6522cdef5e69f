"""Induction: from a message and some input/output pairs, write the program.

The proposer is shown one program sampled from the deduction and abduction buffers and writes ``N_INPUTS`` pairwise
distinct inputs plus a message for the solver; the message must not contain the program or a piece of its code,
nor state a hidden pair (``azr_env.tasks.leaks``). Every input must be data (checked before anything runs; two
inputs are the same when they make the same call of the program's ``f``: ``[1,2]`` and ``[1, 2]`` alike, and for
``def f(x, n=3)`` ``1``, ``x=1`` and ``1, 3`` alike, ``azr_env.tasks.calls``) and is validated in the sandbox and
labelled. The solver sees the message and the first half of the pairs, writes a program ``f``, and is correct only
if it reproduces every pair, visible and hidden.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.result import ExecStatus, ExecutionResult, ValidationResult
from azr_env.tasks.answers import checked_input
from azr_env.tasks.base import (
    Answer,
    Outcome,
    ParseFailure,
    Prompt,
    Proposal,
    ProposalCheck,
    ProposalContext,
    Task,
    TaskType,
    Verdict,
)
from azr_env.tasks.calls import call_key
from azr_env.tasks.examples import ConformanceExamples, example_response
from azr_env.tasks.leaks import message_leaks, states_hidden_pair
from azr_env.tasks.program_io import answer_block, verify_blocks
from azr_env.tasks.prompts import SYSTEM_PROMPT, fence, render
from azr_env.tasks.registry import register_task_type
from azr_env.tasks.sampling import sample_one_of
from azr_env.tasks.steadiness import run_dependent

N_INPUTS = 10
"""Inputs per proposal (paper: 10)."""

PROGRAM_SOURCES = ("deduction", "abduction")
"""Buffers the shown program is drawn from (their union, uniformly); the induction buffer if both are empty."""

PROPOSER_TEMPLATE = f"""Here is a Python program:

{{program}}

Write {N_INPUTS} different inputs for it, and a message. Another model will see your message and the first \
{N_INPUTS // 2} input/output pairs, and must write a program `f` that reproduces all {N_INPUTS} pairs, including \
the ones it does not see.

{{input_rules}}

Give each input in its own ```input block: exactly {N_INPUTS} blocks, all different, each running without error. \
Then give the message in one ```message block: a hint or a task description that tells the solver what kind of \
function to look for. The message must not contain the program or any of its code.

What makes a good set: the inputs cover the program's behaviour (edge cases, different branches) so that the \
visible pairs pin the rule down, yet finding the rule still takes real thought.

<answer>
```input
first input
```
(... {N_INPUTS} input blocks in all ...)
```message
your message
```
</answer>"""

SOLVER_TEMPLATE = """Write a Python function `f` from a description and examples.

Message from the puzzle author:
{message}

Examples, each `f(<input>)` returning the output:
{pairs}

Your `f` is checked on these examples and on more inputs that you cannot see.

{code_rules}

Inside <answer></answer>, give the program in a ```python block:
<answer>
```python
<your program, defining f>
```
</answer>"""

EXAMPLE_INPUTS = ("0", "-7", "3.5", "'text'", "''", "[1, 2, 3]", "(True, None)", "{'k': [1, 2]}", "{3, 1, 2}", "b'raw'")
"""Ten distinct inputs of different types; the identity program accepts them all."""

WRONG_EXAMPLE_PROGRAM = "def f(x):\n    return [x]\n"
"""A program that reproduces none of the identity's pairs."""


def render_pairs(task: Task, count: int) -> str:
    """Return the first ``count`` input/output pairs of a task as numbered fenced blocks."""
    return "\n".join(
        f"Example {i}:\n{fence('input', task.inputs[i - 1])}\n{fence('output', task.outputs[i - 1])}"
        for i in range(1, count + 1)
    )


def visible_count(task: Task) -> int:
    """Return how many pairs the solver sees: the first half (5 of 10)."""
    return max(1, len(task.inputs) // 2)


@register_task_type
class Induction(TaskType):
    """Write the program behind a message and some input/output pairs."""

    name: ClassVar[str] = "induction"
    description: ClassVar[str] = "write a program from a message and input/output examples"
    zero_inputs: ClassVar[tuple[str, ...]] = EXAMPLE_INPUTS
    zero_message: ClassVar[str] = "f hands back exactly what it is given."

    def make_context(self, buffers: dict[str, Sequence[Task]], k: int, rng: np.random.Generator) -> ProposalContext:
        """Sample one program uniformly from the union of the deduction and abduction buffers."""
        program = sample_one_of([buffers.get(name, ()) for name in PROGRAM_SOURCES], rng)
        if program is None:
            program = sample_one_of([buffers.get(self.name, ())], rng)
        if program is None:
            raise ConfigError("induction needs a program to show: seed the buffer (TaskBuffer.seeded) first")
        return ProposalContext(program=program)

    def proposer_prompt(self, context: ProposalContext) -> Prompt:
        """Show the sampled program."""
        return Prompt(SYSTEM_PROMPT, render(PROPOSER_TEMPLATE, program=fence("python", self._program(context))))

    def parse_proposal(self, answer: Answer, context: ProposalContext) -> Proposal | ParseFailure:
        """Take exactly ``N_INPUTS`` ```` ```input ```` blocks, each data, and the last ```` ```message ```` block."""
        inputs = tuple(block.strip() for block in answer.tagged("input"))
        if len(inputs) != N_INPUTS:
            return ParseFailure(f"expected {N_INPUTS} ```input blocks, got {len(inputs)}")
        for index, expr in enumerate(inputs, start=1):
            checked = checked_input(expr)
            if isinstance(checked, ParseFailure):
                return ParseFailure(f"input {index}: {checked.reason}")
        message = answer_block(answer, "message")
        if isinstance(message, ParseFailure):
            return message
        return Proposal(program=self._program(context), inputs=inputs, message=message.strip())

    def validate(
        self, items: Sequence[tuple[Proposal, ProposalContext]], executor: ExecutorBackend
    ) -> list[ProposalCheck]:
        """Check distinct inputs and a non-leaking message, then validate every input in one batch."""
        early = [self._static_check(proposal) for proposal, _ in items]
        jobs = [
            (p.program, expr) for (p, _), check in zip(items, early, strict=True) if check is None for expr in p.inputs
        ]
        results = iter(executor.validate_many(jobs) if jobs else [])
        return [
            check if check is not None else self._labelled(proposal, [next(results) for _ in proposal.inputs])
            for (proposal, _), check in zip(items, early, strict=True)
        ]

    def _labelled(self, proposal: Proposal, labels: Sequence[ValidationResult]) -> ProposalCheck:
        for index, label in enumerate(labels, start=1):
            if not label.valid or label.output is None:
                return ProposalCheck(Outcome.INVALID, status=label.outcome, error=f"input {index}: {label.error}")
        outputs = tuple(str(label.output) for label in labels)
        task = Task(self.name, proposal.program, proposal.inputs, outputs, proposal.message)
        shown = visible_count(task)
        if states_hidden_pair(task.message, list(zip(task.inputs[shown:], outputs[shown:], strict=True))):
            return ProposalCheck(Outcome.INVALID, status=ExecStatus.OK, error="the message states a hidden pair")
        return ProposalCheck(Outcome.VALID, task=task)

    def _static_check(self, proposal: Proposal) -> ProposalCheck | None:
        if len({call_key(proposal.program, expr) for expr in proposal.inputs}) != len(proposal.inputs):
            return ProposalCheck(Outcome.INVALID, status=ExecStatus.OK, error="the inputs are not pairwise distinct")
        if message_leaks(proposal.message, proposal.program):
            return ProposalCheck(Outcome.INVALID, status=ExecStatus.OK, error="the message contains the program")
        return None

    def solver_prompt(self, task: Task) -> Prompt:
        """Show the message and the visible pairs only."""
        pairs = render_pairs(task, visible_count(task))
        return Prompt(SYSTEM_PROMPT, render(SOLVER_TEMPLATE, message=fence("message", task.message), pairs=pairs))

    def verify(self, items: Sequence[tuple[Task, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Run each answered program on its task's inputs; correct iff every pair matches, in every zygote.

        Two batches: every program on its first input, then the rest of the inputs only for programs whose first
        pair matched. A wrong or hanging program (an infinite loop would otherwise time out on all ten inputs)
        costs one execution instead of ten. A program that matched every pair is run again on them in every
        hash-seed zygote (``azr_env.tasks.steadiness``): the solver's program was never validated, and one whose
        output depends on the run is wrong.
        """

        def score(found: Sequence[tuple[Task, str, Answer]]) -> list[Verdict]:
            parsed = [(task, program) for task, program, _ in found]
            firsts = executor.run_many([(program, task.inputs[0]) for task, program in parsed])
            runs = [[first] for first in firsts]
            alive = [i for i, (task, _) in enumerate(parsed) if _matches(firsts[i], task, 0)]
            jobs = [(parsed[i][1], expr) for i in alive for expr in parsed[i][0].inputs[1:]]
            rest = iter(executor.run_many(jobs) if jobs else [])
            for i in alive:
                runs[i] += [next(rest) for _ in parsed[i][0].inputs[1:]]
            verdicts = [_pairs_verdict(task, item_runs) for (task, _), item_runs in zip(parsed, runs, strict=True)]
            return _steady(parsed, runs, verdicts, executor)

        return verify_blocks(items, "python", score)

    def conformance_examples(self, context: ProposalContext) -> ConformanceExamples:
        """Return ten identity-friendly inputs with a message, the shown program as the correct answer.

        The inputs come in reverse order: in order they are the seed task, and a copy of a buffer task is invalid.
        """
        blocks = "\n".join(fence("input", expr) for expr in reversed(EXAMPLE_INPUTS))
        proposal = example_response(blocks, fence("message", "Think about what changes."), think="cover types")
        program = self._program(context)
        return ConformanceExamples(
            proposal=proposal,
            correct=example_response(fence("python", program)),
            wrong=example_response(fence("python", WRONG_EXAMPLE_PROGRAM)),
        )

    @staticmethod
    def _program(context: ProposalContext) -> str:
        if context.program is None:
            raise ConfigError("an induction context needs a program; build it with Induction.make_context")
        return context.program.program


NOT_A_PROGRAM = frozenset({ExecStatus.SYNTAX_ERROR, ExecStatus.NO_F})
"""Executor statuses that mean an answered program is not a program at all (judged a format error)."""


def _steady(
    parsed: Sequence[tuple[Task, str]],
    runs: Sequence[Sequence[ExecutionResult]],
    verdicts: list[Verdict],
    executor: ExecutorBackend,
) -> list[Verdict]:
    """Turn a correct verdict wrong when its program's output on some pair depends on the run."""
    correct = [i for i, verdict in enumerate(verdicts) if verdict.outcome is Outcome.CORRECT]
    matched = [
        ((parsed[i][1], expr), run) for i in correct for expr, run in zip(parsed[i][0].inputs, runs[i], strict=True)
    ]
    varying = run_dependent(matched, executor)
    for i in correct:
        if any((parsed[i][1], expr) in varying for expr in parsed[i][0].inputs):
            verdicts[i] = Verdict(Outcome.WRONG, "the program's output on a pair depends on the run")
    return verdicts


def _matches(run: ExecutionResult, task: Task, index: int) -> bool:
    return run.ok and run.output == task.outputs[index]


def _pairs_verdict(task: Task, runs: Sequence[ExecutionResult]) -> Verdict:
    """Return CORRECT when every pair was run and matched its gold output, else WRONG naming the first failing pair.

    ``runs`` may stop early (after a first pair that failed); fewer runs than pairs is never correct. An answer that
    is not a program (it does not parse, or defines no ``f``) is a format error, as an answer that is not data is
    for the other types: copying the prompt's placeholder must not earn a wrong answer's reward.
    """
    if runs and runs[0].status in NOT_A_PROGRAM:
        return Verdict(Outcome.FORMAT_ERROR, f"the answer is not a program: {runs[0].status.value}")
    shown = visible_count(task)
    for index, (run, gold) in enumerate(zip(runs, task.outputs, strict=False), start=1):
        if not run.ok or run.output != gold:
            kind = "visible" if index <= shown else "hidden"
            return Verdict(Outcome.WRONG, f"{kind} pair {index} does not match")
    if len(runs) < len(task.outputs):
        return Verdict(Outcome.WRONG, "not every pair was run")
    return Verdict(Outcome.CORRECT)
