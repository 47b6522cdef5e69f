"""The self-play engine: the one implementation of episodes, shared by the single env and the vector env.

``start`` begins an episode (role, task type, buffer references or a buffer task, the prompt); ``advance`` judges one
action for each of a batch of episodes: proposals are parsed and validated with one executor batch per task type,
accepted tasks enter the buffer, then every answer of the step (in-episode solve steps and the injected solver's
attempts) is verified with one more executor batch per task type, and rewards are computed. ``episode.py`` states
how the rewards of an episode add up. An optional ``gate`` (a ``ProposalGate``) sees each step's judged proposals
before accepted tasks enter the buffer and may refuse them or keep them out of it (the safety monitor's opt-in
enforcement, ``azr_env.safety.SafetyGate``).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from azr_env.config import EnvConfig
from azr_env.episode import Episode, EpisodeRequest, Transition, annotate, answer_info, base_info, observe
from azr_env.errors import ConfigError
from azr_env.judge import Judge
from azr_env.rewards import proposer_reward, solver_reward
from azr_env.runtime import Runtime
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome, Prompt, ProposalCheck, ProposalContext, Role, Task, Verdict

Solver = Callable[[Sequence[str]], Sequence[str]]
"""Given solver observations, returns one response per observation (see ``AbsoluteZeroEnv``)."""


class Judged(NamedTuple):
    """One proposal of a step as a ``ProposalGate`` sees it: its task type, the action, and the judge's check."""

    task_type: str
    action: object
    check: ProposalCheck


@dataclass(frozen=True, slots=True)
class Admission:
    """A ``ProposalGate``'s decision on one proposal: the check to use, and whether its task may enter the buffer."""

    check: ProposalCheck
    to_buffer: bool = True


ProposalGate = Callable[[Sequence[Judged]], Sequence[Admission]]
"""Sees every judged proposal of a step before accepted tasks enter the buffer; returns one decision each, in order
(``azr_env.safety.SafetyGate`` enforces the safety monitor's findings this way)."""


