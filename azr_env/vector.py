"""``AZRVectorEnv``: a batch of self-play episodes stepped together over one buffer and one executor.

A step judges every action of the batch with one ``validate`` and one ``verify`` executor batch per task type and
calls the injected solver once; sub-environment ``i`` is seeded ``seed + i``, so it plays exactly what an
``AbsoluteZeroEnv`` seeded ``seed + i`` would over the same buffer. Autoreset follows Gymnasium's ``NEXT_STEP`` mode:
the step after an episode ends resets that sub-environment (its action is ignored, its reward is 0).

Trainer pattern: inject a ``solver`` so every episode is one step, then per collect iteration
``reset(options={"role": roles, "task_type": types})`` -> read ``prompts`` -> generate -> ``step(texts)`` -> read
``last_records`` (one typed ``StepRecord`` per sub-environment, ``azr_env.records``), or the rewards and infos.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from azr_env.config import EnvConfig, resolve_config
from azr_env.env import new_rngs, parse_options
from azr_env.episode import Episode, EpisodeRequest
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.info import reset_info, step_info
from azr_env.records import StepObserver, StepRecord
from azr_env.runtime import Runtime
from azr_env.selfplay import SelfPlayEngine, Solver
from azr_env.spaces import PROMPT_MAX_CHARS, UnicodeText
from azr_env.tasks.base import Prompt, Task

if TYPE_CHECKING:
    from azr_env.buffer import TaskBuffer


def per_env_options(options: Mapping[str, Any] | None, num_envs: int) -> list[dict[str, Any]]:
    """Split vector reset options into one dict per sub-environment.

    Each value is either a scalar (the same for every sub-environment) or a list/tuple/array of ``num_envs``
    values, where ``None`` means "draw it". Example: ``{"role": ["propose", "solve"], "task_type": "deduction"}``.
    """
    split: list[dict[str, Any]] = [{} for _ in range(num_envs)]
    for key, value in (options or {}).items():
        values = list(value) if isinstance(value, list | tuple | np.ndarray) else [value] * num_envs
        if len(values) != num_envs:
            raise ConfigError(f"reset option {key!r} has {len(values)} values for {num_envs} sub-environments")
        for per_env, item in zip(split, values, strict=True):
            if item is not None:
                per_env[key] = item.item() if isinstance(item, np.generic) else item
    return split


def stack_infos(infos: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Batch per-env infos in Gymnasium's vector convention, in one pass per key.

    Same result as calling ``VectorEnv._add_info`` for each env: every key maps to an array over envs (numeric
    dtypes for int/float/bool values, ``object`` otherwise; nested dicts recursively) plus a boolean ``_key`` mask of
    the envs that have it.
    """
    out: dict[str, Any] = {}
    for key in dict.fromkeys(key for info in infos for key in info):
        present = np.array([key in info for info in infos], dtype=np.bool_)
        values = [info.get(key) for info in infos]
        first = values[int(np.argmax(present))]
        if isinstance(first, dict):
            out[key] = stack_infos([value if isinstance(value, dict) else {} for value in values])
        elif type(first) in (int, float, bool) or isinstance(first, np.number):
            out[key] = np.array([v if p else 0 for v, p in zip(values, present, strict=True)], dtype=type(first))
        else:
            array = np.empty(len(values), dtype=object)
            array[:] = values
            out[key] = array
        out[f"_{key}"] = present
    return out


