r"""``math``: a solve-only task type. The solver answers a math word problem or an arithmetic/algebra question.

A problem (``MathProblem``) is a question and its gold final answer (a number). The prompt is the usual zero-shot
GSM8K / MATH instruction ("reason step by step, give the final answer") inside our envelope: reasoning in
``<think>``, the final answer alone inside ``<answer>``, plain or in one ``\boxed{}``. The answer region is found by
the env's ``answer_rule`` like every type's (``STRICT``: the last complete ``<answer>``; the chat rules also read an
unclosed ``<answer>`` or, with no ``<answer>`` at all, the text after ``</think>``); the final answer is read from
it by ``azr_env.tasks.math_answers.final_answer`` (one number, else a format error), and compared with the gold
by math-verify in a locked-down worker with a deadline (``azr_env.mathcheck``): correct when math-verify finds them
equal (``0.5`` and ``\frac{1}{2}``, ``1,000`` and ``1000``, ``18`` and ``18.0`` or ``\$18``), wrong otherwise,
and wrong when the comparison overruns its deadline (the worker is killed and replaced).

Nothing is proposed: self-play refuses this type. Needs the ``math`` extra (math-verify). Suites: ``gsm8k-sample@1``
and ``arithmetic-algebra@1`` (``azr_env/suites/SUITES.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import Outcome, Prompt, SolveType, Verdict, content_id
from azr_env.tasks.math_answers import final_answer
from azr_env.tasks.parsing import Answer
from azr_env.tasks.prompts import fill
from azr_env.tasks.registry import register_task_type

SYSTEM_PROMPT = (
    "You are solving math problems set by the user. Work privately first: reason step by step between <think> and "
    "</think>. Then write only your final answer between <answer> and </answer>."
)

USER_TEMPLATE = """{question}

Please reason step by step, and put your final answer inside <answer></answer>: only the number (an integer, a \
decimal or a fraction in lowest terms), with no words or units, for example <answer>42</answer> or \
<answer>\\boxed{42}</answer>."""


@dataclass(frozen=True, slots=True)
class MathProblem:
    """One math problem.

    Attributes:
        task_type: ``"math"``.
        question: what the solver is shown.
        answer: the gold final answer, a number as written by the source (``"18"``, ``"-4"``).
        task_id: content hash of the other fields; set automatically.
    """

    task_type: str
    question: str
    answer: str
    task_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.task_id:
            object.__setattr__(self, "task_id", content_id(self.task_type, self.question, self.answer))


@register_task_type
class Math(SolveType[MathProblem]):
    """Answer a math problem with one number, checked by math-verify (solve-only)."""

    name = "math"
    description = "answer a math word problem or arithmetic/algebra question with one number, checked by math-verify"
    problem_type: ClassVar[type[MathProblem]] = MathProblem

    def solver_prompt(self, task: MathProblem) -> Prompt:
        """The question and the zero-shot instruction."""
        return Prompt(SYSTEM_PROMPT, fill(USER_TEMPLATE, question=task.question))

    def verify(self, items: Sequence[tuple[MathProblem, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        """Read each final answer (a format error unless one number); compare the rest in one checker batch.

        ``executor`` is not used: math-verify runs in the math checker's own worker (``azr_env.mathcheck``).
        """
        from azr_env.mathcheck.pool import shared_checker

        finals = [final_answer(answer.text) for _, answer in items]
        pairs = [(task.answer, text) for (task, _), text in zip(items, finals, strict=True) if isinstance(text, str)]
        checks = iter(shared_checker().check_many(pairs) if pairs else [])
        verdicts = []
        for text in finals:
            if not isinstance(text, str):
                verdicts.append(Verdict(Outcome.FORMAT_ERROR, text.reason))
                continue
            check = next(checks)
            verdicts.append(Verdict(Outcome.CORRECT) if check.correct else Verdict(Outcome.WRONG, check.detail))
        return verdicts

    def reference_answer(self, task: MathProblem) -> str:
        """The gold answer."""
        return task.answer
