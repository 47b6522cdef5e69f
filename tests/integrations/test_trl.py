"""The TRL adapter: datasets, reward functions and the self-play rollout (a scripted trainer; the example runs TRL)."""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from azr_env.buffer import TaskBuffer
from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.executor import ExecutorBackend
from azr_env.suites import load_suite
from azr_env.tasks.base import Role, Task
from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence
from tests.integrations.fake_trainer import FakeTrainer

pytest.importorskip("datasets")

from azr_env.integrations.trl import (
    SelfPlayRollout,
    SolveReward,
    buffer_dataset,
    selfplay_dataset,
    selfplay_reward,
    slot_key,
    suite_dataset,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "trl_grpo.py"
CONFIG = EnvConfig(task_types=("deduction",), n_solve_samples=2, prompt_format="chat")


class CountingExecutor:
    """Counts the executor calls a scorer makes (it delegates to the session executor)."""

    def __init__(self, inner: ExecutorBackend) -> None:
        self.inner, self.calls = inner, 0

    def run_many(self, jobs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.run_many(jobs)

    def validate_many(self, jobs, deadline_share=0.5):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.inner.validate_many(jobs, deadline_share)

    def security_layers(self):  # type: ignore[no-untyped-def]
        return self.inner.security_layers()

    def close(self) -> None:
        pass


def answer(task: Task, right: bool) -> str:
    return example_response(fence("output", task.outputs[0] if right else "'surely not'"))


def test_suite_dataset_rows_carry_prompt_and_task() -> None:
    rows = suite_dataset("humaneval-deduction@1", limit=3)
    task = load_suite("humaneval-deduction@1").tasks[0]
    assert len(rows) == 3
    assert rows[0]["task_id"] == task.task_id
    assert rows[0]["prompt"][1]["role"] == "user" and task.program in rows[0]["prompt"][1]["content"]


def test_solve_reward_scores_right_wrong_and_malformed(executor: ExecutorBackend) -> None:
    tasks = list(load_suite("humaneval-deduction@1").tasks[:3])
    rows = suite_dataset("humaneval-deduction@1", limit=3).to_dict()
    completions = [answer(tasks[0], True), answer(tasks[1], False), "no envelope at all"]
    reward = SolveReward(EnvConfig(task_types=("deduction",)), executor)
    logged: dict[str, float] = {}
    got = reward(rows["prompt"], completions, log_metric=logged.__setitem__, **rows)
    assert got == [1.0, -0.5, -1.0]
    assert logged == {"azr/solve/deduction/accuracy": pytest.approx(1 / 3)}


def test_solve_reward_makes_one_executor_call_per_task_type(executor: ExecutorBackend) -> None:
    counting = CountingExecutor(executor)
    names = ("humaneval-deduction@1", "humaneval-abduction@1")
    parts = [suite_dataset(name, limit=4).to_dict() for name in names]
    rows = {key: parts[0][key] + parts[1][key] for key in parts[0]}
    reward = SolveReward(EnvConfig(task_types=("deduction", "abduction")), counting)
    reward(rows["prompt"], [example_response(fence("output", "0"), fence("input", "0"))] * 8, **rows)
    assert counting.calls <= 2 * 2  # answer canonicalization + verification, per type at most


def test_altered_row_is_refused(executor: ExecutorBackend) -> None:
    rows = suite_dataset("humaneval-deduction@1", limit=1).to_dict()
    rows["program"] = ["def f(x):\n    return 0\n"]
    with pytest.raises(ConfigError, match="altered"):
        SolveReward(EnvConfig(task_types=("deduction",)), executor)(rows["prompt"], ["x"], **rows)


def seeded_buffer(executor: ExecutorBackend) -> TaskBuffer:
    from azr_env.tasks import get_task_type

    return TaskBuffer.seeded([get_task_type("deduction")], executor)


def test_buffer_dataset_draws_tasks_added_while_it_streams(executor: ExecutorBackend) -> None:
    buffer = seeded_buffer(executor)
    stream = iter(buffer_dataset(buffer, ["deduction"], seed=0))
    first = next(stream)
    new = Task("deduction", "def f(x):\n    return 7\n", ("0",), ("7",))
    buffer.add(new)
    later = {row["task_id"] for row in itertools.islice(stream, 40)}
    assert first["task_id"] != new.task_id and new.task_id in later


def test_buffer_dataset_is_seeded(executor: ExecutorBackend) -> None:
    buffer = seeded_buffer(executor)
    for n in range(5):
        buffer.add(Task("deduction", f"def f(x):\n    return {n}\n", ("0",), (str(n),)))
    streams = [buffer_dataset(buffer, ["deduction"], seed=seed) for seed in (3, 3, 4)]
    draws = [[row["task_id"] for row in itertools.islice(stream, 12)] for stream in streams]
    assert draws[0] == draws[1] != draws[2]


def test_selfplay_dataset_cycles_through_every_slot() -> None:
    rows = selfplay_dataset(["deduction", "abduction"], repeats=2)
    assert len(rows) == 8
    assert rows["prompt"][:4] == [slot_key(r, t) for t in ("deduction", "abduction") for r in Role]


@pytest.fixture
def rollout(executor: ExecutorBackend) -> Iterator[SelfPlayRollout]:
    made = SelfPlayRollout(CONFIG, executor=executor, seed=0)
    yield made
    made.close()


def slots(*roles: Role, group: int = 2) -> list[str]:
    return [slot_key(role, "deduction") for role in roles for _ in range(group)]


def test_rollout_returns_one_row_per_prompt(rollout: SelfPlayRollout) -> None:
    prompts = slots(Role.PROPOSE, Role.SOLVE)
    out = rollout(prompts, FakeTrainer())
    assert {k: len(v) for k, v in out.items() if k != "logprobs"} == dict.fromkeys(
        ["prompt_ids", "completion_ids", "azr_reward", "azr_role", "azr_task_type", "azr_outcome"], 4
    )
    assert out["azr_role"] == ["propose", "propose", "solve", "solve"]


def test_valid_proposals_enter_the_buffer_and_earn_learnability(rollout: SelfPlayRollout) -> None:
    trainer = FakeTrainer()
    out = rollout(slots(Role.PROPOSE), trainer)
    assert out["azr_outcome"] == ["valid", "valid"]
    assert out["azr_reward"] == [0.5, 0.5]  # attempts right then wrong: solve rate 1/2, learnability 1 - 1/2
    assert rollout.buffer.size("deduction") == 3
    assert trainer.generate_calls == 2  # the rows, then every attempt in one batch


def test_solve_rows_get_the_solver_reward(rollout: SelfPlayRollout) -> None:
    out = rollout(slots(Role.SOLVE), FakeTrainer())
    assert out["azr_outcome"] == ["correct", "correct"]  # the zero triplet: 'hello' -> 'hello'
    assert out["azr_reward"] == [1.0, 1.0]


def test_prompt_groups_share_one_prompt_role_groups_do_not(executor: ExecutorBackend) -> None:
    prompts = slots(Role.PROPOSE, group=4)
    seen = {}
    for groups in ("prompt", "role"):
        buffer = seeded_buffer(executor)
        for n in range(20):
            buffer.add(Task("deduction", f"def f(x):\n    return {n} + x\n", ("1",), (str(n + 1),)))
        trainer = FakeTrainer(num_generations=4)
        rollout = SelfPlayRollout(CONFIG, executor=executor, buffer=buffer, groups=groups)  # type: ignore[arg-type]
        rollout(prompts, trainer)
        seen[groups] = len(set(trainer.prompts_seen[:4]))
    assert seen == {"prompt": 1, "role": 4}


def test_a_prompt_that_is_no_slot_is_refused(rollout: SelfPlayRollout) -> None:
    with pytest.raises(ConfigError, match="selfplay_dataset"):
        rollout(["What is 2 + 2?"], FakeTrainer())


def test_selfplay_reward_passes_rewards_and_logs_rates() -> None:
    logged: dict[str, float] = {}
    got = selfplay_reward(
        ["p"] * 3, ["c"] * 3, azr_reward=[0.5, -1.0, 1.0], azr_role=["propose", "propose", "solve"],
        azr_task_type=["deduction"] * 3, azr_outcome=["valid", "format_error", "correct"],
        log_metric=logged.__setitem__,
    )  # fmt: skip
    assert got == [0.5, -1.0, 1.0]
    assert logged == {"azr/propose/deduction/valid_rate": 0.5, "azr/solve/deduction/accuracy": 1.0}


@pytest.mark.slow
def test_example_trains_two_grpo_steps(tmp_path: Path) -> None:
    pytest.importorskip("trl")
    args = ["--steps", "2", "--task-types", "deduction", "--max-completion-length", "16", "--output-dir", str(tmp_path)]
    command = [sys.executable, str(EXAMPLE), *args]
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    steps = [line for line in run.stdout.splitlines() if '"azr/propose/deduction/valid_rate"' in line]
    assert len(steps) == 2


def test_unsupported_trl_is_refused(rollout: SelfPlayRollout, monkeypatch: pytest.MonkeyPatch) -> None:
    from azr_env.errors import IncompatibleDependencyError

    monkeypatch.setattr("azr_env.optional.installed_version", lambda requirement: "1.15.2")
    with pytest.raises(IncompatibleDependencyError, match=r"trl>=1\.16,<1\.17"):
        rollout(slots(Role.SOLVE), FakeTrainer())
