"""Rollout collection: one batch of self-play from the vector env, kept as token ids for training.

One collect is one vector step. Every sub-environment gets its role and task type at reset, so each
(task type, role) pair gets ``batch_size`` episodes; with ``group_size > 1`` consecutive sub-environments of a pair
share one reset seed, so a group sees one proposer prompt (the same references) or one buffer task. A
``RecordingSolver`` is injected into the env: it samples the n solver attempts at every valid proposal with the same
backend and keeps each ``Generation`` under the ``SolveRequest`` it answered, so the solver trains on them too
(``TrainConfig.solver_trains_on_attempts``) with each attempt's own reward, found through the env's typed records.
Prompt ids, completion ids and logprobs all come from generation; nothing is re-tokenized.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.llm.prompting import PromptText, format_messages
from agents.llm.sampling import Generation, SamplingParams
from azr_env.errors import ConfigError
from azr_env.records import Attempt, SolveRequest, Source, StepRecord
from azr_env.tasks.base import Outcome, Prompt, Role

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
        role: the role it played.
        group_id: what it shares a prompt with, for per-prompt estimators: the task of an answer (the n attempts at
            one proposal share it), the prompt group of a proposal.
        outcome: how the env judged it.
        source: an env action or a solver attempt.
    """

    generation: Generation
    reward: float
    task_type: str
    role: Role
    group_id: str
    outcome: Outcome
    source: Source = Source.EPISODE


@dataclass
class Rollout:
    """Everything one collect produced."""

    samples: list[Sample]
    records: list[StepRecord] = field(default_factory=list)
    """The env's record of every episode of the step (attempts inside their proposal's record)."""
    seconds: float = 0.0

    def solve_rates(self, task_type: str) -> list[float]:
        """The solve rate of each valid proposal of a task type (for learnability statistics)."""
        return [r.solve_rate for r in self.records if r.task_type == task_type and r.solve_rate is not None]


@dataclass(frozen=True)
class Slot:
    """What one sub-environment plays in a collect: a role and task type, and its prompt group."""

    role: Role
    task_type: str
    group: int


def prompt_text(tokenizer: Any, prompt: Prompt, prompt_format: str) -> PromptText:
    """The text a policy continues for a prompt: R1 text, or the system and user messages in the chat template."""
    from azr_env.tasks.prompts import render_messages, render_r1

    if prompt_format == "r1":
        return PromptText.literal(render_r1(prompt))
    return format_messages(tokenizer, render_messages(prompt))


class RecordingSolver:
    """The env's injected ``Solver``: samples with the policy's backend and keeps each request's ``Generation``."""

    def __init__(self, backend: RolloutBackend, tokenizer: Any, prompt_format: str) -> None:
        self.backend, self.tokenizer, self.prompt_format = backend, tokenizer, prompt_format
        self.params = SamplingParams()
        self.generations: dict[SolveRequest, Generation] = {}

    def start(self, params: SamplingParams) -> None:
        """Forget recorded generations and sample the next call with ``params``."""
        self.params, self.generations = params, {}

    def __call__(self, requests: Sequence[SolveRequest]) -> list[str]:
        """Return one sampled response per request, its prompt rendered in the env's format."""
        prompts = [prompt_text(self.tokenizer, r.prompt, self.prompt_format) for r in requests]
        generations = self.backend.generate(prompts, self.params)
        self.generations.update(zip(requests, generations, strict=True))
        return [g.text for g in generations]


def episode_layout(task_types: Sequence[str], batch_size: int, group_size: int = 1) -> list[Slot]:
    """Per-env slots: for each type, ``batch_size`` proposers then as many solvers, in groups of ``group_size``."""
    slots: list[Slot] = []
    for task_type in task_types:
        for role in (Role.PROPOSE, Role.SOLVE):
            slots += [Slot(role, task_type, (len(slots) + k) // group_size) for k in range(batch_size)]
    return slots


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
    start = time.perf_counter()
    slots = episode_layout(config.env.task_types, config.batch_size, config.group_size)
    options = {"role": [s.role.value for s in slots], "task_type": [s.task_type for s in slots]}
    env.reset(seed=[int(seeds[0]) + s.group for s in slots], options=options)
    prompts = [prompt_text(tokenizer, prompt, config.env.prompt_format) for prompt in env.prompts]
    params = SamplingParams(max_new_tokens=config.max_new_tokens, temperature=config.temperature)
    generations = backend.generate(prompts, _seeded(params, seeds[1]))
    solver.start(_seeded(params, seeds[2]))
    env.step([g.text for g in generations])
    records = [r for r in env.last_records if r is not None]
    if len(records) != len(slots):
        raise ConfigError("every sub-environment must start an episode at the collect's reset")
    rollout = score(slots, generations, records, solver.generations, config)
    rollout.seconds = time.perf_counter() - start
    return rollout


def _seeded(params: SamplingParams, seed: Any) -> SamplingParams:
    return SamplingParams(params.max_new_tokens, params.temperature, params.top_p, params.top_k, int(seed))


def score(
    slots: Sequence[Slot],
    generations: Sequence[Generation],
    records: Sequence[StepRecord],
    attempts: Mapping[SolveRequest, Generation],
    config: TrainConfig,
) -> Rollout:
    """One sample per episode (sub-environment ``i``: slot, generation and record ``i``), then its attempts.

    Each attempt's generation is the one the solver kept under the attempt's own request, so it is scored with that
    attempt's reward; with ``solver_trains_on_attempts`` off the attempts are left out.
    """
    samples: list[Sample] = []
    for slot, gen, record in zip(slots, generations, records, strict=True):
        group = f"{slot.task_type}/{slot.role.value}/{slot.group}"
        if record.role is Role.SOLVE and record.task is not None:
            group = record.task.task_id
        samples.append(Sample(gen, record.reward, record.task_type, record.role, group, record.outcome))
        if not config.solver_trains_on_attempts:
            continue
        samples += [attempt_sample(a, attempts[a.request]) for a in record.attempts or ()]
    return Rollout(samples=samples, records=list(records))


def attempt_sample(attempt: Attempt, generation: Generation) -> Sample:
    """The sample of one solver attempt: its generation, its own reward, grouped with the attempts at its task."""
    task = attempt.request.task
    return Sample(
        generation, attempt.reward, task.task_type, Role.SOLVE, task.task_id, attempt.verdict.outcome, Source.ATTEMPT
    )
