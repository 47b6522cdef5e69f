"""Nothing a model writes raises out of ``step`` (single and vector env, every task type and role): property tests.

Hostile actions are built from the pieces that crashed or fooled the env before: lone surrogates, NUL bytes, deep
but valid programs and inputs, huge literals, fences inside fences, line separators other than a line feed,
unclosed envelopes. Each step must return, with an outcome, and a lone surrogate is always a format error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azr_env.buffer import TaskBuffer
from azr_env.env import AbsoluteZeroEnv
from azr_env.executor.backend import ExecutorBackend
from azr_env.jsonl import dumps_line
from azr_env.tasks.base import Outcome, Task
from azr_env.vector import AZRVectorEnv

TYPES = ("deduction", "abduction", "induction")
SETTINGS = {"task_types": TYPES, "n_solve_samples": 1, "k_references": 2}
OUTCOMES = {outcome.value for outcome in Outcome}


def deep_ifs(depth: int) -> str:
    """A valid program of ``depth`` nested ``if`` statements (one space per level, to stay under the size cap)."""
    lines = ["def f(x):"] + [" " * (i + 1) + f"if x > {-i - 1}:" for i in range(depth)]
    return "\n".join([*lines, " " * (depth + 1) + "return x", " return 0"])


BODIES = [
    '"\ud800"',  # a lone surrogate inside a quoted input: passed the JSON fast path before
    "'\udfff' * 2",
    "1\x002",
    "[" * 150 + "]" * 150,  # deep but valid as Python
    "[" * 31 + "1" + "]" * 31,
    "9" * 5000,  # over Python's int parsing limit
    "'" + "x" * 3000 + "'",
    deep_ifs(50),
    deep_ifs(98),
    "def f(x):\n    return " + "[" * 150 + "x" + "]" * 150,
    "def f(x):\n    return x```\n",
    "def f(x):\n    return 'a\u2028b'\u2028",
    "def f(x):\r\n    return x\r\n",
    "def f():\n    return 1",
    "sum(ord(c) * 7 % 13 for c in 'banana')",
    "__import__('os').system('true')",
    "",
    "1) or (2",
    "x" * 5000,
]
TAGS = ["python", "input", "output", "message", "", "Python"]


@st.composite
def hostile_actions(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        fence = "`" * draw(st.integers(3, 4))
        tag, body = draw(st.sampled_from(TAGS)), draw(st.sampled_from(BODIES))
        pieces.append(draw(st.sampled_from([f"{fence}{tag}\n{body}\n{fence}", f"{fence}{tag} {body}{fence}"])))
    inner = draw(st.sampled_from(["\n", "\u2028", "\r\n", "\x85"])).join(pieces)
    head = draw(st.sampled_from(["<think>t</think>", "", "<think>", "\ud800"]))
    tail = draw(st.sampled_from(["</answer>", "", "</answer></answer>", "```"]))
    return f"{head}<answer>\n{inner}\n{tail}"


@pytest.fixture(scope="module")
def buffer(executor: ExecutorBackend) -> TaskBuffer:
    return TaskBuffer.seeded(TYPES, executor)


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def check_outcome(outcome: object, action: str) -> None:
    assert outcome in OUTCOMES
    if has_surrogate(action):
        assert outcome == Outcome.FORMAT_ERROR.value


@given(action=hostile_actions(), kind=st.sampled_from(TYPES), role=st.sampled_from(["propose", "solve"]))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_hostile_action_never_raises_out_of_step(
    action: str, kind: str, role: str, executor: ExecutorBackend, buffer: TaskBuffer
) -> None:
    env = AbsoluteZeroEnv(executor=executor, buffer=buffer, **SETTINGS)  # type: ignore[arg-type]
    env.reset(seed=0, options={"role": role, "task_type": kind})
    *_, info = env.step(action)
    check_outcome(info["outcome"], action)
    json.loads(dumps_line(info, default=repr))


@given(actions=st.lists(hostile_actions(), min_size=6, max_size=6))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hostile_actions_never_raise_out_of_a_vector_step(
    actions: list[str], executor: ExecutorBackend, buffer: TaskBuffer
) -> None:
    envs = AZRVectorEnv(6, executor=executor, buffer=buffer, **SETTINGS)  # type: ignore[arg-type]
    envs.reset(seed=0, options={"role": ["propose", "solve"] * 3, "task_type": [t for t in TYPES for _ in "ps"]})
    *_, infos = envs.step(actions)
    for outcome, action in zip(infos["outcome"], actions, strict=True):
        check_outcome(outcome, action)


@pytest.mark.parametrize(
    "action",
    [
        '<answer>\n```python\ndef f(x):\n    return x\n```\n```input\n"\ud800"\n```\n</answer>',
        "<answer>\n```python\n" + deep_ifs(50) + "\n```\n```input\n3\n```\n</answer>",
        "<answer>\n```python\ndef f(x):\n    return x\n```\n```input\n" + "[" * 150 + "]" * 150 + "\n```\n</answer>",
    ],
)
def test_the_two_crashes_found_by_fuzzing_are_outcomes(
    action: str, executor: ExecutorBackend, buffer: TaskBuffer
) -> None:
    env = AbsoluteZeroEnv(executor=executor, buffer=buffer, **SETTINGS)  # type: ignore[arg-type]
    env.reset(seed=0, options={"role": "propose", "task_type": "deduction"})
    *_, info = env.step(action)
    assert info["outcome"] in (Outcome.VALID.value, Outcome.FORMAT_ERROR.value)


def test_a_deep_program_enters_the_buffer_and_round_trips(executor: ExecutorBackend, tmp_path: Path) -> None:
    buffer = TaskBuffer.seeded(("deduction",), executor)
    env = AbsoluteZeroEnv(executor=executor, buffer=buffer, task_types=("deduction",), n_solve_samples=1)
    env.reset(seed=0, options={"role": "propose", "task_type": "deduction"})
    *_, info = env.step("<answer>\n```python\n" + deep_ifs(98) + "\n```\n```input\n3\n```\n</answer>")
    assert info["outcome"] == Outcome.VALID.value
    buffer.save(tmp_path / "buffer.jsonl")
    assert [t.task_id for t in TaskBuffer.load(tmp_path / "buffer.jsonl")] == [t.task_id for t in buffer]


def test_a_task_holding_surrogates_saves_and_loads(tmp_path: Path) -> None:
    buffer = TaskBuffer()
    task = Task("induction", "def f(x):\n    return x\n", ("'\\ud800'",), ("'\\ud800'",), message="hint \ud800\u2028")
    buffer.add(task)
    buffer.save(tmp_path / "buffer.jsonl")
    (loaded,) = TaskBuffer.load(tmp_path / "buffer.jsonl")
    assert (loaded.task_id, loaded.message) == (task.task_id, task.message)