class AZRVectorEnv(VectorEnv[tuple[str, ...], Sequence[str], np.ndarray]):
    """``num_envs`` self-play episodes stepped as one batch; see ``AbsoluteZeroEnv`` for the episode and arguments.

    Observations are a tuple of prompts and actions a sequence of response texts, one per sub-environment; infos
    follow Gymnasium's vector convention (a dict of arrays, each with a boolean ``_key`` mask).
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": []}  # noqa: RUF012 - Gymnasium reads it from the class

    def __init__(
        self,
        num_envs: int,
        config: EnvConfig | None = None,
        *,
        executor: ExecutorBackend | None = None,
        buffer: TaskBuffer | None = None,
        solver: Solver | None = None,
        observer: StepObserver | None = None,
        **config_overrides: Any,
    ) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, int) or num_envs < 1:
            raise ConfigError(f"num_envs must be a positive integer, got {num_envs!r}")
        self.num_envs = num_envs
        self.config = resolve_config(config, config_overrides)
        self.single_observation_space = UnicodeText(PROMPT_MAX_CHARS)
        self.single_action_space = UnicodeText(self.config.max_action_chars)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.engine = SelfPlayEngine(self.config, Runtime(self.config, executor, buffer), solver, observer)
        self._episodes: list[Episode | None] = [None] * num_envs
        self._rngs = new_rngs(None, num_envs)
        self.prompts: tuple[Prompt, ...] = ()
        """The prompt of each sub-environment's current observation (system and user messages)."""
        self.last_records: tuple[StepRecord | None, ...] = ()
        """The typed record of each sub-environment's last step (``None`` where it was reset instead)."""

    @property
    def buffer(self) -> TaskBuffer:
        """The task buffer shared by every sub-environment."""
        return self.engine.runtime.buffer

    @property
    def tasks(self) -> list[Task | None]:
        """The task each sub-environment's running episode is solving (``None`` while proposing or ended)."""
        return [episode.task if episode is not None else None for episode in self._episodes]

    def reset(
        self, *, seed: int | Sequence[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[tuple[str, ...], dict[str, Any]]:
        """Start an episode in every sub-environment; option values may be scalars or per-env lists."""
        if isinstance(seed, Sequence):
            if len(seed) != self.num_envs:
                raise ConfigError(f"got {len(seed)} seeds for {self.num_envs} sub-environments")
            self._rngs = [np.random.default_rng(s) for s in seed]
        elif seed is not None:
            super().reset(seed=seed)
            self._rngs = new_rngs(seed, self.num_envs)
        requests = [parse_options(o, self.config.task_types) for o in per_env_options(options, self.num_envs)]
        started = [self._start(i, request) for i, request in enumerate(requests)]
        self.prompts = tuple(prompt for prompt, _ in started)
        self.last_records = (None,) * self.num_envs
        observations = tuple(self.engine.observation(prompt) for prompt in self.prompts)
        return observations, stack_infos([info for _, info in started])

    def step(
        self, actions: Sequence[str]
    ) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Judge every running episode's action in one batch; reset the sub-environments that ended last step."""
        actions = list(actions)
        if len(actions) != self.num_envs:
            raise ConfigError(f"step() got {len(actions)} actions for {self.num_envs} sub-environments")
        running = {i: episode for i, episode in enumerate(self._episodes) if episode is not None}
        records = self.engine.advance(list(running.values()), [actions[i] for i in running])
        done = dict(zip(running, records, strict=True))
        prompts: list[Prompt] = []
        rewards = np.zeros(self.num_envs, dtype=np.float64)
        terminated = np.zeros(self.num_envs, dtype=np.bool_)
        infos: list[dict[str, Any]] = []
        for i in range(self.num_envs):
            record = done.get(i)
            if record is None:
                prompt, info = self._start(i, EpisodeRequest())
            else:
                prompt, info = record.next_prompt, step_info(record, self.config.prompt_format)
                rewards[i], terminated[i] = record.reward, record.terminated
                if record.terminated:
                    self._episodes[i] = None
            prompts.append(prompt)
            infos.append(info)
        self.prompts = tuple(prompts)
        self.last_records = tuple(done.get(i) for i in range(self.num_envs))
        observations = tuple(self.engine.observation(prompt) for prompt in prompts)
        truncated = np.zeros(self.num_envs, dtype=np.bool_)
        return observations, rewards, terminated, truncated, stack_infos(infos)

    def close_extras(self, **kwargs: Any) -> None:
        """Stop the executor if this env started it."""
        self.engine.runtime.close()

    def _start(self, i: int, request: EpisodeRequest) -> tuple[Prompt, dict[str, Any]]:
        episode = self._episodes[i] = self.engine.start(request, self._rngs[i])
        info = reset_info(episode.role, episode.task_type, episode.prompt, self.config.prompt_format, episode.task)
        return episode.prompt, info
