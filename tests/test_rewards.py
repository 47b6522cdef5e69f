import pytest

from azr_env.errors import ConfigError
from azr_env.rewards import RewardConfig, learnability, proposer_reward, solver_reward
from azr_env.tasks.base import Outcome

EQUATION = RewardConfig()
CODE = RewardConfig(extreme_rate_reward="code")


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 0.0), (1.0, 0.0), (0.25, 0.75), (0.125, 0.875), (0.5, 0.5)])
def test_learnability_matches_hand_computed_values(rate: float, expected: float) -> None:
    assert learnability(rate) == expected


def test_learnability_refuses_rates_outside_the_unit_interval() -> None:
    with pytest.raises(ConfigError):
        learnability(1.5)


@pytest.mark.parametrize(
    ("outcome", "expected"), [(Outcome.CORRECT, 1.0), (Outcome.WRONG, -0.5), (Outcome.FORMAT_ERROR, -1.0)]
)
def test_solver_reward_follows_paper_eq6(outcome: Outcome, expected: float) -> None:
    assert solver_reward(outcome, EQUATION) == expected


def test_solver_reward_refuses_a_proposer_outcome() -> None:
    with pytest.raises(ConfigError):
        solver_reward(Outcome.VALID, EQUATION)


def test_valid_proposal_gets_one_minus_solve_rate() -> None:
    assert proposer_reward(Outcome.VALID, 3 / 8, EQUATION) == 0.625


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_equation_choice_gives_zero_at_extreme_rates(rate: float) -> None:
    assert proposer_reward(Outcome.VALID, rate, EQUATION) == 0.0


@pytest.mark.parametrize("rate", [0.0, 1.0])
def test_code_choice_gives_wrong_penalty_at_extreme_rates(rate: float) -> None:
    assert proposer_reward(Outcome.VALID, rate, CODE) == -0.5


@pytest.mark.parametrize("outcome", [Outcome.INVALID, Outcome.FORMAT_ERROR])
def test_invalid_or_malformed_proposal_gets_format_penalty(outcome: Outcome) -> None:
    assert proposer_reward(outcome, None, EQUATION) == -1.0


def test_custom_penalties_are_used() -> None:
    config = RewardConfig(format_penalty=-2.0, wrong_penalty=-0.25)
    assert (solver_reward(Outcome.FORMAT_ERROR, config), solver_reward(Outcome.WRONG, config)) == (-2.0, -0.25)


def test_valid_proposal_without_solve_rate_is_a_programmer_error() -> None:
    with pytest.raises(ConfigError):
        proposer_reward(Outcome.VALID, None, EQUATION)


def test_config_refuses_unknown_extreme_rate_choice() -> None:
    with pytest.raises(ConfigError, match="equation"):
        RewardConfig(extreme_rate_reward="paper")  # type: ignore[arg-type]


def test_config_refuses_non_finite_penalty() -> None:
    with pytest.raises(ConfigError):
        RewardConfig(format_penalty=float("-inf"))
