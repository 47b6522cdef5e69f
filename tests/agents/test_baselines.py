import numpy as np
import pytest

from agents.base import Agent, AgentContext
from agents.baselines.answers import SOLVE_FORMATS, solve_response
from agents.baselines.inputs import fresh_inputs, mutate_input
from agents.baselines.programs import LIBRARY
from agents.registry import list_agents, make_agent
from azr_env.errors import ConfigError, UnknownNameError
from azr_env.tasks.parsing import extract_answer, fenced_blocks
from benchmarks.harness import EvalConfig, run_selfplay, run_suite

BUILTIN = ("random", "replay", "oracle", "zero-shot", "sb3-ppo", "sb3-a2c")
INFOS = [{"role": role, "task_type": t, "task_id": ""} for role in ("propose", "solve") for t in SOLVE_FORMATS]


def _suites() -> list[str]:
    from azr_env.suites import list_suites

    return list_suites()


def _rate(rows: list[dict]) -> float:
    return float(np.mean([row["correct"] for row in rows]))


def test_every_builtin_agent_is_registered() -> None:
    assert set(BUILTIN) <= set(list_agents())


def test_unknown_agent_suggests_a_close_name() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'oracle'"):
        make_agent("oracel")


def test_unknown_agent_option_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="takes the options"):
        make_agent("random", AgentContext(), model="tiny-random")


def test_baselines_keep_the_agent_protocol() -> None:
    assert all(isinstance(make_agent(name, AgentContext()), Agent) for name in ("random", "replay", "oracle"))


def test_random_agent_is_seeded() -> None:
    first = make_agent("random", AgentContext(seed=3)).act([""] * len(INFOS), INFOS)
    again = make_agent("random", AgentContext(seed=3)).act([""] * len(INFOS), INFOS)
    assert first == again


def test_random_responses_are_well_formed() -> None:
    responses = make_agent("random", AgentContext(seed=0)).act([""] * len(INFOS), INFOS)
    assert all(extract_answer(text) for text in responses)


def test_solve_response_puts_the_answer_in_the_types_block() -> None:
    text = solve_response("abduction", "[1, 2]")
    assert fenced_blocks(extract_answer(text) or "", "input") == ["[1, 2]"]


def test_mutate_input_is_seeded() -> None:
    expr = "[1, 2, 3], 'abc', 2.5"
    assert mutate_input(expr, np.random.default_rng(1)) == mutate_input(expr, np.random.default_rng(1))


def test_mutate_input_leaves_text_that_does_not_parse() -> None:
    assert mutate_input("[1, 2", np.random.default_rng(0)) == "[1, 2"


def test_fresh_inputs_are_distinct() -> None:
    found = fresh_inputs("[1, 2, 3]", 10, np.random.default_rng(0))
    assert len(found) == len(set(found)) == 10


def test_library_programs_validate(executor) -> None:
    rng = np.random.default_rng(0)
    results = executor.validate_many([(p.source, p.make_input(rng)) for p in LIBRARY for _ in range(3)])
    assert all(r.valid for r in results), [r.error for r in results if not r.valid]


@pytest.mark.parametrize("suite", _suites())
def test_baselines_order_on_every_suite(executor, suite: str) -> None:
    config = EvalConfig(agent="random", suites=(suite,), limit=8, batch_size=8)
    rates = {
        name: _rate(run_suite(EvalConfig(**{**config.__dict__, "agent": name}), suite, 0, executor))
        for name in ("random", "replay", "oracle")
    }
    assert rates["random"] <= rates["replay"] < rates["oracle"]


@pytest.mark.parametrize("suite", [s for s in _suites() if "deduction" in s or "abduction" in s])
def test_oracle_is_exact_on_deduction_and_abduction(executor, suite: str) -> None:
    rows = run_suite(EvalConfig(agent="oracle", suites=(suite,), limit=12, batch_size=12), suite, 0, executor)
    assert _rate(rows) == 1.0


def test_oracle_proposals_are_valid_and_solved(executor) -> None:
    config = EvalConfig(agent="oracle", suites=("selfplay",), episodes=12, n_solve_samples=2, batch_size=6)
    proposals = [row for row in run_selfplay(config, 0, executor) if row["kind"] == "propose"]
    assert proposals and all(row["valid"] and row["solve_rate"] == 1.0 for row in proposals)


def test_random_proposals_are_invalid(executor) -> None:
    config = EvalConfig(agent="random", suites=("selfplay",), episodes=12, n_solve_samples=2, batch_size=6)
    proposals = [row for row in run_selfplay(config, 0, executor) if row["kind"] == "propose"]
    assert proposals and not any(row["valid"] for row in proposals)


def test_zero_shot_samples_one_response_per_observation() -> None:
    agent = make_agent("zero-shot", AgentContext(seed=0), model="tiny-random", max_new_tokens=8)
    again = make_agent("zero-shot", AgentContext(seed=0), model="tiny-random", max_new_tokens=8)
    infos = INFOS[:2]
    first = agent.act(["User: hi\nAssistant: <think>"] * 2, infos)
    assert len(first) == 2 and first == again.act(["User: hi\nAssistant: <think>"] * 2, infos)
