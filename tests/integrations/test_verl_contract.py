"""The verl adapter's contract without verl: reward function, parquet schema, the service, TRR++ math."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from azr_env.config import EnvConfig
from azr_env.executor import ExecutorBackend
from azr_env.integrations.verl import dataset, reward
from azr_env.integrations.verl.advantage import trr_advantages
from azr_env.integrations.verl.service import SelfPlayService
from azr_env.suites import load_suite
from azr_env.tasks.base import Role
from azr_env.tasks.examples import example_response
from azr_env.tasks.prompts import fence


@pytest.fixture(autouse=True)
def shared_executor(executor: ExecutorBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reward functions start their own executor on first use; here they borrow the session's."""
    from azr_env.integrations.common import TaskScorer
    from azr_env.tasks import list_task_types

    scorer = TaskScorer(EnvConfig(task_types=tuple(list_task_types())), executor)
    monkeypatch.setitem(reward._scorers, "default", scorer)


def test_compute_score_judges_through_the_env() -> None:
    task = load_suite("humaneval-deduction@1").tasks[0]
    row = dataset.solve_record(task, "azr-env/humaneval-deduction@1", 0)
    truth, source = row["reward_model"]["ground_truth"], row["data_source"]
    right = example_response(fence("output", task.outputs[0]))
    scores = [reward.compute_score(source, text, truth, row["extra_info"]) for text in (right, "nonsense")]
    assert scores == [1.0, -1.0]


def test_compute_score_batch_scores_mixed_types_in_order() -> None:
    rows = [*dataset.suite_records("humaneval-abduction@1")[:2], *dataset.suite_records("humaneval-deduction@1")[:2]]
    tasks = [json.loads(r["reward_model"]["ground_truth"]) for r in rows]
    texts = [example_response(fence("input", tasks[0]["inputs"][0])), "x", example_response(fence("output", "0")), ""]
    got = reward.compute_score_batch(
        [r["data_source"] for r in rows],
        texts,
        [r["reward_model"]["ground_truth"] for r in rows],
        [r["extra_info"] for r in rows],
    )
    assert got[0] == 1.0 and got[1] == -1.0 and got[3] == -1.0


def test_parquet_has_verls_schema(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = dataset.write_parquet(dataset.suite_records("codeio-deduction@1")[:5], tmp_path / "train.parquet")
    table = pq.read_table(path)
    assert tuple(table.column_names) == dataset.VERL_COLUMNS
    first = table.to_pylist()[0]
    assert [m["role"] for m in first["prompt"]] == ["system", "user"]
    assert first["reward_model"]["style"] == "rule" and first["agent_name"] == "azr_solve"
    assert json.loads(first["reward_model"]["ground_truth"])["task_type"] == "deduction"


def test_selfplay_records_cycle_over_slots_with_their_loops() -> None:
    rows = dataset.selfplay_records(["deduction", "induction"], repeats=2)
    assert len(rows) == 8
    assert [(r["agent_name"], r["extra_info"]["task_type"]) for r in rows[:4]] == [
        ("azr_propose", "deduction"), ("azr_solve", "deduction"),
        ("azr_propose", "induction"), ("azr_solve", "induction"),
    ]  # fmt: skip


def test_buffer_snapshot_rows_round_trip(tmp_path: Path, executor: ExecutorBackend) -> None:
    from azr_env.buffer import TaskBuffer
    from azr_env.tasks import get_task_type

    buffer = TaskBuffer.seeded([get_task_type("deduction"), get_task_type("abduction")], executor)
    buffer.save(tmp_path / "buffer.jsonl")
    rows = dataset.buffer_records(TaskBuffer.load(tmp_path / "buffer.jsonl"), ["abduction"])
    assert [r["extra_info"]["task_type"] for r in rows] == ["abduction"]


def proposal(value: int) -> str:
    return example_response(fence("python", f"def f(x):\n    return {value}"), fence("input", "0"))


def test_service_proposal_attempts_and_learnability(executor: ExecutorBackend) -> None:
    service = SelfPlayService(EnvConfig(task_types=("deduction",), n_solve_samples=2))
    try:
        messages = service.proposer_prompt("deduction", "uid-1")
        assert messages[1]["role"] == "user"
        check = service.judge_proposal("deduction", "uid-1", proposal(41))
        assert check["outcome"] == "valid" and service.sizes() == {"deduction": 2}
        answers = [example_response(fence("output", "41")), example_response(fence("output", "0"))]
        outcomes = service.score(check["task"], answers)
        assert outcomes == ["correct", "wrong"]
        assert service.learnability(outcomes) == 0.5
        assert service.invalid_reward("format_error") == -1.0
    finally:
        service.scorer.close()


def test_service_refuses_a_copy_of_a_buffer_task(executor: ExecutorBackend) -> None:
    service = SelfPlayService(EnvConfig(task_types=("deduction",)))
    try:
        seed = service.buffer.tasks("deduction")[0]
        service.proposer_prompt("deduction", "uid-1")
        copy = example_response(fence("python", seed.program), fence("input", seed.inputs[0]))
        assert service.judge_proposal("deduction", "uid-1", copy)["outcome"] == "invalid"
    finally:
        service.scorer.close()


def test_service_remembers_each_rollouts_group() -> None:
    service = SelfPlayService(EnvConfig(task_types=("deduction",)))
    try:
        service.proposer_prompt("deduction", "a")
        service.solve_task("deduction", "b")
        assert service.group_keys(["a", "b", "c"]) == ["deduction/propose", "deduction/solve", "c"]
    finally:
        service.scorer.close()


def test_trr_pools_each_type_and_role_across_prompts() -> None:
    scores = np.array([1.0, 0.0, 1.0, -1.0, 0.5])
    keys = ["deduction/solve", "deduction/solve", "deduction/propose", "deduction/propose", "abduction/solve"]
    got = trr_advantages(scores, keys)
    assert got[:2] == pytest.approx([1.0, -1.0], abs=1e-3)  # (x - 0.5) / 0.5, population std
    assert got[2:4] == pytest.approx([1.0, -1.0], abs=1e-3)
    assert got[4] == 0.0  # a group of one has no baseline to compare with


def test_role_enum_values_match_the_dataset_roles() -> None:
    assert {dataset.AGENT[Role.PROPOSE], dataset.AGENT[Role.SOLVE]} == {"azr_propose", "azr_solve"}
