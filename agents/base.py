"""The agent contract: anything with a batched ``act`` can be evaluated by the harness.

Evaluation goes over this Protocol, not a class hierarchy (as SB3's ``evaluate_policy`` does). An agent receives the
observations of a batch of environments (prompt text, R1 format or a chat user message) together with their ``info``
dicts and returns one full response text per observation, envelope included (``<think>...</think>
<answer>...</answer>``). ``info`` always names ``role``, ``task_type`` and ``task_id`` (see ``AbsoluteZeroEnv``).

Agents that need more than the text (the oracle needs the task itself, the executor, and a random generator) get it
through an explicit :class:`AgentContext` at construction, never through globals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from azr_env.executor.backend import ExecutorBackend
from azr_env.tasks.base import Problem, Task

TaskLookup = Callable[[str], "Task | None"]
"""Maps a ``task_id`` (from ``info``) to the task it names, or ``None`` when unknown."""


@runtime_checkable
class Agent(Protocol):
    """A batched policy over the text environment.

    ``act(observations, infos)`` returns exactly one response per observation, in order. It must not raise on any
    observation the env produces; a response it cannot form is still text (the env scores it as a format error).
    """

    def act(self, observations: Sequence[str], infos: Sequence[Mapping[str, Any]]) -> list[str]:
        """Return one full response text per observation."""
        ...


@runtime_checkable
class LearningAgent(Agent, Protocol):
    """An agent that also learns from the rewards of its own responses."""

    def update(
        self,
        observations: Sequence[str],
        infos: Sequence[Mapping[str, Any]],
        actions: Sequence[str],
        rewards: Sequence[float],
    ) -> Mapping[str, float]:
        """Learn from one batch of transitions; return namespaced metrics (e.g. ``{"loss/pg": 0.1}``)."""
        ...


def _no_lookup(task_id: str) -> Task | None:
    return None


def _no_problem(task_id: str) -> Problem | None:
    return None


@dataclass(frozen=True)
class AgentContext:
    """What the harness hands an agent at construction. Agents use only the fields they need.

    Attributes:
        seed: seeds the agent's own ``numpy.random.Generator``; same seed, same responses.
        executor: the sandbox, for agents that compute answers (oracle) or distractors (SB3 choice view).
        lookup: finds the task behind ``info["task_id"]`` (suite items and the env's buffer).
        problems: finds the suite problem behind ``info["task_id"]`` of any task type, solve-only ones included
            (the oracle answers those with their type's reference answer).
        buffer_tasks: returns the current buffer's tasks of a type (replay copies programs from it).
        env_factory: builds a fresh underlying text env to train on (SB3 agents); ``None`` when not trainable.
    """

    seed: int = 0
    executor: ExecutorBackend | None = None
    lookup: TaskLookup = _no_lookup
    problems: Callable[[str], Problem | None] = _no_problem
    buffer_tasks: Callable[[str], Sequence[Task]] = field(default=lambda task_type: ())
    env_factory: Callable[[], Any] | None = None
