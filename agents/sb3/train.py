"""The ``sb3-ppo`` and ``sb3-a2c`` agents: train briefly on an SB3 view of the env, then act like any agent.

At construction the agent builds a training env from ``AgentContext.env_factory`` (the harness passes the env being
evaluated: a ``Solve-v5`` suite, or self-play restricted to solve episodes), wraps it in the chosen view
(``"choice"``: :class:`~agents.sb3.choice_env.ChoiceEnv`, default; ``"token"``: :class:`~agents.sb3.token_env.TokenEnv`)
and runs ``algo.learn(timesteps)``. Note that on a suite it trains on the items it is then scored on (with other
candidate shuffles): read its numbers as what a tiny classic-RL budget reaches, not as held-out generalization.

Acting: a solve observation is turned into the same view (candidates drawn with the agent's own seeded generator,
or tokens predicted one at a time until the end id) and the model's deterministic action decides the answer.
Proposals are out of reach for both views; propose prompts get the ``replay`` baseline's response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from agents.base import AgentContext
from agents.baselines.answers import solve_response
from agents.baselines.replay import ReplayAgent
from agents.registry import register_agent
from agents.sb3.candidates import candidates
from agents.sb3.token_env import TokenEnv, solve_formatter
from agents.sb3.vocab import EOS, PAD, decode, encode
from azr_env.errors import ConfigError, MissingDependencyError

View = Literal["choice", "token"]
SMALL_BATCH = {"PPO": {"n_steps": 64, "batch_size": 32, "n_epochs": 4}, "A2C": {"n_steps": 8}}
"""Hyper-parameters scaled to budgets of a few hundred steps (SB3's defaults want thousands)."""


def _algorithm(name: str) -> Any:
    try:
        import stable_baselines3
    except ImportError as exc:
        raise MissingDependencyError("stable-baselines3", "agents", "the sb3 agents") from exc
    return getattr(stable_baselines3, name)


def wrap(env: Any, view: View, context: AgentContext, k: int) -> Any:
    """Wrap a text env in the chosen SB3 view (solve episodes only)."""
    from agents.sb3.choice_env import ChoiceEnv

    options = {"role": "solve"} if getattr(env.unwrapped, "suite", None) is None else None
    if view == "token":
        return TokenEnv(env, reset_options=options)
    if context.executor is None:
        raise ConfigError("the choice view needs AgentContext.executor to compute wrong candidates")
    return ChoiceEnv(env, context.executor, k=k, lookup=context.lookup, reset_options=options)


def train(algo: str, env: Any, *, timesteps: int, seed: int) -> Any:
    """Train ``algo`` (``"PPO"`` or ``"A2C"``) with an MLP policy for ``timesteps`` steps on a wrapped env."""
    model = _algorithm(algo)("MlpPolicy", env, seed=seed, device="cpu", verbose=0, **SMALL_BATCH[algo])
    model.learn(total_timesteps=timesteps)
    return model


class SB3Agent:
    """A classic-RL policy trained on an SB3 view; see the module docstring."""

    def __init__(
        self, context: AgentContext, *, algo: str = "PPO", view: View = "choice", timesteps: int = 512, k: int = 4
    ) -> None:
        """Train the policy now (``timesteps`` environment steps on ``context.env_factory()``)."""
        if context.env_factory is None:
            raise ConfigError("sb3 agents train before they act: AgentContext.env_factory must build an env")
        self.context, self.view, self.k = context, view, k
        self.rng = np.random.default_rng(context.seed)
        self.env = wrap(context.env_factory(), view, context, k)
        self.model = train(algo, self.env, timesteps=timesteps, seed=context.seed)
        self.fallback = ReplayAgent(context)

    def _choose(self, observation: str, info: Mapping[str, Any]) -> str:
        task = self.context.lookup(str(info.get("task_id", "")))
        if task is None or self.context.executor is None:
            return solve_response(str(info.get("task_type", "")), "None")
        choices, _ = candidates(task, self.context.executor, self.k, self.rng)
        action, _ = self.model.predict(self.env.observe(observation, choices), deterministic=True)
        return solve_response(task.task_type, choices[int(action)])

    def _generate(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        prompts = [encode(obs) for obs in observations]
        answers: list[list[int]] = [[] for _ in observations]
        done = [False] * len(observations)
        for _ in range(self.env.answer_len):
            batch = np.stack([self.env.observe(p, a) for p, a in zip(prompts, answers, strict=True)])
            actions, _ = self.model.predict(batch, deterministic=True)
            for i, token in enumerate(int(a) for a in actions):
                done[i] = done[i] or token in (EOS, PAD)
                if not done[i]:
                    answers[i].append(token)
        return [solve_formatter(decode(a), info) for a, info in zip(answers, infos, strict=True)]

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Answer solve prompts with the trained policy and propose prompts with the replay baseline."""
        solving = [i for i, info in enumerate(infos) if info.get("role") != "propose"]
        if self.view == "token":
            found = self._generate([observations[i] for i in solving], [infos[i] for i in solving])
        else:
            found = [self._choose(observations[i], infos[i]) for i in solving]
        answers = dict(zip(solving, found, strict=True))
        proposals = [i for i in range(len(infos)) if i not in answers]
        answers.update(
            zip(
                proposals,
                self.fallback.act([observations[i] for i in proposals], [infos[i] for i in proposals]),
                strict=True,
            )
        )
        return [answers[i] for i in range(len(infos))]


@register_agent("sb3-ppo")
def make_ppo(context: AgentContext, *, view: View = "choice", timesteps: int = 512, k: int = 4) -> SB3Agent:
    """Build and train a PPO agent on the ``view`` of the env for ``timesteps`` steps."""
    return SB3Agent(context, algo="PPO", view=view, timesteps=timesteps, k=k)


@register_agent("sb3-a2c")
def make_a2c(context: AgentContext, *, view: View = "choice", timesteps: int = 512, k: int = 4) -> SB3Agent:
    """Build and train an A2C agent on the ``view`` of the env for ``timesteps`` steps."""
    return SB3Agent(context, algo="A2C", view=view, timesteps=timesteps, k=k)
