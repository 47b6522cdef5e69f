"""The self-play engine: the one implementation of episodes, shared by the single env and the vector env.

``start`` begins an episode (role, task type, buffer references or a buffer task, the prompt); ``advance`` judges one
action for each of a batch of episodes and returns one typed ``StepRecord`` per episode (``azr_env.records``):
proposals are parsed and validated with one executor batch per task type (a copy of a buffer task is invalid:
``TaskBuffer.novel``); the injected solver, if any, is asked once for every attempt at the step's valid proposals;
every answer of the step (in-episode solve steps and the solver's attempts) is verified with one more executor batch
per task type; rewards are computed; an optional ``StepObserver`` reviews the step's records; then the admitted
tasks enter the buffer. ``episode.py`` states how the rewards of an episode add up.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from azr_env.config import EnvConfig
from azr_env.episode import Episode, EpisodeRequest, answer_error, observe
from azr_env.errors import ConfigError
from azr_env.judge import Judge
from azr_env.records import Attempt, Review, RewardComponents, SolveRequest, StepObserver, StepRecord
from azr_env.rewards import proposer_reward, solver_reward
from azr_env.runtime import Runtime
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome, Prompt, ProposalCheck, ProposalContext, Role, Task, Verdict


class Solver(Protocol):
    """Answers the solver attempts at a step's new proposals (see ``AbsoluteZeroEnv``).

    Called once per step with every request of the step (each valid proposal's ``n_solve_samples`` requests,
    contiguous); returns one response per request, in order. ``SolveRequest.prompt`` carries the system and user
    messages, ``SolveRequest.observation`` the text an env observation would show.
    """

    def __call__(self, requests: Sequence[SolveRequest]) -> Sequence[object]:
        """Return one response per request."""
        ...


class SelfPlayEngine:
    """Runs batches of self-play episodes against one runtime (executor and buffer).

    Args:
        config: the episode settings.
        runtime: the executor and buffer (shared by every episode of this engine).
        solver: optional ``Solver`` that answers the solver prompts of new tasks, making propose episodes one step.
        observer: optional ``StepObserver`` that reviews every step's records before its proposals are admitted.
    """

    def __init__(
        self,
        config: EnvConfig,
        runtime: Runtime,
        solver: Solver | None = None,
        observer: StepObserver | None = None,
    ) -> None:
        self.config = config
        self.runtime = runtime
        self.solver = solver
        self.observer = observer
        self.task_types = {name: get_task_type(name) for name in config.task_types}
        self.judge = Judge(self.task_types, runtime.get_executor, config)
        self._type_cdf = list(itertools.accumulate(config.type_probabilities()))
        self._numbers = itertools.count()

    def observation(self, prompt: Prompt) -> str:
        """Return what the policy sees for a prompt, in the configured format."""
        return observe(prompt, self.config.prompt_format)

    def start(self, request: EpisodeRequest, rng: np.random.Generator) -> Episode:
        """Begin one episode; every draw comes from ``rng``."""
        if request.task_id is not None:
            return self._start_replay(request)
        role = request.role or (Role.PROPOSE if rng.random() < self.config.propose_prob else Role.SOLVE)
        task_type = request.task_type or self._draw_type(rng)
        if role is Role.SOLVE:
            store = self.runtime.buffer.tasks(task_type)
            if not store:
                raise ConfigError(f"the buffer holds no {task_type} task to solve; seed it with TaskBuffer.seeded")
            return self._solve_episode(store[int(rng.integers(len(store)))])
        context_rng = rng if request.context_seed is None else np.random.default_rng(request.context_seed)
        kind = self.task_types[task_type]
        context = kind.make_context(self.runtime.buffer.views(), self.config.k_references, context_rng)
        return Episode(next(self._numbers), Role.PROPOSE, task_type, kind.proposer_prompt(context), context=context)

    def advance(self, episodes: Sequence[Episode], actions: Sequence[object]) -> list[StepRecord]:
        """Judge one action per episode, update the buffer, and return one record per episode, in order."""
        proposing = [i for i, ep in enumerate(episodes) if ep.phase is Role.PROPOSE]
        items = [(episodes[i].task_type, actions[i], episodes[i].context or ProposalContext()) for i in proposing]
        novel = self.runtime.buffer.novel(self.judge.check_proposals(items))
        checks = dict(zip(proposing, novel, strict=True))
        requests = self._requests({i: c.task for i, c in checks.items() if c.task is not None})
        responses = self._call_solver([r for rs in requests.values() for r in rs])
        answers = {i: (ep.task, actions[i]) for i, ep in enumerate(episodes) if i not in checks and ep.task is not None}
        verdicts, judged = self._verify(answers, responses)
        attempts = {
            i: tuple(
                Attempt(r, responses[r], judged[r], solver_reward(judged[r].outcome, self.config.reward)) for r in rs
            )
            for i, rs in requests.items()
        }
        drafts = [
            self._proposal_record(ep, actions[i], checks[i], attempts.get(i))
            if i in checks
            else self._answer_record(ep, actions[i], verdicts[i])
            for i, ep in enumerate(episodes)
        ]
        reviews: Mapping[int, Review] = self.observer.review(drafts) if self.observer is not None else {}
        return [self._settle(ep, draft, reviews.get(draft.episode)) for ep, draft in zip(episodes, drafts, strict=True)]

    def _requests(self, accepted: dict[int, Task]) -> dict[int, list[SolveRequest]]:
        """The injected solver's requests for each accepted proposal (none without a solver)."""
        if self.solver is None:
            return {}
        out = {}
        for i, task in accepted.items():
            prompt = self.task_types[task.task_type].solver_prompt(task)
            shown = self.observation(prompt)
            out[i] = [SolveRequest(prompt, shown, task, a) for a in range(self.config.n_solve_samples)]
        return out

    def _call_solver(self, requests: list[SolveRequest]) -> dict[SolveRequest, object]:
        if self.solver is None or not requests:
            return {}
        responses = list(self.solver(requests))
        if len(responses) != len(requests):
            raise ConfigError(f"the solver returned {len(responses)} responses for {len(requests)} requests")
        return dict(zip(requests, responses, strict=True))

    def _verify(
        self, answers: dict[int, tuple[Task, object]], responses: dict[SolveRequest, object]
    ) -> tuple[dict[int, Verdict], dict[SolveRequest, Verdict]]:
        """Verify the step's answers and the solver's attempts in one batch per task type."""
        keys: list[int | SolveRequest] = [*answers, *responses]
        items = [*answers.values(), *((request.task, text) for request, text in responses.items())]
        judged = dict(zip(keys, self.judge.verify(items), strict=True))
        return {i: judged[i] for i in answers}, {r: judged[r] for r in responses}

    def _start_replay(self, request: EpisodeRequest) -> Episode:
        if request.role is Role.PROPOSE:
            raise ConfigError(
                "task_id replays a buffer task as a solve episode; a propose episode has no task to replay "
                "(pass context_seed to repeat a proposer prompt)"
            )
        task = self.runtime.buffer.get(request.task_id or "")
        if task.task_type not in self.task_types or request.task_type not in (None, task.task_type):
            raise ConfigError(
                f"task {request.task_id} is a {task.task_type} task; this env plays {', '.join(self.task_types)} "
                f"and the reset asked for task_type={request.task_type!r}"
            )
        return self._solve_episode(task)

    def _solve_episode(self, task: Task) -> Episode:
        prompt = self.task_types[task.task_type].solver_prompt(task)
        return Episode(next(self._numbers), Role.SOLVE, task.task_type, prompt, task=task)

    def _draw_type(self, rng: np.random.Generator) -> str:
        index = bisect.bisect_right(self._type_cdf, rng.random())
        return self.config.task_types[min(index, len(self._type_cdf) - 1)]

    def _proposal_record(
        self, episode: Episode, action: object, check: ProposalCheck, attempts: tuple[Attempt, ...] | None
    ) -> StepRecord:
        """The draft record of a proposal step (buffer and episode untouched until ``_settle``)."""
        cfg = self.config
        record = StepRecord(
            episode=episode.number, step=episode.steps, role=Role.PROPOSE, task_type=episode.task_type,
            prompt=episode.prompt, response=action, outcome=check.outcome, rewards=RewardComponents(),
            next_prompt=episode.prompt, task=check.task, error=check.error, exec_status=check.status,
            attempts=() if self.solver is not None else None,
        )  # fmt: skip
        if check.task is None:
            return dataclasses.replace(
                record, rewards=RewardComponents(propose=proposer_reward(check.outcome, None, cfg.reward))
            )
        if attempts is None:
            prompt = self.task_types[check.task.task_type].solver_prompt(check.task)
            return dataclasses.replace(record, next_prompt=prompt, next_role=Role.SOLVE, admitted=True)
        rate = sum(a.verdict.outcome is Outcome.CORRECT for a in attempts) / len(attempts)
        propose = proposer_reward(Outcome.VALID, rate, cfg.reward)
        return dataclasses.replace(
            record, rewards=RewardComponents(propose=propose), solve_rate=rate, attempts=attempts, admitted=True
        )

    def _answer_record(self, episode: Episode, action: object, verdict: Verdict) -> StepRecord:
        """The draft record of an answer step; the last in-episode attempt also settles the proposer's reward."""
        task = episode.task
        if task is None:
            raise ConfigError("an answer step needs the episode's task")
        reward = solver_reward(verdict.outcome, self.config.reward)
        record = StepRecord(
            episode=episode.number, step=episode.steps, role=Role.SOLVE, task_type=episode.task_type,
            prompt=episode.prompt, response=action, outcome=verdict.outcome, rewards=RewardComponents(solve=reward),
            next_prompt=episode.prompt, task=task, error=answer_error(verdict),
        )  # fmt: skip
        if episode.role is Role.SOLVE:
            return record
        attempts = episode.attempts + 1
        if attempts < self.config.n_solve_samples:
            return dataclasses.replace(record, next_role=Role.SOLVE)
        rate = (episode.correct + (verdict.outcome is Outcome.CORRECT)) / attempts
        propose = (
            self.config.reward.format_penalty
            if episode.penalized
            else proposer_reward(Outcome.VALID, rate, self.config.reward)
        )
        return dataclasses.replace(record, rewards=RewardComponents(solve=reward, propose=propose), solve_rate=rate)

    def _settle(self, episode: Episode, record: StepRecord, review: Review | None) -> StepRecord:
        """Apply the review, update the buffer and the episode; return the final record."""
        if review is not None:
            record = self._apply(record, review)
            episode.penalized = episode.penalized or (record.admits_task and review.penalize)
        buffer = self.runtime.buffer
        if record.admits_task and record.admitted and record.task is not None:
            record = dataclasses.replace(record, admitted=buffer.add(record.task))
        if record.attempts and record.task is not None:
            buffer.record_attempts(record.task.task_id, *_counts([a.verdict for a in record.attempts]))
        if record.role is Role.SOLVE and record.task is not None:
            self._count_answer(episode, record)
        episode.steps += 1
        if record.next_role is Role.SOLVE and episode.role is Role.PROPOSE:
            episode.task, episode.prompt = record.task, record.next_prompt
        return record

    def _apply(self, record: StepRecord, review: Review) -> StepRecord:
        """The record with an observer's review applied (only a valid proposal's step is acted upon)."""
        if not record.admits_task:
            return dataclasses.replace(record, review=review)
        rewards = record.rewards
        if review.penalize and record.attempts is not None:
            rewards = RewardComponents(solve=rewards.solve, propose=self.config.reward.format_penalty)
        return dataclasses.replace(record, review=review, rewards=rewards, admitted=review.admit)

    def _count_answer(self, episode: Episode, record: StepRecord) -> None:
        """Add a solve step's verdict to the solve-rate history (in-episode attempts: at the episode's end)."""
        task = record.task
        if task is None:
            return
        correct = record.outcome is Outcome.CORRECT
        if episode.role is Role.SOLVE:
            self.runtime.buffer.record_attempts(task.task_id, int(correct), 1)
            return
        episode.attempts += 1
        episode.correct += correct
        if record.terminated:
            self.runtime.buffer.record_attempts(task.task_id, episode.correct, episode.attempts)


def _counts(verdicts: Sequence[Verdict]) -> tuple[int, int]:
    """``(correct, total)`` of some verdicts."""
    return sum(v.outcome is Outcome.CORRECT for v in verdicts), len(verdicts)
