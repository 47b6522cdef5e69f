"""The format example in every prompt is a placeholder: a response that copies it is a format error.

Small instruct models copy a prompt's example answer verbatim (Qwen2.5-Coder-0.5B copied a concrete example value
in 19 of 24 deduction answers). A copied example must therefore never be judged as an answer (a wrong answer
earns more than a format error) nor enter the buffer as a proposal.
"""

import re

import numpy as np
import pytest

from azr_env.buffer import TaskBuffer
from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks import Outcome, ParseFailure, get_task_type
from azr_env.tasks.parsing import AnswerRule

from .helpers import BUILT_IN, parse, verdict

EXAMPLE = re.compile(r"<answer>.*?</answer>", re.DOTALL)


def copied(prompt_text: str) -> str:
    """A response that copies the prompt's example answer (the last one shown: the format the user asks for)."""
    examples = EXAMPLE.findall(prompt_text)
    assert examples, "the prompt shows its answer format"
    return f"<think>I follow the example.</think>\n{examples[-1]}"


@pytest.mark.parametrize("name", BUILT_IN)
@pytest.mark.parametrize("rule", list(AnswerRule))
def test_copying_the_solver_example_is_a_format_error(
    name: str, rule: AnswerRule, seeded_buffer: TaskBuffer, executor: ExecutorBackend
) -> None:
    task = seeded_buffer.views()[name][0]
    response = copied(get_task_type(name).solver_prompt(task).user)
    assert verdict(task, response, executor, answer_rule=rule.value) is Outcome.FORMAT_ERROR


@pytest.mark.parametrize("name", BUILT_IN)
def test_copying_the_proposer_example_is_a_format_error(name: str, seeded_buffer: TaskBuffer) -> None:
    task_type = get_task_type(name)
    context = task_type.make_context(seeded_buffer.views(), 2, np.random.default_rng(0))
    assert isinstance(parse(name, copied(task_type.proposer_prompt(context).user), context), ParseFailure)
