"""``codegen``: a solve-only task type. The solver writes a function from its signature and docstring.

A problem (``CodegenProblem``) is a HumanEval-style item: a prompt (imports, helpers, the entry point's signature
and docstring), the entry point's name, test code defining ``check(candidate)``, and a reference solution. The
solver's answer is a ```` ```python ```` block holding the whole function (helpers and imports too). It is correct
when the problem's own ``check`` passes on it in the sandbox, under the env's limits; the test program, and why a
reward-hunting answer cannot pass it without solving the problem, are in ``azr_env.tasks.codegen_harness``.

Nothing is proposed: self-play refuses this type. Suites: ``humaneval-codegen@1`` (``azr_env/suites/SUITES.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from azr_env.executor.backend import ExecutorBackend
from azr_env.executor.limits import ALLOWED_MODULES
from azr_env.executor.result import ExecutionResult
from azr_env.tasks.base import Outcome, Prompt, SolveType, Verdict, content_id
from azr_env.tasks.codegen_harness import PREFIX, test_program
from azr_env.tasks.parsing import Answer, ParseFailure
from azr_env.tasks.program_io import answer_block
from azr_env.tasks.prompts import SYSTEM_PROMPT, fence, fill
from azr_env.tasks.registry import register_task_type
from azr_env.tasks.steadiness import run_dependent

USER_TEMPLATE = """Complete this Python function so that it does what its docstring says:

{prompt}

Write the whole function `{entry}` (its signature and body, and any imports or helper functions it needs) in one \
```python block inside <answer></answer>. The code runs in a sandbox: it may import only {modules}; it must not use \
names that start with an underscore or with `{prefix}`, and it must not print or read files."""


@dataclass(frozen=True, slots=True)
class CodegenProblem:
    """One code-generation problem.

    Attributes:
        task_type: ``"codegen"``.
        prompt: what the solver is shown: imports, helpers, and the entry point's signature and docstring.
        entry_point: the name of the function to write.
        test: Python source defining ``check(candidate)``, which asserts on ``candidate``'s results.
        reference: a known-correct solution (the benchmark's canonical one, prompt included).
        task_id: content hash of the other fields; set automatically.
    """

    task_type: str
    prompt: str
    entry_point: str
    test: str
    reference: str
    task_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.task_id:
            parts = (self.task_type, self.prompt, self.entry_point, self.test, self.reference)
            object.__setattr__(self, "task_id", content_id(*parts))


@register_task_type
class Codegen(SolveType[CodegenProblem]):
    """Write a function that passes the problem's own tests (solve-only)."""

    name = "codegen"
    description = "write a function from its signature and docstring; correct when its own tests pass"
    problem_type: ClassVar[type[CodegenProblem]] = CodegenProblem

    def solver_prompt(self, task: CodegenProblem) -> Prompt:
        """Show the prompt in a python block and ask for the whole function."""
        modules = ", ".join(name for name in ALLOWED_MODULES if not name.startswith("_"))
        values = {"prompt": fence("python", task.prompt), "entry": task.entry_point, "modules": modules}
        return Prompt(SYSTEM_PROMPT, fill(USER_TEMPLATE, prefix=PREFIX, **values))

    def verify(self, items: Sequence[tuple[CodegenProblem, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Run each answer's test program in one batch; correct iff ``check`` returned, in every hash-seed zygote.

        A test program that passed is run again in every zygote (``azr_env.tasks.steadiness``): an answer whose
        tests pass under one hash seed only is wrong.
        """
        programs = [self._program(task, answer) for task, answer in items]
        jobs = [(program, "") for program in programs if isinstance(program, str)]
        runs = executor.run_many(jobs) if jobs else []
        varying = run_dependent([(job, run) for job, run in zip(jobs, runs, strict=True) if _passed(run)], executor)
        verdicts = iter(_verdict(run, job in varying) for job, run in zip(jobs, runs, strict=True))
        return [program.verdict if isinstance(program, _Refused) else next(verdicts) for program in programs]

    def reference_answer(self, task: CodegenProblem) -> str:
        """The reference solution in a python block."""
        return fence("python", task.reference)

    @staticmethod
    def _program(task: CodegenProblem, answer: Answer) -> str | _Refused:
        block = answer_block(answer, "python", sole=True)
        if isinstance(block, ParseFailure):
            return _Refused(Verdict(Outcome.FORMAT_ERROR, block.reason))
        program = test_program(task.prompt, task.test, task.entry_point, block)
        return _Refused(Verdict(Outcome.WRONG, program.reason)) if isinstance(program, ParseFailure) else program


@dataclass(frozen=True, slots=True)
class _Refused:
    """An answer judged before anything ran."""

    verdict: Verdict


def _passed(run: ExecutionResult) -> bool:
    return run.ok and run.output == "True"


def _verdict(run: ExecutionResult, varying: bool) -> Verdict:
    if _passed(run) and varying:
        return Verdict(Outcome.WRONG, "the tests pass under some hash seeds only")
    if _passed(run):
        return Verdict(Outcome.CORRECT)
    return Verdict(Outcome.WRONG, f"the tests failed: {run.status.value} {run.error}".strip())
