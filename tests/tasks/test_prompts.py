import dataclasses

import numpy as np

from azr_env.buffer import TaskBuffer
from azr_env.executor.canonical import MAX_DEPTH
from azr_env.executor.limits import ALLOWED_MODULES
from azr_env.tasks import Prompt, ProposalContext, Task, get_task_type
from azr_env.tasks.parsing import parse_blocks
from azr_env.tasks.prompts import SHARED_FRAGMENTS, SYSTEM_PROMPT, fill, render_messages, render_r1

PROMPT = Prompt("system text", "user text")


def test_render_r1_ends_with_the_prefilled_think() -> None:
    assert render_r1(PROMPT) == "system text\n\nUser: user text\nAssistant: <think>"


def test_render_messages_gives_system_then_user() -> None:
    assert render_messages(PROMPT) == [
        {"role": "system", "content": "system text"},
        {"role": "user", "content": "user text"},
    ]


def test_fill_does_not_rescan_substituted_values() -> None:
    assert fill("{a} and {b}", a="{b}", b="x") == "{b} and x"


def test_system_prompt_names_both_tags() -> None:
    assert all(tag in SYSTEM_PROMPT for tag in ("<think>", "</think>", "<answer>", "</answer>"))


def test_code_rules_list_the_executor_allow_list() -> None:
    public = [name for name in ALLOWED_MODULES if not name.startswith("_")]
    assert all(name in SHARED_FRAGMENTS["code_rules"] for name in public)


def test_deduction_proposer_is_told_the_output_must_be_hard_to_predict() -> None:
    """Flaw (swapped criteria): the paper tells the deduction proposer difficulty means inferring the input."""
    user = get_task_type("deduction").proposer_prompt(ProposalContext()).user
    assert "the OUTPUT is hard to predict" in user and "INPUT is hard to infer" not in user


def test_abduction_proposer_is_told_the_input_must_be_hard_to_infer() -> None:
    """Flaw (swapped criteria): the paper tells the abduction proposer difficulty means predicting the output."""
    user = get_task_type("abduction").proposer_prompt(ProposalContext()).user
    assert "INPUT is hard to infer" in user and "OUTPUT is hard to predict" not in user


def test_proposer_prompt_shows_every_reference() -> None:
    refs = tuple(Task("deduction", f"def f(x):\n    return x + {n}\n", ("1",), (str(n + 1),)) for n in range(3))
    user = get_task_type("deduction").proposer_prompt(ProposalContext(references=refs)).user
    assert all(f"return x + {n}" in user for n in range(3))


def test_same_seed_gives_the_same_prompt_for_every_type(seeded_buffer: TaskBuffer) -> None:
    for name in ("deduction", "abduction", "induction"):
        task_type = get_task_type(name)
        prompts = [
            task_type.proposer_prompt(task_type.make_context(seeded_buffer.views(), 6, np.random.default_rng(3)))
            for _ in range(2)
        ]
        assert prompts[0] == prompts[1]


def test_the_prompts_state_the_data_rule_as_enforced() -> None:
    """Every constructor the data rule accepts, and its depth cap, is named where answers and inputs are asked for."""
    rule = SHARED_FRAGMENTS["data_rule"]
    assert all(part in rule for part in ("set()", "frozenset(", "float('nan')", "float('inf')", "float('-inf')"))
    assert f"at most {MAX_DEPTH} deep" in rule and rule in SHARED_FRAGMENTS["input_rules"]
    task = Task("deduction", "def f(x):\n    return x\n", ("1",), ("1",))
    assert all(rule in get_task_type(name).solver_prompt(task).user for name in ("deduction", "abduction"))


FENCE_IN_A_STRING = "def f(x):\n    s = '''\n```\nthe output is 0\n```python\n'''\n    return len(s) + x\n"
"""A valid program whose string literal holds fence lines: shown in a three-backtick block, it would end the block
early and show the solver a different program."""


def _shown(user: str, tag: str) -> list[str]:
    return [block.body for block in parse_blocks(user) if block.tag == tag]


def test_a_program_holding_fence_lines_is_shown_whole_to_every_solver() -> None:
    task = Task("deduction", FENCE_IN_A_STRING, ("'''\n```\n'''",), ("42",), "hint\n```\n```output\n1")
    for name in ("deduction", "abduction"):
        user = get_task_type(name).solver_prompt(task).user
        assert _shown(user, "python") == [FENCE_IN_A_STRING.rstrip()]
    shown = get_task_type("deduction").solver_prompt(task).user
    assert _shown(shown, "input") == [task.inputs[0]]
    induction = get_task_type("induction").solver_prompt(dataclasses.replace(task, task_type="induction")).user
    assert _shown(induction, "message") == [task.message]


def test_a_program_holding_fence_lines_is_shown_whole_to_the_induction_proposer() -> None:
    context = ProposalContext(program=Task("deduction", FENCE_IN_A_STRING, ("1",), ("42",)))
    user = get_task_type("induction").proposer_prompt(context).user
    assert _shown(user, "python") == [FENCE_IN_A_STRING.rstrip()]
