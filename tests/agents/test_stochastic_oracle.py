"""The stochastic oracle earns the learnability reward the formula predicts: (1 - p) - (1 - p) ** n."""

from __future__ import annotations

import pytest

from agents.base import AgentContext
from agents.baselines.stochastic_oracle import MISS, StochasticOracleAgent, expected_learnability
from benchmarks.evaluate import markdown_table, summarize
from benchmarks.harness import EvalConfig, run_eval


def learnability(executor, p: float, seeds=(0, 1)):  # type: ignore[no-untyped-def]
    config = EvalConfig(
        agent="stochastic-oracle", suites=("selfplay",), seeds=seeds, episodes=120, n_solve_samples=8,
        task_types=("deduction",), agent_options={"p": p},
    )  # fmt: skip
    rows = run_eval(config, executor)
    (entry,) = summarize(rows)["propose"]
    return entry["learnability"], rows


def test_the_formula_is_047_at_p_01_and_n_8() -> None:
    assert expected_learnability(0.1, 8) == pytest.approx(0.4695, abs=1e-4)


@pytest.mark.parametrize("p", [0.1, 0.4])
def test_the_mean_learnability_matches_the_formula_within_its_ci(executor, p: float) -> None:
    found, _ = learnability(executor, p)
    ci = found["mean_reward_ci"]
    assert found["n"] >= 100 and ci["low"] <= expected_learnability(p, 8) <= ci["high"]


def test_an_eval_row_shows_the_non_zero_reward_and_its_ci(executor) -> None:
    _, rows = learnability(executor, 0.1, seeds=(0,))
    table = markdown_table([summarize(rows)])
    assert "stochastic-oracle | deduction" in table and " [0." in table.split("stochastic-oracle | deduction")[1]


def test_the_same_seed_gives_the_same_answers() -> None:
    infos = [{"role": "solve", "task_type": "deduction", "task_id": "unknown"}] * 50
    runs = [StochasticOracleAgent(AgentContext(seed=3), p=0.5).act(["obs"] * 50, infos) for _ in range(2)]
    assert runs[0] == runs[1] and 0 < runs[0].count(MISS) < 50
