"""Rewards of Absolute Zero as pure functions of an ``Outcome`` (and a solve rate for the proposer).

Paper equations (Zhao et al., 2025): learnability ``r_propose = 0 if p in {0, 1} else 1 - p`` (Eq. 4) for the mean
solve rate ``p`` over n solver attempts; solver ``r_solve = 1`` if correct (Eq. 5); composite (Eq. 6): the role
reward when the response is well formed and passes, ``-0.5`` when well formed but wrong, ``-1`` on a format error.
For the proposer every parse or validation failure counts as a format error.

Deviation switch: the paper's released code gives ``-0.5`` (not ``0``) to a *valid* proposal whose solve rate is 0
or 1, because it treats a zero role reward as "wrong". ``RewardConfig.extreme_rate_reward`` picks one: ``"equation"``
(default, reward 0) or ``"code"`` (reward ``wrong_penalty``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from azr_env.errors import ConfigError
from azr_env.tasks.base import Outcome


@dataclass(frozen=True, slots=True)
class RewardConfig:
    """How outcomes map to scalar rewards."""

    format_penalty: float = -1.0
    """Reward for a format error (either role) and for any invalid proposal (paper Eq. 6: -1)."""

    wrong_penalty: float = -0.5
    """Reward for a well-formed but wrong solver answer (paper Eq. 6: -0.5)."""

    extreme_rate_reward: Literal["equation", "code"] = "equation"
    """Reward of a valid proposal that the solver always or never solves: ``"equation"`` gives 0 as in paper
    Eq. 4/6; ``"code"`` gives ``wrong_penalty`` as the paper's released code does (its issue #37)."""

    def __post_init__(self) -> None:
        for name in ("format_penalty", "wrong_penalty"):
            if not math.isfinite(getattr(self, name)):
                raise ConfigError(f"RewardConfig.{name} must be a finite number: rewards feed gradient estimates")
        if self.extreme_rate_reward not in ("equation", "code"):
            raise ConfigError(
                f"RewardConfig.extreme_rate_reward must be 'equation' or 'code', got {self.extreme_rate_reward!r}: "
                "it chooses between the paper's equations and its released code"
            )


def learnability(solve_rate: float) -> float:
    """Return the paper's learnability reward: 0 if the rate is 0 or 1 (no signal), else ``1 - solve_rate``."""
    if not 0.0 <= solve_rate <= 1.0:
        raise ConfigError(f"a solve rate is a fraction in [0, 1], got {solve_rate!r}")
    if solve_rate in (0.0, 1.0):
        return 0.0
    return 1.0 - solve_rate


def solver_reward(outcome: Outcome, config: RewardConfig) -> float:
    """Return the solver's composite reward for one answer: 1, ``wrong_penalty`` or ``format_penalty``."""
    if outcome is Outcome.CORRECT:
        return 1.0
    if outcome is Outcome.WRONG:
        return config.wrong_penalty
    if outcome is Outcome.FORMAT_ERROR:
        return config.format_penalty
    raise ConfigError(f"{outcome.value!r} is a proposer outcome, not a solver outcome")


def proposer_reward(outcome: Outcome, solve_rate: float | None, config: RewardConfig) -> float:
    """Return the proposer's composite reward.

    Args:
        outcome: ``VALID``, ``INVALID`` or ``FORMAT_ERROR``.
        solve_rate: mean solver success over the attempts on the new task; required when ``outcome`` is ``VALID``.
        config: the penalties and the extreme-rate choice.
    """
    if outcome in (Outcome.INVALID, Outcome.FORMAT_ERROR):
        return config.format_penalty
    if outcome is not Outcome.VALID:
        raise ConfigError(f"{outcome.value!r} is a solver outcome, not a proposer outcome")
    if solve_rate is None:
        raise ConfigError("a valid proposal needs the solve rate of its attempts to be rewarded")
    reward = learnability(solve_rate)
    if reward == 0.0 and config.extreme_rate_reward == "code":
        return config.wrong_penalty
    return reward
