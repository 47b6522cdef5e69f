"""The ``stochastic-oracle`` baseline: the oracle's proposals, and its exact answers with probability ``p`` only.

A policy that solves every task with the same probability ``p`` earns, for a valid proposal judged by ``n``
independent attempts, the expected learnability reward ``(1 - p) - (1 - p) ** n``: the mean of ``1 - k / n`` over
``k ~ Binomial(n, p)``, less the ``k = 0`` term that the paper's reward sets to 0 (``k = n`` contributes 0 anyway).
That is 0.47 at ``p = 0.1`` and ``n = 8``. So in ``azr eval --suite selfplay`` this agent checks the env's
learnability reward against a closed form, where the exact oracle (``p = 1``) earns 0 and the random agent has no
valid proposal.

Each answer draws its own Bernoulli(``p``) from the agent's seeded generator. A miss is a response whose answer
holds no fenced block, which every task type judges a format error (never correct, whatever the task).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agents.base import AgentContext
from agents.baselines.oracle import OracleAgent
from agents.registry import register_agent
from azr_env.errors import ConfigError

MISS = "<think>stochastic oracle: this one is a miss</think>\n<answer>\n</answer>"
"""What the agent answers when its draw says it does not solve the task."""


def expected_learnability(p: float, n: int) -> float:
    """The expected learnability reward of a proposal that ``n`` attempts each solve with probability ``p``."""
    return (1.0 - p) - (1.0 - p) ** n


class StochasticOracleAgent(OracleAgent):
    """Proposes like the oracle; answers exactly with probability ``p``, else misses."""

    def __init__(self, context: AgentContext, p: float = 0.1) -> None:
        """Create the agent; ``p`` is the probability that an answer is the exact one."""
        if not 0.0 <= p <= 1.0:
            raise ConfigError(f"the stochastic oracle's p is a probability in [0, 1], got {p!r}")
        super().__init__(context)
        self.p = float(p)

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return the oracle's responses with each answer replaced by a miss with probability ``1 - p``."""
        responses = super().act(observations, infos)
        return [
            MISS if info.get("role") != "propose" and self.rng.random() >= self.p else text
            for text, info in zip(responses, infos, strict=True)
        ]


register_agent("stochastic-oracle")(StochasticOracleAgent)
