"""Solve-only task types: registered like any type, evaluated in suites and ``Solve-v5``, refused by self-play."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import gymnasium
import pytest

import azr_env  # noqa: F401  (registers the env ids)
from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.suites import Suite
from azr_env.tasks import get_solve_type, get_task_type, list_task_types, register_task_type
from azr_env.tasks.base import Outcome, Prompt, SolveType, Verdict, content_id
from azr_env.tasks.examples import example_response
from azr_env.tasks.parsing import Answer


@dataclass(frozen=True, slots=True)
class Riddle:
    task_type: str
    question: str
    answer: str
    task_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.task_id:
            object.__setattr__(self, "task_id", content_id(self.task_type, self.question, self.answer))


@register_task_type
class RiddleType(SolveType[Riddle]):
    """A user's solve-only type: compare the answer text, no sandbox needed."""

    name = "test-riddle"
    problem_type = Riddle

    def solver_prompt(self, task: Riddle) -> Prompt:
        return Prompt("answer in <answer></answer>", task.question)

    def verify(self, items: Sequence[tuple[Riddle, Answer]], executor: ExecutorBackend) -> list[Verdict]:
        return [Verdict(Outcome.CORRECT if a.text == t.answer else Outcome.WRONG) for t, a in items]


SUITE = Suite("riddles", 1, (Riddle("test-riddle", "2 + 2?", "4"),), "test", "MIT", "one riddle")


def test_a_solve_only_type_is_listed_apart_from_the_self_play_types() -> None:
    assert "test-riddle" in list_task_types(solve_only=True) and "test-riddle" not in list_task_types()


def test_self_play_refuses_a_solve_only_type_and_says_why() -> None:
    with pytest.raises(ConfigError, match="solve-only"):
        EnvConfig(task_types=("deduction", "codegen"))


def test_get_task_type_refuses_a_solve_only_type() -> None:
    with pytest.raises(ConfigError, match="no propose part"):
        get_task_type("test-riddle")


def test_solve_env_scores_a_solve_only_suite(executor) -> None:
    env = gymnasium.make("azr_env/Solve-v5", suite=SUITE, executor=executor)
    _, info = env.reset(options={"index": 0})
    _, reward, *_, step = env.step(example_response("4"))
    assert (reward, step["outcome"], step["task_id"]) == (1.0, "correct", info["task_id"])


def test_a_problem_reads_back_from_its_suite_record() -> None:
    riddle = SUITE.tasks[0]
    record = {"task_type": "test-riddle", "question": "2 + 2?", "answer": "4", "task_id": riddle.task_id}
    assert get_solve_type("test-riddle").read_problem(record) == riddle


def test_a_record_of_the_wrong_field_type_is_refused() -> None:
    with pytest.raises(TypeError, match="question"):
        get_solve_type("test-riddle").read_problem({"task_type": "test-riddle", "question": ["x"], "answer": "4"})
