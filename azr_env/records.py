"""The typed public form of what the self-play engine judged: one ``StepRecord`` per episode per step.

Trainers, the evaluation harness and monitors read these records directly (``AbsoluteZeroEnv.last_record``,
``AZRVectorEnv.last_records``, ``SolveEnv.last_record``); Gymnasium's ``info`` dict is derived from them in one place,
``azr_env.info``. Every field is a typed value (enums stay enums); nothing here is re-parsed from strings.

An injected ``Solver`` receives ``SolveRequest`` objects and answers each; the record of the proposal step holds one
``Attempt`` per request, carrying that very request object, so a trainer pairs the response it generated for a
request with that attempt's verdict and reward by identity (``SolveRequest`` hashes by identity), never by position.

A ``StepObserver`` (an oversight monitor, for example) sees every record of a step, solver attempts included, before
any proposal of the step enters the buffer, and may keep a proposal out or give it the format penalty (``Review``);
``chain_observers`` makes one observer of several (the safety monitor next to a user's own).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from azr_env.executor.result import ExecStatus
from azr_env.tasks.base import Outcome, Problem, Prompt, Role, Task, Verdict


class Source(StrEnum):
    """Which kind of policy output a response is: an env action, or an answer an injected solver gave the engine."""

    EPISODE = "episode"  # an action the env judged in a step (a proposal, or an answer to a buffer task)
    ATTEMPT = "attempt"  # one of the n solver attempts at a new proposal (an injected solver's response)


@dataclass(frozen=True, slots=True)
class RewardComponents:
    """A step's reward split by role; ``total`` is the scalar the env returns.

    Attributes:
        solve: the solver reward of the answer judged at this step (0 for a proposal step).
        propose: the proposer reward settled at this step: the format penalty of an invalid proposal, or the
            learnability of a valid one once its attempts are in (0 otherwise).
    """

    solve: float = 0.0
    propose: float = 0.0

    @property
    def total(self) -> float:
        """The step's scalar reward."""
        return self.solve + self.propose


@dataclass(frozen=True, slots=True, eq=False)
class SolveRequest:
    """One answer the engine asks an injected ``Solver`` for: attempt ``index`` of ``n_solve_samples`` at ``task``.

    Hashes and compares by identity, so a solver may key what it keeps per request (a trainer's token ids) by the
    request object itself, and find it again from the ``Attempt`` that carries the same object.

    Attributes:
        prompt: the solver prompt (system instruction and user message), as the task type built it.
        observation: the same prompt in the env's observation format (what a text policy is shown).
        task: the new task being attempted.
        index: which of the attempts at this task (0-based).
    """

    prompt: Prompt
    observation: str
    task: Task
    index: int


@dataclass(frozen=True, slots=True)
class Attempt:
    """One injected-solver attempt at a new proposal, judged.

    Attributes:
        request: the request the solver answered (the same object it was given).
        response: the solver's response, as returned.
        verdict: how the response was judged.
        reward: the solver reward of the verdict.
    """

    request: SolveRequest
    response: object
    verdict: Verdict
    reward: float


