"""Run an agent on the environment and record one JSON row per scored action.

Two kinds of runs, both driven through the registered Gymnasium ids:

- a held-out suite on ``azr_env/Solve-v5``: every item (``limit`` first items when set) is reset by ``index`` and
  answered ``k`` times; rows have ``kind="solve"``.
- self-play on ``azr_env/AbsoluteZero-v5`` (``suite="selfplay"``): episodes alternate propose/solve over the task
  types; a propose episode runs the proposal and its ``n_solve_samples`` in-episode attempts by the same agent.
  Rows have ``kind="solve"`` (buffer tasks), ``kind="propose"`` (with the attempts' solve rate and the learnability
  reward) and one ``kind="buffer"`` row per seed describing the final buffer's diversity. Episodes are followed
  through the env's typed step records (``last_record``), not by re-reading ``info`` strings.

Environments are stepped in lockstep batches of ``batch_size`` so a batched agent (an LLM) sees whole batches. All
randomness comes from the seeds: the env seeds and the agent's ``AgentContext.seed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents.base import Agent, AgentContext
from agents.registry import make_agent
from azr_env.errors import ConfigError, UnknownNameError
from azr_env.executor.backend import ExecutorBackend
from azr_env.records import StepRecord
from azr_env.tasks.base import Outcome, Task
from benchmarks.evaluate import buffer_diversity

PROMPT_FORMATS = ("r1", "chat")
"""The prompt formats of ``azr_env.config.EnvConfig.prompt_format``."""

SELFPLAY = "selfplay"
"""The suite name that selects self-play instead of a held-out suite."""

Row = dict[str, Any]


@dataclass(frozen=True)
class EvalConfig:
    """What ``azr eval`` runs.

    Attributes:
        agent: registered agent name (``azr eval --agent``).
        suites: suite names, ``"selfplay"`` for self-play.
        seeds: one run per seed; the seed drives the agent and the envs.
        k: samples drawn per suite item (pass@k needs ``k > 1``).
        limit: evaluate only the first ``limit`` items of each suite (``None``: all).
        episodes: self-play episodes per seed.
        n_solve_samples: in-episode solver attempts per valid proposal in self-play (paper: 8).
        batch_size: environments stepped together, i.e. the agent's batch size.
        task_types: self-play task types (``None``: the env's defaults); registered names, plugins included.
        agent_options: extra keyword options for the agent's factory.
        scoring: how suite answers are scored, a name in ``azr_env.config.SCORING_MODES``: ``"default"`` (answers
            are data, compared type-strictly) or ``"cruxeval"`` (as CRUXEval's scorer: expressions, Python ``==``).
        prompt_format: how the envs render prompts: ``"r1"`` (the paper's raw prompt, for base models) or ``"chat"``
            (a system and a user message, for instruct models; the answer rule follows, ``EnvConfig.answer_rule``).
    """

    agent: str
    suites: tuple[str, ...]
    seeds: tuple[int, ...] = (0,)
    k: int = 1
    limit: int | None = None
    episodes: int = 48
    n_solve_samples: int = 8
    batch_size: int = 32
    task_types: tuple[str, ...] | None = None
    agent_options: Mapping[str, Any] = field(default_factory=dict)
    scoring: str = "default"
    prompt_format: str = "r1"

    def __post_init__(self) -> None:
        if not self.suites or not self.seeds:
            raise ConfigError("eval needs at least one suite and one seed: there is nothing to measure otherwise")
        if self.k < 1 or self.batch_size < 1 or self.episodes < 1 or self.n_solve_samples < 1:
            raise ConfigError("k, batch_size, episodes and n_solve_samples must be >= 1 (each counts something)")
        if self.limit is not None and self.limit < 1:
            raise ConfigError("limit must be >= 1 or None: a suite slice with no items measures nothing")
        check_suite_names(self.suites)
        scoring_overrides(self.scoring)
        if self.prompt_format not in PROMPT_FORMATS:
            raise UnknownNameError("prompt format", self.prompt_format, PROMPT_FORMATS)


def scoring_overrides(scoring: str) -> dict[str, Any]:
    """Return the ``EnvConfig`` overrides of a named scoring mode.

    Raises:
        UnknownNameError: no such mode.
    """
    from azr_env.config import SCORING_MODES

    if scoring not in SCORING_MODES:
        raise UnknownNameError("scoring mode", scoring, SCORING_MODES)
    return dict(SCORING_MODES[scoring])


def check_suite_names(names: Sequence[str]) -> None:
    """Refuse any name that is neither a released suite (``name`` or ``name@version``) nor ``"selfplay"``.

    Called when a config is built, so a typo in the last of several suites fails before the first one runs.

    Raises:
        UnknownNameError: the first unknown name, with the known suites listed.
    """
    from azr_env.suites import list_suites
    from azr_env.suites.suite import resolve

    for name in names:
        if name == SELFPLAY:
            continue
        try:
            resolve(name)
        except UnknownNameError as exc:
            known = [*list_suites(versions=True), *list_suites(), SELFPLAY]
            raise UnknownNameError(exc.kind, name, known) from None


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def make_solve_env(suite: Any, executor: ExecutorBackend, prompt_format: str = "r1", scoring: str = "default") -> Any:
    """Return ``azr_env/Solve-v5`` on ``suite`` (a name or a ``Suite``) sharing ``executor``, scored by ``scoring``."""
    import gymnasium

    import azr_env  # noqa: F401  (registers the ids)

    return gymnasium.make(
        "azr_env/Solve-v5", suite=suite, executor=executor, prompt_format=prompt_format, **scoring_overrides(scoring)
    )


def make_selfplay_env(executor: ExecutorBackend, buffer: Any, config: EvalConfig, task_types: tuple[str, ...]) -> Any:
    """Return ``azr_env/AbsoluteZero-v5`` on ``task_types``, sharing ``executor`` and ``buffer``."""
    import gymnasium

    import azr_env  # noqa: F401  (registers the ids)

    return gymnasium.make(
        "azr_env/AbsoluteZero-v5",
        executor=executor,
        buffer=buffer,
        n_solve_samples=config.n_solve_samples,
        task_types=task_types,
        prompt_format=config.prompt_format,
    )


def _seeded_reset(env: Any, index: int, seed: int, options: Mapping[str, Any], first: bool) -> tuple[str, Row]:
    obs, info = env.reset(seed=seed * 100_003 + index if first else None, options=dict(options))
    return obs, dict(info)


def run_suite(config: EvalConfig, suite_name: str, seed: int, executor: ExecutorBackend) -> list[Row]:
    """Answer every item of a suite ``config.k`` times with a fresh agent seeded by ``seed``."""
    from azr_env.suites import load_suite

    suite = load_suite(suite_name)
    by_id = {task.task_id: task for task in suite.tasks}  # all items: a training env (SB3) visits every one
    tasks = {task_id: task for task_id, task in by_id.items() if isinstance(task, Task)}
    context = AgentContext(
        seed=seed,
        executor=executor,
        lookup=tasks.get,
        problems=by_id.get,
        env_factory=lambda: make_solve_env(suite, executor, config.prompt_format, config.scoring),
    )
    agent = make_agent(config.agent, context, **config.agent_options)
    return answer_suite(
        agent, suite, executor, seed=seed, k=config.k, limit=config.limit, batch_size=config.batch_size,
        prompt_format=config.prompt_format, scoring=config.scoring,
    )  # fmt: skip


def answer_suite(
    agent: Agent,
    suite: Any,
    executor: ExecutorBackend,
    *,
    seed: int,
    k: int = 1,
    limit: int | None,
    batch_size: int,
    prompt_format: str = "r1",
    scoring: str = "default",
) -> list[Row]:
    """Have a built agent answer the first ``limit`` items of a loaded suite ``k`` times each; one row per answer."""
    count = min(limit or len(suite.tasks), len(suite.tasks))
    jobs = [(index, sample) for index in range(count) for sample in range(k)]
    envs = [make_solve_env(suite, executor, prompt_format, scoring) for _ in range(min(batch_size, len(jobs)))]
    rows: list[Row] = []
    for chunk_index, chunk in enumerate(_chunks(jobs, batch_size)):
        rows += [
            {**row, "scoring": scoring}
            for row in _solve_chunk(agent, envs, chunk, seed, first=chunk_index == 0, suite=suite)
        ]
    for env in envs:
        env.close()
    return rows


def held_out_metrics(
    agent: Agent,
    suites: Sequence[str],
    executor: ExecutorBackend,
    *,
    limit: int | None = 32,
    batch_size: int = 32,
    k: int = 1,
    seed: int = 0,
    prompt_format: str = "r1",
) -> tuple[dict[str, float], list[Row]]:
    """Score a built agent on held-out suites: what a trainer logs for ``azr plot`` and ``azr report``.

    Returns ``{"eval/<suite>/accuracy": rate, "eval/<suite>/accuracy_low": ..., "eval/<suite>/accuracy_high": ...}``
    (the mean over items of each item's fraction correct, with its 95% interval over items) and the answer rows.
    """
    import numpy as np

    from azr_env.suites import load_suite
    from benchmarks.evaluate import item_scores
    from benchmarks.stats import rate_interval

    metrics, found = {}, []
    for name in suites:
        rows = answer_suite(
            agent, load_suite(name), executor, seed=seed, k=k, limit=limit, batch_size=batch_size,
            prompt_format=prompt_format,
        )  # fmt: skip
        estimate = rate_interval([item_scores(rows)], np.random.default_rng(seed))
        key = f"eval/{name}/accuracy"
        metrics.update({key: estimate.mean, f"{key}_low": estimate.low, f"{key}_high": estimate.high})
        found += rows
    return metrics, found


def _solve_chunk(
    agent: Agent, envs: Sequence[Any], chunk: Sequence[tuple[int, int]], seed: int, *, first: bool, suite: Any
) -> list[Row]:
    resets = [
        _seeded_reset(env, i, seed, {"index": index}, first)
        for i, (env, (index, _)) in enumerate(zip(envs, chunk, strict=False))
    ]
    actions = agent.act([obs for obs, _ in resets], [info for _, info in resets])
    rows = []
    for env, (index, sample), action in zip(envs, chunk, actions, strict=False):
        task = suite.tasks[index]
        _, reward, _, _, info = env.step(action)
        rows.append(_solve_row(suite=suite, seed=seed, task=task, sample=sample, reward=float(reward), info=info))
    return rows


def _solve_row(*, suite: Any, seed: int, task: Task, sample: int, reward: float, info: Row) -> Row:
    outcome = str(info.get("outcome", ""))
    return {
        "kind": "solve",
        "suite": suite.id,
        "seed": seed,
        "task_type": task.task_type,
        "task_id": task.task_id,
        "sample": sample,
        "outcome": outcome,
        "correct": outcome == "correct",
        "reward": reward,
    }


def _buffer_lookup(buffer: Any) -> Callable[[str], Task | None]:
    def lookup(task_id: str) -> Task | None:
        return buffer.get(task_id) if task_id in buffer else None

    return lookup


def selfplay_schedule(episodes: int, task_types: Sequence[str]) -> list[tuple[str, str]]:
    """Return ``(role, task_type)`` per episode: the proposals first, then as many solves; types cycle in each half.

    Solving after proposing means the solve episodes draw from a buffer that holds the agent's own valid proposals.
    """
    proposals = (episodes + 1) // 2
    return [("propose", task_types[e % len(task_types)]) for e in range(proposals)] + [
        ("solve", task_types[e % len(task_types)]) for e in range(episodes - proposals)
    ]


def run_selfplay(config: EvalConfig, seed: int, executor: ExecutorBackend) -> list[Row]:
    """Play ``config.episodes`` self-play episodes on a fresh seeded buffer; return episode rows and a buffer row."""
    from azr_env.buffer import TaskBuffer
    from azr_env.config import EnvConfig

    task_types = config.task_types or EnvConfig().task_types
    buffer = TaskBuffer.seeded(task_types, executor)
    context = AgentContext(
        seed=seed,
        executor=executor,
        lookup=_buffer_lookup(buffer),
        buffer_tasks=buffer.tasks,
        env_factory=lambda: make_selfplay_env(executor, buffer, config, task_types),
    )
    agent = make_agent(config.agent, context, **config.agent_options)
    schedule = selfplay_schedule(config.episodes, task_types)
    envs = [make_selfplay_env(executor, buffer, config, task_types) for _ in range(config.batch_size)]
    rows: list[Row] = []
    for role in ("propose", "solve"):
        episodes = [pair for pair in schedule if pair[0] == role]
        for start in range(0, len(episodes), config.batch_size):
            chunk = episodes[start : start + config.batch_size]
            rows += _selfplay_chunk(agent, envs, chunk, seed, first=not rows, start=len(rows))
    for env in envs:
        env.close()
    rows.append({"kind": "buffer", "suite": SELFPLAY, "seed": seed, **buffer_diversity(buffer.views())})
    return rows


@dataclass
class _Episode:
    role: str
    task_type: str
    obs: str
    info: Row
    first_outcome: str = ""
    task_id: str = ""
    attempts: list[bool] = field(default_factory=list)
    learnability: float = 0.0
    reward: float = 0.0
    done: bool = False


def _selfplay_chunk(
    agent: Agent, envs: Sequence[Any], chunk: Sequence[tuple[str, str]], seed: int, *, first: bool, start: int
) -> list[Row]:
    episodes = []
    for i, (env, (role, task_type)) in enumerate(zip(envs, chunk, strict=False)):
        obs, info = _seeded_reset(env, i, seed, {"role": role, "task_type": task_type}, first)
        episodes.append(_Episode(role, task_type, obs, info))
    while live := [i for i, ep in enumerate(episodes) if not ep.done]:
        actions = agent.act([episodes[i].obs for i in live], [episodes[i].info for i in live])
        for i, action in zip(live, actions, strict=True):
            step = envs[i].step(action)
            _advance(episodes[i], step, envs[i].unwrapped.last_record)
    return [_episode_row(ep, seed, start + i) for i, ep in enumerate(episodes)]


def _advance(ep: _Episode, step: tuple[Any, ...], record: StepRecord) -> None:
    """Follow one step of an episode from the env's typed record of it."""
    obs, reward, terminated, truncated, info = step
    if record.step == 0:
        ep.first_outcome, ep.task_id = record.outcome.value, record.task.task_id if record.task is not None else ""
    elif ep.role == "propose":
        ep.attempts.append(record.outcome is Outcome.CORRECT)
    ep.done = bool(terminated or truncated)
    # An agent reads info["role"] as the role it plays next; a step's info names the role of the action just judged.
    next_role = record.next_role.value if record.next_role is not None else info["role"]
    ep.obs, ep.info, ep.reward = obs, {**info, "role": next_role}, float(reward)
    if ep.done:
        ep.learnability = record.rewards.propose


def _episode_row(ep: _Episode, seed: int, episode: int) -> Row:
    row: Row = {"suite": SELFPLAY, "seed": seed, "episode": episode, "task_type": ep.task_type, "task_id": ep.task_id}
    if ep.role == "solve":
        return {
            "kind": "solve",
            **row,
            "item": f"episode-{episode}",
            "sample": 0,
            "outcome": ep.first_outcome,
            "correct": ep.first_outcome == "correct",
            "reward": ep.reward,
        }
    solve_rate = sum(ep.attempts) / len(ep.attempts) if ep.attempts else None
    return {
        "kind": "propose",
        **row,
        "outcome": ep.first_outcome,
        "valid": ep.first_outcome == "valid",
        "solve_rate": solve_rate,
        "learnability": ep.learnability,
    }


def run_eval(
    config: EvalConfig, executor: ExecutorBackend, progress: Callable[[str], None] = lambda _: None
) -> list[Row]:
    """Run every (suite, seed) of ``config``; return all rows, each tagged with the agent name."""
    rows: list[Row] = []
    for suite in config.suites:
        for seed in config.seeds:
            progress(f"{config.agent} {suite} seed {seed}")
            found = (
                run_selfplay(config, seed, executor) if suite == SELFPLAY else run_suite(config, suite, seed, executor)
            )
            rows += [{"agent": config.agent, **row} for row in found]
    return rows
