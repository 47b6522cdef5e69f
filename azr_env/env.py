"""``AbsoluteZeroEnv``: Absolute Zero self-play as a ``gymnasium.Env[str, str]`` (id ``azr_env/AbsoluteZero-v5``).

The observation is a prompt and the action is the policy's full response text. One policy plays both roles: a
propose episode asks for a new task (the executor validates it and it enters the shared buffer) and, unless a
``solver`` is injected, continues with ``n_solve_samples`` solve steps on that task whose results give the proposer
its learnability reward at the episode's end; a solve episode asks for the answer to a buffer task. See
``azr_env.episode`` for how the rewards of an episode add up and ``azr_env.info`` for the info keys. After every
step, ``last_record`` holds the typed ``StepRecord`` that the info was derived from (``azr_env.records``).

Example::

    import gymnasium
    import azr_env  # registers the ids

    env = gymnasium.make("azr_env/AbsoluteZero-v5", n_solve_samples=8)
    prompt, info = env.reset(seed=0, options={"role": "propose", "task_type": "deduction"})
    prompt, reward, terminated, truncated, info = env.step(policy(prompt))  # info["outcome"]: "valid", ...
    while not terminated:  # the n solve steps on the new task (info["next_role"] == "solve")
        prompt, reward, terminated, truncated, info = env.step(policy(prompt))
    info["reward_components"]  # {"solve": <last answer's reward>, "propose": <learnability of the proposal>}
    env.close()  # stops the sandbox pool the env started
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import gymnasium as gym
import numpy as np

from azr_env.config import EnvConfig, resolve_config
from azr_env.episode import Episode, EpisodeRequest
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.info import reset_info, step_info
from azr_env.records import StepObserver, StepRecord
from azr_env.runtime import Runtime
from azr_env.selfplay import SelfPlayEngine, Solver
from azr_env.spaces import PROMPT_MAX_CHARS, UnicodeText
from azr_env.tasks.base import Prompt, Role

if TYPE_CHECKING:
    from azr_env.buffer import TaskBuffer

OPTION_KEYS = ("role", "task_type", "task_id", "context_seed")


def parse_options(options: Mapping[str, Any] | None, task_types: tuple[str, ...]) -> EpisodeRequest:
    """Turn reset options into an ``EpisodeRequest``, refusing unknown keys and values with a clear message.

    Options: ``role`` (``"propose"`` or ``"solve"``), ``task_type`` (one of the env's types), ``task_id`` (replay a
    buffer task as a solve episode: GRPO groups of one task), ``context_seed`` (propose: references drawn from this
    seed, so equal seeds over the same buffer give equal proposer prompts: GRPO groups of one proposer prompt).
    """
    options = dict(options or {})
    unknown = sorted(set(options) - set(OPTION_KEYS))
    if unknown:
        raise ConfigError(f"unknown reset option(s) {unknown}; known: {', '.join(OPTION_KEYS)}")
    role = options.get("role")
    if role is not None and role not in tuple(Role):
        raise ConfigError(f"reset option role must be 'propose' or 'solve', got {role!r}")
    task_type = options.get("task_type")
    if task_type is not None and task_type not in task_types:
        raise ConfigError(f"reset option task_type={task_type!r} is not one of this env's types {task_types}")
    seed = options.get("context_seed")
    return EpisodeRequest(
        role=Role(role) if role is not None else None,
        task_type=task_type,
        task_id=options.get("task_id"),
        context_seed=int(seed) if seed is not None else None,
    )


class AbsoluteZeroEnv(gym.Env[str, str]):
    """Absolute Zero self-play episodes over a shared task buffer and a sandboxed executor.

    Args:
        config: the env settings (``EnvConfig()`` when ``None``).
        executor: an executor to use (not closed by ``close``); ``None`` starts one at the first reset.
        buffer: a task buffer to share; ``None`` seeds one at the first reset.
        solver: optional ``Solver``: called with each step's ``SolveRequest``s (each valid proposal's solver prompt
            ``n_solve_samples`` times, contiguous) and returns one response per request; with it, a propose episode
            is one step whose reward is the proposer reward.
        observer: optional ``StepObserver``: reviews every step's records before its proposals enter the buffer.
        render_mode: ``None`` or ``"ansi"`` (``render()`` returns the last prompt, action and reward as text).
        **config_overrides: ``EnvConfig`` fields, applied on top of ``config``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012 - Gymnasium reads it from the class

    def __init__(
        self,
        config: EnvConfig | None = None,
        *,
        executor: ExecutorBackend | None = None,
        buffer: TaskBuffer | None = None,
        solver: Solver | None = None,
        observer: StepObserver | None = None,
        render_mode: str | None = None,
        **config_overrides: Any,
    ) -> None:
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ConfigError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.config = resolve_config(config, config_overrides)
        self.render_mode = render_mode
        self.observation_space = UnicodeText(PROMPT_MAX_CHARS)
        self.action_space = UnicodeText(self.config.max_action_chars)
        self.engine = SelfPlayEngine(self.config, Runtime(self.config, executor, buffer), solver, observer)
        self._episode: Episode | None = None
        self.prompt: Prompt | None = None
        """The prompt of the current observation (``ChatObservation`` renders it as messages)."""
        self.last_record: StepRecord | None = None
        """The typed record of the last step (``None`` after a reset)."""
        self._shown = ""
        self._last: tuple[str, object, float] = ("", "", 0.0)

    @property
    def buffer(self) -> TaskBuffer:
        """The shared task buffer (seeded on first access)."""
        return self.engine.runtime.buffer

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode; see ``parse_options`` for the options. Same seed and buffer, same episode."""
        super().reset(seed=seed)
        request = parse_options(options, self.config.task_types)
        episode = self._episode = self.engine.start(request, self.np_random)
        self.prompt, self.last_record = episode.prompt, None
        observation = self.engine.observation(self.prompt)
        self._shown, self._last = observation, (observation, "", 0.0)
        return observation, reset_info(
            episode.role, episode.task_type, episode.prompt, self.config.prompt_format, episode.task
        )

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Judge the action; never raises on its content (malformed text gets the format penalty)."""
        if self._episode is None:
            raise ConfigError("call reset() before step(): no episode is running")
        (record,) = self.engine.advance([self._episode], [action])
        if record.terminated:
            self._episode = None
        self.prompt, self.last_record = record.next_prompt, record
        observation = self.engine.observation(record.next_prompt)
        self._last = (self._shown, action, record.reward)
        self._shown = observation
        return observation, record.reward, record.terminated, False, step_info(record, self.config.prompt_format)

    def render(self) -> str | None:
        """Return the last action, the observation it answered and its reward as text in ``"ansi"`` mode."""
        if self.render_mode != "ansi":
            return None
        observation, action, reward = self._last
        return f"{observation}\n--- action ---\n{action}\n--- reward: {reward:+.3f} ---\n"

    def close(self) -> None:
        """Stop the executor if this env started it (an injected one is left running). Idempotent."""
        self.engine.runtime.close()
        super().close()


def new_rngs(seed: int | None, n: int) -> list[np.random.Generator]:
    """Return ``n`` generators seeded ``seed, seed + 1, ...`` (Gymnasium's vector convention), or fresh entropy."""
    if seed is None:
        return [np.random.default_rng(s) for s in np.random.SeedSequence().spawn(n)]
    return [np.random.default_rng(seed + i) for i in range(n)]