@dataclass(frozen=True, slots=True)
class StepRecord:
    """What one step of one episode judged.

    Attributes:
        episode: the engine-wide number of the episode (records of one multi-step episode share it).
        step: the step's index within its episode (0 is the first action).
        role: the role of the action just judged.
        task_type: the task type of the episode.
        prompt: the prompt the action answered.
        response: the action, as given to ``step``.
        outcome: how the action was judged.
        rewards: the step's reward, split by role.
        task: the task the action was about: the buffer task answered, the new task of a valid proposal, or the
            suite task answered (``SolveEnv``); ``None`` for a solve-only type's problem, which is no ``Task``.
        problem: ``SolveEnv``: the suite problem answered, of any task type (the same object as ``task`` when that
            problem is a ``Task``); ``None`` in self-play.
        error: why the action failed (``""`` when it did not).
        exec_status: the executor status behind an invalid proposal (``None`` when none ran or it is not a
            proposal).
        solve_rate: the solve rate of a valid proposal's attempts, at the step that settles it.
        attempts: the injected solver's attempts at this step's new task; ``None`` when no solver is injected
            (``()`` for an invalid proposal when one is).
        admitted: at the step that judges a valid proposal: whether its task entered the buffer (``False`` when a
            ``StepObserver`` kept it out or it duplicates a stored task); ``None`` at every other step.
        review: the observer's review of this step, when one was given.
        next_role: the role of the next action of the episode; ``None`` when the episode ended.
        next_prompt: the prompt of the next action (the same prompt again when the episode ended).
    """

    episode: int
    step: int
    role: Role
    task_type: str
    prompt: Prompt
    response: object
    outcome: Outcome
    rewards: RewardComponents
    next_prompt: Prompt
    next_role: Role | None = None
    task: Task | None = None
    problem: Problem | None = None
    error: str = ""
    exec_status: ExecStatus | None = None
    solve_rate: float | None = None
    attempts: tuple[Attempt, ...] | None = None
    admitted: bool | None = None
    review: Review | None = None

    @property
    def reward(self) -> float:
        """The step's scalar reward."""
        return self.rewards.total

    @property
    def terminated(self) -> bool:
        """Whether the episode ended at this step."""
        return self.next_role is None

    @property
    def admits_task(self) -> bool:
        """Whether this step judged a valid proposal, whose task enters the buffer unless a review keeps it out."""
        return self.role is Role.PROPOSE and self.outcome is Outcome.VALID


@dataclass(frozen=True, slots=True)
class Review:
    """An observer's decision about one step; it is acted upon only at a step that judged a valid proposal.

    Attributes:
        admit: ``False`` keeps the proposal's task out of the buffer (quarantine).
        penalize: ``True`` gives the proposer the format penalty instead of its learnability reward (at this step
            with an injected solver, else at the episode's last step).
        reason: why, for logs.
    """

    admit: bool = True
    penalize: bool = False
    reason: str = ""


class StepObserver(Protocol):
    """Sees every record of every engine step before the step's proposals enter the buffer.

    ``review`` is called once per ``advance`` (a single env's step, or a whole vector step) with the draft records
    of that step. It returns reviews keyed by ``StepRecord.episode`` (records without one are left as they are). A
    review acts only on a record that judged a valid proposal (``admits_task``). With an injected solver (the
    trainer's mode) that record holds the proposal's n attempts, so the observer has seen every response about the
    task before deciding; without one, the n attempts are the episode's later solve steps, which the observer sees
    after the task was admitted (a penalty still replaces the learnability reward at the episode's end). The
    records the env then returns carry the review.
    """

    def review(self, records: Sequence[StepRecord]) -> Mapping[int, Review]:
        """Return reviews of some of ``records``, keyed by episode number."""
        ...


class ObserverChain:
    """Several ``StepObserver`` objects as one: each reviews every record; their reviews of one episode merge.

    A merged review admits only if every review admits, penalizes if any penalizes, and joins the reasons. Build one
    with ``chain_observers``.
    """

    def __init__(self, observers: Sequence[StepObserver]) -> None:
        self.observers = tuple(observers)

    def review(self, records: Sequence[StepRecord]) -> Mapping[int, Review]:
        """Every observer's reviews of ``records``, merged per episode."""
        merged: dict[int, Review] = {}
        for observer in self.observers:
            for episode, review in observer.review(records).items():
                merged[episode] = merge_reviews(merged[episode], review) if episode in merged else review
        return merged


def merge_reviews(first: Review, second: Review) -> Review:
    """One review that keeps out, penalizes and explains whatever either review does."""
    reason = "; ".join(r for r in (first.reason, second.reason) if r)
    return Review(first.admit and second.admit, first.penalize or second.penalize, reason)


def chain_observers(*observers: StepObserver | None) -> StepObserver | None:
    """The observers given (``None`` left out) as one observer: ``None`` for none, the observer itself for one."""
    present = [o for o in observers if o is not None]
    if len(present) <= 1:
        return present[0] if present else None
    return ObserverChain(present)
