"""The state of one self-play episode and the records the engine returns for it.

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

from dataclasses import dataclass, field
from typing import Any

from azr_env.rewards import RewardConfig, solver_reward
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
        role: the role the episode started in.
        task_type: the task type of every step of the episode.
        prompt: the prompt of the next action.
        context: propose episodes: what the proposer prompt was built from.
        task: the task being solved: the buffer task of a solve episode, or the new task of a propose episode.
        correct: propose episodes without a solver: how many in-episode attempts were correct so far.
        attempts: propose episodes without a solver: how many in-episode attempts were made so far.
    """

    role: Role
    task_type: str
    prompt: Prompt
    context: ProposalContext | None = None
    task: Task | None = None
    correct: int = 0
    attempts: int = 0

    @property
    def phase(self) -> Role:
        """The role of the next action: propose until a proposal was accepted, then solve."""
        if self.role is Role.PROPOSE and self.task is None:
            return Role.PROPOSE
        return Role.SOLVE


@dataclass(slots=True)
class Transition:
    """What one step of one episode returns (the env adds nothing but the observation format).

    Attributes:
        prompt: the next prompt (the current one again when the episode ended).
        reward: the scalar reward of the step.
        terminated: whether the episode ended.
        info: the step's info dict (see ``base_info``).
    """

    prompt: Prompt
    reward: float
    terminated: bool
    info: dict[str, Any] = field(default_factory=dict)


def base_info(
    role: Role,
    task_type: str,
    *,
    outcome: Outcome | None = None,
    task_id: str = "",
    solve: float = 0.0,
    propose: float = 0.0,
    error: str = "",
    exec_status: str = "",
) -> dict[str, Any]:
    """Return the info keys every reset and step carries.

    Keys: ``role`` (of the action just judged, or of the next action on reset), ``task_type``, ``outcome`` (an
    ``Outcome`` value, ``""`` on reset), ``reward_components`` (``{"solve": float, "propose": float}``, summing to
    the step reward), ``task_id`` (``""`` before a proposal is accepted), ``error`` (why an action failed),
    ``exec_status`` (the executor status behind an invalid proposal, ``""`` when none ran).
    """
    return {
        "role": role.value,
        "task_type": task_type,
        "outcome": outcome.value if outcome is not None else "",
        "reward_components": {"solve": solve, "propose": propose},
        "task_id": task_id,
        "error": error,
        "exec_status": exec_status,
    }


def answer_info(task: Task, verdict: Verdict, config: RewardConfig) -> tuple[float, dict[str, Any]]:
    """Return the solver reward of a verdict and the info of the step that judged it."""
    reward = solver_reward(verdict.outcome, config)
    error = "" if verdict.outcome is Outcome.CORRECT else verdict.detail
    info = base_info(
        Role.SOLVE, task.task_type, outcome=verdict.outcome, task_id=task.task_id, solve=reward, error=error
    )
    return reward, info


def observe(prompt: Prompt, prompt_format: str) -> str:
    """Return what the policy sees: the R1 text (``"r1"``), or the user message (``"chat"``)."""
    return render_r1(prompt) if prompt_format == "r1" else prompt.user


def annotate(info: dict[str, Any], prompt: Prompt, prompt_format: str) -> dict[str, Any]:
    """Add ``system_prompt`` to ``info`` in chat format (in R1 format it is part of the observation)."""
    if prompt_format == "chat":
        info["system_prompt"] = prompt.system
    return info
