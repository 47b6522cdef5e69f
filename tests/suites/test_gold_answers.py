"""Suite tasks work with the built-in task types: prompts render, and the gold answer of every task verifies."""

import pytest

from azr_env.config import EnvConfig
from azr_env.judge import Judge
from azr_env.suites import list_suites, load_suite
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome, Task
from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence

SAMPLE_PER_SUITE = 8
GOLD_BLOCK = {"deduction": ("output", "outputs"), "abduction": ("input", "inputs"), "induction": ("python", None)}


def _gold(task: Task) -> str:
    tag, field = GOLD_BLOCK[task.task_type]
    body = task.program if field is None else getattr(task, field)[0]
    return example_response(fence(tag, body))


def _sample(name: str) -> list[Task]:
    tasks = load_suite(name).tasks
    return list(tasks[:: max(1, len(tasks) // SAMPLE_PER_SUITE)][:SAMPLE_PER_SUITE])


@pytest.mark.parametrize("name", list_suites())
def test_every_task_renders_a_solver_prompt(name: str) -> None:
    suite = load_suite(name)
    task_type = get_task_type(suite.tasks[0].task_type)
    assert all(task_type.solver_prompt(task).user for task in suite)


@pytest.mark.parametrize("name", list_suites(versions=True))
def test_every_gold_answer_verifies_as_correct(name: str, executor) -> None:
    """Released labels still verify under the env's judge (answers are data, and so is every suite input)."""
    tasks = load_suite(name).tasks
    tasks = tasks[::4] if tasks[0].task_type == "induction" else tasks  # ten runs per induction task: a quarter
    judge = Judge({tasks[0].task_type: get_task_type(tasks[0].task_type)}, lambda: executor, EnvConfig())
    verdicts = judge.verify([(t, _gold(t)) for t in tasks])
    wrong = [
        (t.task_id, v.outcome.value, v.detail)
        for t, v in zip(tasks, verdicts, strict=True)
        if v.outcome is not Outcome.CORRECT
    ]
    assert not wrong, wrong[:5]


def test_induction_prompt_hides_the_program() -> None:
    task_type = get_task_type("induction")
    for task in _sample("induction"):
        assert task.program not in task_type.solver_prompt(task).user
