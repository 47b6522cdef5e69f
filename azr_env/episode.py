"""The state of one self-play episode inside the engine, and how its rewards add up.

Episode shapes (rewards are the scalars ``step`` returns; ``info["reward_components"]`` splits them by role):

- solve episode, one step: reward = solver reward of the answer.
- propose episode with an injected solver, one step: reward = proposer reward (learnability of the solver's
  ``n_solve_samples`` attempts, or the format penalty); ``info["solve_attempts"]`` lists the attempts.
- propose episode without a solver: step 1 judges the proposal (invalid: format penalty, terminated; valid:
  reward 0 and the next observation is the new task's solver prompt), then ``n_solve_samples`` solve steps by the
  same policy. Each solve step earns its solver reward; the last one also carries the proposer's learnability
  reward, so the episode's return is ``sum(solver rewards) + proposer reward`` and a trainer credits the proposal
  step with ``info["reward_components"]["propose"]`` of the last step.
"""

from __future__ import annotations

from dataclasses import dataclass

from azr_env.tasks.base import Outcome, Prompt, ProposalContext, Role, Task, Verdict
from azr_env.tasks.prompts import render_r1


@dataclass(frozen=True, slots=True)
class EpisodeRequest:
    """What a reset asks for; ``None`` fields are drawn from the env's random generator.

    Attributes:
        role: ``"propose"`` or ``"solve"``.
        task_type: a name from ``EnvConfig.task_types``.
        task_id: a buffer task to solve again (a solve episode on exactly that task).
        context_seed: propose episodes: draw the references from a generator seeded with this value instead of the
            env's, so equal seeds give equal proposer prompts over the same buffer (a group of proposals).
    """

    role: Role | None = None
    task_type: str | None = None
    task_id: str | None = None
    context_seed: int | None = None


@dataclass(slots=True)
class Episode:
    """The mutable state of one episode inside the engine.

    Attributes:
        number: the engine-wide episode number its records carry.
        role: the role the episode started in.
        task_type: the task type of every step of the episode.
        prompt: the prompt of the next action.
        context: propose episodes: what the proposer prompt was built from.
        task: the task being solved: the buffer task of a solve episode, or the new task of a propose episode.
        steps: how many actions were judged so far.
        correct: propose episodes without a solver: how many in-episode attempts were correct so far.
        attempts: propose episodes without a solver: how many in-episode attempts were made so far.
        penalized: propose episodes without a solver: a review gave the proposal the format penalty.
    """

    number: int
    role: Role
    task_type: str
    prompt: Prompt
    context: ProposalContext | None = None
    task: Task | None = None
    steps: int = 0
    correct: int = 0
    attempts: int = 0
    penalized: bool = False

    @property
    def phase(self) -> Role:
        """The role of the next action: propose until a proposal was accepted, then solve."""
        if self.role is Role.PROPOSE and self.task is None:
            return Role.PROPOSE
        return Role.SOLVE


def answer_error(verdict: Verdict) -> str:
    """Why an answer failed (``""`` when it is correct)."""
    return "" if verdict.outcome is Outcome.CORRECT else verdict.detail


def observe(prompt: Prompt, prompt_format: str) -> str:
    """Return what the policy sees: the R1 text (``"r1"``), or the user message (``"chat"``)."""
    return render_r1(prompt) if prompt_format == "r1" else prompt.user
