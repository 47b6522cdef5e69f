"""Rollout collection: one batch of self-play from the vector env, kept as token ids for training.

One collect is one vector step. Every sub-environment gets its role and task type at reset, so each
(task type, role) pair gets ``batch_size`` episodes. A ``RecordingSolver`` is injected into the env: it samples the
n solver attempts at every valid proposal with the same backend and keeps their ``Generation`` objects, so the
solver can train on them too (``TrainConfig.solver_trains_on_attempts``). Prompt ids, completion ids and logprobs
all come from generation; nothing is re-tokenized.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.llm.sampling import Generation, SamplingParams

if TYPE_CHECKING:
    from agents.llm.backends import RolloutBackend
    from agents.llm.config import TrainConfig
    from azr_env.vector import AZRVectorEnv


@dataclass(frozen=True)
class Sample:
    """One scored response of the policy.

    Attributes:
        generation: the sampled completion with its prompt ids and logprobs.
        reward: the env's scalar reward for it.
        task_type: task type of its episode.
        role: ``"propose"`` or ``"solve"``.
        group_id: the task it is about (its own task id for a valid proposal), for per-task estimators.
        outcome: the env's ``Outcome`` value.
        source: ``"episode"`` (an env action) or ``"attempt"`` (one of the n solver attempts at a proposal).
        exec_status: the executor status behind a proposal's outcome (``info["exec_status"]``; ``""`` if none).
    """

    generation: Generation
    reward: float
    task_type: str
    role: str
    group_id: str
    outcome: str
    source: str = "episode"
    exec_status: str = ""


@dataclass
class Rollout:
    """Everything one collect produced."""

    samples: list[Sample]
    solve_rates: dict[str, list[float]] = field(default_factory=dict)
    """Per task type: the solve rate of each valid proposal (for learnability statistics)."""
    attempts: list[Sample] = field(default_factory=list)
    """Every solver attempt at this step's proposals, whether or not the solver trains on them (the monitor reads
    them all)."""
    seconds: float = 0.0


class RecordingSolver:
    """The env's injected ``Solver``: samples with the policy's backend and records every ``Generation``.

    ``system_prompt`` is the env's system message in chat format (solver observations are then user messages), or
    ``None`` for R1 text.
    """

    def __init__(self, backend: RolloutBackend, tokenizer: Any, system_prompt: str | None = None) -> None:
        self.backend, self.tokenizer, self.system_prompt = backend, tokenizer, system_prompt
        self.params = SamplingParams()
        self.generations: list[Generation] = []

    def start(self, params: SamplingParams) -> None:
        """Forget recorded generations and sample the next call with ``params``."""
        self.params, self.generations = params, []

    def __call__(self, observations: Sequence[str]) -> list[str]:
        """Return one sampled response per solver observation."""
        from agents.llm.prompting import format_observation

        prompts = [format_observation(self.tokenizer, obs, system_prompt=self.system_prompt) for obs in observations]
        generations = self.backend.generate(prompts, self.params)
        self.generations.extend(generations)
        return [g.text for g in generations]


def episode_layout(task_types: Sequence[str], batch_size: int) -> tuple[list[str], list[str]]:
    """Per-env roles and task types: for each type, ``batch_size`` proposers then ``batch_size`` solvers."""
    roles, types = [], []
    for task_type in task_types:
        for role in ("propose", "solve"):
            roles += [role] * batch_size
            types += [task_type] * batch_size
    return roles, types


def info_at(infos: Mapping[str, Any], key: str, i: int, default: Any = None) -> Any:
    """Value of ``key`` for sub-env ``i`` in Gymnasium's vector info dict (respecting the ``_key`` mask)."""
    if key not in infos:
        return default
    mask = infos.get("_" + key)
    if mask is not None and not bool(mask[i]):
        return default
    return infos[key][i]


def collect(
    env: AZRVectorEnv,
    backend: RolloutBackend,
    solver: RecordingSolver,
    tokenizer: Any,
    *,
    config: TrainConfig,
    seeds: np.ndarray,
) -> Rollout:
    """Play one vector step of self-play and return the scored samples.

    Args:
        env: the vector env, built with ``solver`` injected and ``num_envs == 2 * len(types) * batch_size``.
        backend: rollout backend over the current policy.
        solver: the env's injected solver (records the n attempts).
        tokenizer: the policy's tokenizer (for prompt formatting).
        config: the run's config.
        seeds: three integers drawn from the trainer's RNG: env reset, episode sampling, attempt sampling.
    """
    from agents.llm.prompting import format_observation

    start = time.perf_counter()
    roles, types = episode_layout(config.task_types, config.batch_size)
    observations, infos = env.reset(seed=int(seeds[0]), options={"role": roles, "task_type": types})
    prompts = [
        format_observation(tokenizer, obs, system_prompt=info_at(infos, "system_prompt", i) or None)
        for i, obs in enumerate(observations)
    ]
    params = SamplingParams(max_new_tokens=config.max_new_tokens, temperature=config.temperature)
    generations = backend.generate(prompts, _seeded(params, seeds[1]))
    solver.start(_seeded(params, seeds[2]))
    _, rewards, _, _, infos = env.step([g.text for g in generations])
    rollout = score(generations, rewards, infos, solver.generations, config)
    rollout.seconds = time.perf_counter() - start
    return rollout


def _seeded(params: SamplingParams, seed: Any) -> SamplingParams:
    return SamplingParams(params.max_new_tokens, params.temperature, params.top_p, params.top_k, int(seed))


def score(
    generations: Sequence[Generation],
    rewards: np.ndarray,
    infos: Mapping[str, Any],
    attempts: Sequence[Generation],
    config: TrainConfig,
) -> Rollout:
    """Pair each generation with its reward and labels; attach the solver attempts to their proposals."""
    samples: list[Sample] = []
    attempt_samples: list[Sample] = []
    solve_rates: dict[str, list[float]] = {t: [] for t in config.task_types}
    used = 0
    for i, gen in enumerate(generations):
        role, task_type = str(info_at(infos, "role", i)), str(info_at(infos, "task_type", i))
        task_id = str(info_at(infos, "task_id", i, "") or f"untracked-{i}")
        outcome = str(info_at(infos, "outcome", i, ""))
        status = str(info_at(infos, "exec_status", i, ""))
        samples.append(Sample(gen, float(rewards[i]), task_type, role, task_id, outcome, exec_status=status))
        results = info_at(infos, "solve_attempts", i) or []
        if not results:
            continue
        solve_rates[task_type].append(float(info_at(infos, "solve_rate", i, 0.0)))
        mine = [
            Sample(gen_a, float(result["reward"]), task_type, "solve", task_id, result["outcome"], "attempt")
            for gen_a, result in zip(attempts[used : used + len(results)], results, strict=True)
        ]
        attempt_samples += mine
        if config.solver_trains_on_attempts:
            samples += mine
        used += len(results)
    return Rollout(samples=samples, solve_rates=solve_rates, attempts=attempt_samples)
