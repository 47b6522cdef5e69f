"""The env over the built-in task types and the real sandboxed executor."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from azr_env.env import AbsoluteZeroEnv
from azr_env.tasks import get_task_type

TYPES = ("deduction", "abduction", "induction")


def make_env(executor: object, **overrides: object) -> AbsoluteZeroEnv:
    return AbsoluteZeroEnv(executor=executor, n_solve_samples=1, **overrides)  # type: ignore[arg-type]


@pytest.mark.parametrize("task_type", TYPES)
def test_a_known_valid_proposal_and_its_correct_answer_score(executor: object, task_type: str) -> None:
    env = make_env(executor)
    env.reset(seed=0, options={"role": "propose", "task_type": task_type})
    examples = get_task_type(task_type).conformance_examples(env._episode.context)  # type: ignore[attr-defined,union-attr]
    _, reward, terminated, _, info = env.step(examples.proposal)
    assert (info["outcome"], reward, terminated) == ("valid", 0.0, False), info["error"]
    _, reward, terminated, _, info = env.step(examples.correct)
    assert (info["outcome"], terminated) == ("correct", True)
    assert info["reward_components"] == {"solve": 1.0, "propose": 0.0}  # solved 1/1: no learnability


def test_a_proposal_that_writes_a_file_is_refused_and_writes_nothing(executor: object, tmp_path: Path) -> None:
    target = tmp_path / f"pwned-{uuid.uuid4().hex}"
    program = f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n    return x\n"
    action = f"<think>t</think>\n<answer>\n```python\n{program}```\n```input\n1\n```\n</answer>"
    env = make_env(executor)
    env.reset(seed=0, options={"role": "propose", "task_type": "deduction"})
    _, reward, terminated, _, info = env.step(action)
    assert (reward, terminated, info["outcome"]) == (-1.0, True, "invalid")
    assert info["exec_status"] != "ok" and info["error"]
    assert not target.exists()


def test_a_correct_deduction_answer_on_a_buffer_task_earns_one(executor: object) -> None:
    env = make_env(executor)
    env.reset(seed=0, options={"role": "solve", "task_type": "deduction"})
    task = env._episode.task  # type: ignore[union-attr]
    _, reward, _, _, info = env.step(f"<think>t</think>\n<answer>\n```output\n{task.outputs[0]}\n```\n</answer>")
    assert (reward, info["outcome"]) == (1.0, "correct")


GETPID = "<answer>\n```python\nimport os\ndef f(x):\n    return os.getpid()\n```\n```input\n1\n```\n</answer>"


def test_infos_carry_no_timings_or_pids(executor: object) -> None:
    def episode() -> list[object]:
        env = make_env(executor)
        out: list[object] = []
        for seed in range(4):
            out.append(env.reset(seed=seed))
            out.append(env.step(GETPID))
        return out

    assert episode() == episode()


HOSTILE = [
    "x" * 40_000,
    "\x00\xff\ud800 binary \x1b[2J junk " * 100,
    "<answer>" + "```python\n" * 3000 + "</answer>",
    "<answer>\n```python\ndef f(x):\n    return "
    + "(" * 5000
    + "x"
    + ")" * 5000
    + "\n```\n```input\n1\n```\n</answer>",
    "<answer>\n```output\n" + "[" * 3000 + "]" * 3000 + "\n```\n```input\n" + "[" * 3000 + "\n```\n</answer>",
]
FOREVER = "<answer>\n```python\ndef f(x):\n    while True:\n        pass\n```\n```input\n1\n```\n</answer>"


@pytest.mark.parametrize("task_type", TYPES)
@pytest.mark.parametrize("role", ["propose", "solve"])
def test_hostile_actions_are_judged_not_raised(executor: object, task_type: str, role: str) -> None:
    env = make_env(executor)
    for n, action in enumerate(HOSTILE):
        env.reset(seed=n, options={"role": role, "task_type": task_type})
        _, reward, _, _, info = env.step(action)
        assert reward in (-1.0, -0.5) and info["outcome"] in ("format_error", "invalid", "wrong")


def test_a_proposal_that_never_returns_is_invalid_after_the_timeout(executor: object) -> None:
    env = make_env(executor)
    env.reset(seed=0, options={"role": "propose", "task_type": "deduction"})
    _, reward, terminated, _, info = env.step(FOREVER)
    assert (reward, terminated, info["outcome"], info["exec_status"]) == (-1.0, True, "invalid", "timeout")


def test_solve_env_over_a_released_suite_scores_the_gold_answer(executor: object) -> None:
    from azr_env.solve_env import SolveEnv

    env = SolveEnv("humaneval-deduction", executor=executor)  # type: ignore[arg-type]
    _, info = env.reset(options={"index": 0})
    gold = env.suite.tasks[0].outputs[0]
    _, reward, terminated, _, info = env.step(f"<think>t</think>\n<answer>\n```output\n{gold}\n```\n</answer>")
    assert (reward, terminated, info["outcome"]) == (1.0, True, "correct")
    assert info["suite"] == f"humaneval-deduction@{env.suite.version}"
