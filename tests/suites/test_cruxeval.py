"""CRUXEval suites: inputs made data at build time, every item kept in order, gold and wrong answers in both modes."""

import pytest

from azr_env.config import SCORING_MODES, EnvConfig
from azr_env.executor.backend import ExecutorBackend
from azr_env.judge import Judge
from azr_env.suites import load_suite
from azr_env.suites.cruxeval import CruxItem, as_programs
from azr_env.tasks import Outcome, Task, get_task_type
from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence

REFUSED = {"sample_258", "sample_344", "sample_364", "sample_522"}
"""The CRUXEval items whose inputs are not data (SUITES.md says why)."""

NAMES = ("cruxeval-output@1", "cruxeval-input@1")


def _item(input_text: str) -> CruxItem:
    return CruxItem("sample_9", "def f(*args):\n    return args", input_text, "")


def _judge(task_type: str, executor: ExecutorBackend, scoring: str) -> Judge:
    return Judge({task_type: get_task_type(task_type)}, lambda: executor, EnvConfig(**SCORING_MODES[scoring]))


def test_a_computed_input_becomes_data_in_insertion_order(executor: ExecutorBackend) -> None:
    programs, rewritten, refused = as_programs([_item("dict(e=1, d=2, c=3), 'ab'.upper()")], executor)
    assert rewritten == {"sample_9": "{'e': 1, 'd': 2, 'c': 3}, 'AB'"} and not refused
    assert programs[0].inputs == ("{'e': 1, 'd': 2, 'c': 3}, 'AB'",)


@pytest.mark.parametrize("text", ["lambda x: x", "range(3)", "table[:]"])
def test_an_input_that_is_not_data_refuses_its_item(text: str, executor: ExecutorBackend) -> None:
    programs, _, refused = as_programs([_item(text)], executor)
    assert not programs and "not data" in refused["sample_9"]


def test_both_suites_hold_the_same_796_items_in_cruxeval_order() -> None:
    output, input_ = (load_suite(name) for name in NAMES)
    assert output.origins == input_.origins and len(output) == 796
    assert [int(o.split("_")[1]) for o in output.origins] == sorted(
        int(i.split("_")[1]) for i in {f"sample_{n}" for n in range(800)} - REFUSED
    )
    assert [(t.program, t.inputs) for t in output] == [(t.program, t.inputs) for t in input_]


def _wrong(task: Task) -> str:
    """An answer that is wrong in both modes: the output inside a list, or the input with a keyword f does not take."""
    if task.task_type == "deduction":
        return example_response(fence("output", f"[{task.outputs[0]}]"))
    arguments = [text for text in (task.inputs[0].strip().rstrip(","), "no_such_keyword=0") if text]
    return example_response(fence("input", ", ".join(arguments)))


@pytest.mark.parametrize("scoring", sorted(SCORING_MODES))
@pytest.mark.parametrize("name", NAMES)
def test_every_wrong_answer_scores_wrong(name: str, scoring: str, executor: ExecutorBackend) -> None:
    tasks = load_suite(name).tasks
    verdicts = _judge(tasks[0].task_type, executor, scoring).verify([(t, _wrong(t)) for t in tasks])
    assert not [t.task_id for t, v in zip(tasks, verdicts, strict=True) if v.outcome is not Outcome.WRONG]
