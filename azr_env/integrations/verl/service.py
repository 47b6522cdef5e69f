"""``SelfPlayService``: the buffer, the judge and the executor of a verl self-play run, as one named Ray actor.

Every agent loop of every rollout worker, on every node, talks to the same service (``get_service``), so there is
one task buffer for the whole run, as in the paper. The service builds prompts from the buffer, validates
proposals and verifies answers in its executor (a local pool on its node, or a ``RayExecutor`` over the cluster
when ``EnvConfig.executor_backend`` says so), and remembers which (task type, role) each rollout belongs to, so the
TRR++ estimator can pool the rewards of one (type, role) across prompts.

The class is plain Python (tested without Ray); ``get_service`` makes it a Ray actor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from azr_env.buffer import TaskBuffer
from azr_env.config import EnvConfig
from azr_env.errors import ConfigError
from azr_env.integrations.common import TaskScorer, task_columns, task_from_columns
from azr_env.rewards import proposer_reward
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Outcome, ProposalContext, Role
from azr_env.tasks.prompts import render_messages

SERVICE_NAME = "azr-env-selfplay"
"""The default name of the service actor (in the Ray namespace ``azr-env``)."""

NAMESPACE = "azr-env"


class SelfPlayService:
    """The shared state of a self-play run; every method takes and returns plain data.

    Args:
        config: the env settings (task types, n, K, rewards, executor backend, seed file, buffer cap).
        buffer_path: a buffer file (``TaskBuffer.save``) to resume from; ``None`` seeds a fresh buffer.
        seed: seeds the draws of references and buffer tasks.
    """

    def __init__(self, config: EnvConfig | None = None, buffer_path: str | None = None, seed: int = 0) -> None:
        self.config = config or EnvConfig()
        self.scorer = TaskScorer(self.config)
        self.types = {name: get_task_type(name) for name in self.config.task_types}
        self.rng = np.random.default_rng(seed)
        self._contexts: dict[str, ProposalContext] = {}
        self.groups: dict[str, str] = {}
        cfg = self.config
        if buffer_path is not None:
            self.buffer = TaskBuffer.load(buffer_path, cap=cfg.buffer_cap)
            self.buffer.require_current_judge(buffer_path)
        else:
            types = list(self.types.values())
            self.buffer = TaskBuffer.seeded(types, self.scorer.executor(), seed_file=cfg.seed_file, cap=cfg.buffer_cap)

    def proposer_prompt(self, task_type: str, uid: str) -> list[dict[str, str]]:
        """Chat messages asking for a new task of ``task_type``; the context is kept under ``uid`` for judging."""
        kind = self._type(task_type)
        context = kind.make_context(self.buffer.views(), self.config.k_references, self.rng)
        self._contexts[uid] = context
        self.groups[uid] = f"{task_type}/{Role.PROPOSE.value}"
        return render_messages(kind.proposer_prompt(context))

    def judge_proposal(self, task_type: str, uid: str, text: str) -> dict[str, Any]:
        """Parse and validate the proposal answering ``uid``'s prompt; a valid task enters the buffer.

        Returns ``{"outcome", "error", "task"}`` where ``task`` holds the new task's columns (``None`` if invalid).
        """
        context = self._contexts.pop(uid, None)
        if context is None:
            raise ConfigError(f"no proposer prompt was built for rollout {uid!r} (call proposer_prompt first)")
        check = self.buffer.novel(self.scorer.judge.check_proposals([(task_type, text, context)]))[0]
        if check.task is not None:
            self.buffer.add(check.task)
        task = task_columns(check.task) if check.task is not None else None
        return {"outcome": check.outcome.value, "error": check.error, "task": task}

    def solve_task(self, task_type: str, uid: str) -> dict[str, Any]:
        """A buffer task of ``task_type`` drawn uniformly, as columns (for solve rows that name no task)."""
        store = self.buffer.tasks(self._type(task_type).name)
        if not store:
            raise ConfigError(f"the buffer holds no {task_type} task to solve")
        self.groups[uid] = f"{task_type}/{Role.SOLVE.value}"
        return task_columns(store[int(self.rng.integers(len(store)))])

    def solver_messages(self, task: dict[str, Any]) -> list[dict[str, str]]:
        """The chat messages of the solver prompt for a task given as columns."""
        rebuilt = task_from_columns(task)
        return render_messages(self._type(rebuilt.task_type).solver_prompt(rebuilt))

    def score(self, task: dict[str, Any], texts: list[str], uid: str = "", record: bool = True) -> list[str]:
        """Verify answers to one task (one executor batch); add them to its solve history; return the outcomes."""
        rebuilt = task_from_columns(task)
        if uid:
            self.groups.setdefault(uid, f"{rebuilt.task_type}/{Role.SOLVE.value}")
        outcomes = self.scorer.outcomes([rebuilt] * len(texts), texts)
        if record and rebuilt.task_id in self.buffer:
            self.buffer.record_attempts(rebuilt.task_id, sum(o is Outcome.CORRECT for o in outcomes), len(outcomes))
        return [outcome.value for outcome in outcomes]

    def learnability(self, outcomes: list[str]) -> float:
        """The proposer reward of a valid proposal from its attempts' outcomes (paper eq. 4, the config's choice)."""
        rate = sum(o == Outcome.CORRECT for o in outcomes) / len(outcomes)
        return proposer_reward(Outcome.VALID, rate, self.config.reward)

    def invalid_reward(self, outcome: str) -> float:
        """The proposer reward of an invalid or malformed proposal."""
        return proposer_reward(Outcome(outcome), None, self.config.reward)

    def solver_reward(self, outcome: str) -> float:
        """The solver reward of one outcome."""
        return self.scorer.reward_of(Outcome(outcome))

    def group_keys(self, uids: list[str]) -> list[str]:
        """The ``"type/role"`` group of each rollout (its own uid when unknown), for the TRR++ estimator."""
        return [self.groups.get(uid, uid) for uid in uids]

    def save(self, path: str) -> None:
        """Write the buffer to ``path`` atomically (a snapshot to resume from, or to build a dataset from)."""
        self.buffer.save(path)

    def sizes(self) -> dict[str, int]:
        """Tasks per type in the buffer."""
        return {name: self.buffer.size(name) for name in self.types}

    def _type(self, name: str) -> Any:
        if name not in self.types:
            raise ConfigError(f"task type {name!r} is not one of this run's {sorted(self.types)}")
        return self.types[name]


def get_service(name: str = SERVICE_NAME, config: EnvConfig | None = None, **kwargs: Any) -> Any:
    """The named service actor: created on first call (detached from no one: it lives as long as the job)."""
    from azr_env.executor.ray_actor import RAY
    from azr_env.optional import require

    ray = require(RAY)
    actor = ray.remote(num_cpus=1)(SelfPlayService)
    return actor.options(name=name, namespace=NAMESPACE, get_if_exists=True).remote(config, **kwargs)