class SelfPlayEngine:
    """Runs batches of self-play episodes against one runtime (executor and buffer).

    Args:
        config: the episode settings.
        runtime: the executor and buffer (shared by every episode of this engine).
        solver: optional callable that answers the solver prompts of new tasks, making propose episodes one step.
    """

    def __init__(self, config: EnvConfig, runtime: Runtime, solver: Solver | None = None) -> None:
        self.config = config
        self.runtime = runtime
        self.solver = solver
        self.gate: ProposalGate | None = None
        """Optional proposal gate, called once per step with every judged proposal (``None``: admit all)."""
        self.task_types = {name: get_task_type(name) for name in config.task_types}
        self.judge = Judge(self.task_types, runtime.get_executor, config.max_action_chars)
        self._type_cdf = list(itertools.accumulate(config.type_probabilities()))

    def observation(self, prompt: Prompt) -> str:
        """Return what the policy sees for a prompt, in the configured format."""
        return observe(prompt, self.config.prompt_format)

    def annotate(self, info: dict[str, Any], prompt: Prompt) -> dict[str, Any]:
        """Add the format-dependent keys (``system_prompt`` in chat format) to an info dict."""
        return annotate(info, prompt, self.config.prompt_format)

    def start(self, request: EpisodeRequest, rng: np.random.Generator) -> tuple[Episode, dict[str, Any]]:
        """Begin one episode; every draw comes from ``rng``. Returns the episode and its reset info."""
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
        episode = Episode(Role.PROPOSE, task_type, kind.proposer_prompt(context), context=context)
        return episode, base_info(Role.PROPOSE, task_type)

    def advance(self, episodes: Sequence[Episode], actions: Sequence[object]) -> list[Transition]:
        """Judge one action per episode, update the buffer, and return one transition per episode, in order."""
        proposing = [i for i, ep in enumerate(episodes) if ep.phase is Role.PROPOSE]
        items = [(episodes[i].task_type, actions[i], episodes[i].context or ProposalContext()) for i in proposing]
        checks = dict(zip(proposing, self.judge.check_proposals(items), strict=True))
        held: set[int] = set()
        if self.gate is not None and checks:
            checks, held = review(self.gate, items, checks)
        accepted = {i: check.task for i, check in checks.items() if check.task is not None}
        for i, task in accepted.items():
            if i not in held:
                self.runtime.buffer.add(task)
        answers = {i: (ep.task, actions[i]) for i, ep in enumerate(episodes) if i not in checks and ep.task is not None}
        verdicts, attempts = self._verify(answers, accepted)
        return [
            self._after_proposal(ep, checks[i], attempts.get(i))
            if i in checks
            else self._after_answer(ep, answers[i][0], verdicts[i])
            for i, ep in enumerate(episodes)
        ]

    def _verify(
        self, answers: dict[int, tuple[Task, object]], accepted: dict[int, Task]
    ) -> tuple[dict[int, Verdict], dict[int, list[Verdict]]]:
        """Verify the step's answers and the solver's attempts on accepted tasks in one batch per task type."""
        n = self.config.n_solve_samples
        attempted = accepted if self.solver is not None else {}
        texts = self._call_solver(list(attempted.values()))
        items = list(answers.values())
        items += [(task, texts[j * n + a]) for j, task in enumerate(attempted.values()) for a in range(n)]
        verdicts = self.judge.verify(items)
        answered = dict(zip(answers, verdicts[: len(answers)], strict=True))
        rest = verdicts[len(answers) :]
        attempts = {i: rest[j * n : (j + 1) * n] for j, i in enumerate(attempted)}
        return answered, attempts

    def _start_replay(self, request: EpisodeRequest) -> tuple[Episode, dict[str, Any]]:
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

    def _solve_episode(self, task: Task) -> tuple[Episode, dict[str, Any]]:
        prompt = self.task_types[task.task_type].solver_prompt(task)
        episode = Episode(Role.SOLVE, task.task_type, prompt, task=task)
        return episode, base_info(Role.SOLVE, task.task_type, task_id=task.task_id)

    def _draw_type(self, rng: np.random.Generator) -> str:
        index = bisect.bisect_right(self._type_cdf, rng.random())
        return self.config.task_types[min(index, len(self._type_cdf) - 1)]

    def _call_solver(self, tasks: list[Task]) -> list[object]:
        if self.solver is None or not tasks:
            return []
        observations = [
            self.observation(self.task_types[task.task_type].solver_prompt(task))
            for task in tasks
            for _ in range(self.config.n_solve_samples)
        ]
        responses: list[object] = list(self.solver(observations))
        if len(responses) != len(observations):
            raise ConfigError(f"the solver returned {len(responses)} responses for {len(observations)} observations")
        return responses

    def _after_proposal(self, episode: Episode, check: ProposalCheck, attempts: list[Verdict] | None) -> Transition:
        cfg = self.config
        status = check.status.value
        if check.task is None:
            reward = proposer_reward(check.outcome, None, cfg.reward)
            info = base_info(
                Role.PROPOSE,
                episode.task_type,
                outcome=check.outcome,
                propose=reward,
                error=check.error,
                exec_status=status,
            )
            if self.solver is not None:
                info["solve_attempts"] = []
            return Transition(episode.prompt, reward, True, info)
        task = check.task
        info = base_info(
            Role.PROPOSE, episode.task_type, outcome=Outcome.VALID, task_id=task.task_id, exec_status=status
        )
        if attempts is None:
            episode.task = task
            episode.prompt = self.task_types[task.task_type].solver_prompt(task)
            return Transition(episode.prompt, 0.0, False, info)
        rate = self._record(task, attempts)
        reward = proposer_reward(Outcome.VALID, rate, cfg.reward)
        info["reward_components"]["propose"] = reward
        info["solve_rate"] = rate
        info["solve_attempts"] = [
            {"outcome": v.outcome.value, "reward": solver_reward(v.outcome, cfg.reward)} for v in attempts
        ]
        return Transition(episode.prompt, reward, True, info)

    def _after_answer(self, episode: Episode, task: Task, verdict: Verdict) -> Transition:
        reward, info = answer_info(task, verdict, self.config.reward)
        if episode.role is Role.SOLVE:
            self._record(task, [verdict])
            return Transition(episode.prompt, reward, True, info)
        episode.attempts += 1
        episode.correct += verdict.outcome is Outcome.CORRECT
        if episode.attempts < self.config.n_solve_samples:
            return Transition(episode.prompt, reward, False, info)
        rate = episode.correct / episode.attempts
        propose = proposer_reward(Outcome.VALID, rate, self.config.reward)
        self.runtime.buffer.record_attempts(task.task_id, episode.correct, episode.attempts)
        info["reward_components"]["propose"] = propose
        info["solve_rate"] = rate
        return Transition(episode.prompt, reward + propose, True, info)

    def _record(self, task: Task, verdicts: Sequence[Verdict]) -> float:
        """Add attempts to the task's solve-rate history; return the solve rate of these attempts."""
        correct = sum(v.outcome is Outcome.CORRECT for v in verdicts)
        self.runtime.buffer.record_attempts(task.task_id, correct, len(verdicts))
        return correct / len(verdicts)


def review(
    gate: ProposalGate, items: Sequence[tuple[str, object, ProposalContext]], checks: dict[int, ProposalCheck]
) -> tuple[dict[int, ProposalCheck], set[int]]:
    """Apply a gate to a step's proposals: the checks it decided, and the proposals whose tasks stay out of the buffer.

    ``items`` and ``checks`` are in the same order (one item per proposing episode, keyed by episode index).
    """
    judged = [Judged(name, action, checks[i]) for i, (name, action, _) in zip(checks, items, strict=True)]
    decisions = dict(zip(checks, gate(judged), strict=True))
    return {i: d.check for i, d in decisions.items()}, {i for i, d in decisions.items() if not d.to_buffer}
