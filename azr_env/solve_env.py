"""``SolveEnv``: one-step solve episodes over a fixed, versioned suite (id ``azr_env/Solve-v5``).

For held-out evaluation: nothing is proposed and no buffer changes. The tasks come in a permutation drawn from the
seed of the last seeded reset (each later reset takes the next task, wrapping around), or exactly as asked with
``reset(options={"index": i})``. ``info`` carries ``suite`` (``name@version``), ``suite_version`` and ``index``
besides the keys of ``azr_env.info``; ``last_record`` holds the typed ``StepRecord`` of the last step.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from azr_env.config import EnvConfig, resolve_config
from azr_env.episode import answer_error, observe
from azr_env.errors import ConfigError
from azr_env.executor.backend import ExecutorBackend
from azr_env.info import reset_info, step_info
from azr_env.judge import Judge
from azr_env.records import RewardComponents, StepRecord
from azr_env.rewards import solver_reward
from azr_env.runtime import Runtime
from azr_env.spaces import PROMPT_MAX_CHARS, UnicodeText
from azr_env.suites import Suite, load_suite
from azr_env.tasks import get_solve_type
from azr_env.tasks.base import Problem, Prompt, Role, Task

DEFAULT_SUITE = "humaneval-deduction"


class SolveEnv(gym.Env[str, str]):
    """Answer each task of a suite once; reward = solver reward (1, ``wrong_penalty`` or ``format_penalty``).

    Args:
        suite: a suite name (``"humaneval-deduction"``, pinned ``"humaneval-deduction@1"``) or a ``Suite``.
        config: prompt format, reward settings and executor limits (other fields are unused).
        executor: an executor to use (not closed by ``close``); ``None`` starts one at the first step.
        render_mode: ``None`` or ``"ansi"``.
        **config_overrides: ``EnvConfig`` fields, applied on top of ``config``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 1}  # noqa: RUF012 - Gymnasium reads it from the class

    def __init__(
        self,
        suite: str | Suite = DEFAULT_SUITE,
        config: EnvConfig | None = None,
        *,
        executor: ExecutorBackend | None = None,
        render_mode: str | None = None,
        **config_overrides: Any,
    ) -> None:
        if render_mode not in (None, "ansi"):
            raise ConfigError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.suite = load_suite(suite) if isinstance(suite, str) else suite
        if not self.suite.tasks:
            raise ConfigError(f"suite {self.suite.id} has no tasks")
        self.config = resolve_config(config, config_overrides)
        self.render_mode = render_mode
        self.observation_space = UnicodeText(PROMPT_MAX_CHARS)
        self.action_space = UnicodeText(self.config.max_action_chars)
        self.runtime = Runtime(self.config, executor)
        types = {task.task_type: get_solve_type(task.task_type) for task in self.suite.tasks}
        self.judge = Judge(types, self.runtime.get_executor, self.config)
        self._order = np.arange(len(self.suite.tasks))
        self._cursor = 0
        self._index: int | None = None
        self._last = ""
        self.prompt: Prompt | None = None
        """The prompt of the current observation (``ChatObservation`` renders it as messages)."""
        self.last_record: StepRecord | None = None
        """The typed record of the last step (``None`` after a reset)."""
        self._episodes = 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Show the next task of the seeded order, or ``options["index"]``."""
        super().reset(seed=seed)
        if seed is not None:
            self._order, self._cursor = self.np_random.permutation(len(self.suite.tasks)), 0
        index = self._choose(options or {})
        self._index, self.last_record = index, None
        task = self.suite.tasks[index]
        self.prompt = self._prompt(task)
        observation = self._observe(self.prompt)
        self._last = observation
        info = reset_info(Role.SOLVE, task.task_type, self.prompt, self.config.prompt_format, task)
        return observation, self._info(index, info)

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Verify the answer; never raises on its content."""
        if self._index is None:
            raise ConfigError("call reset() before step(): no episode is running")
        index, task = self._index, self.suite.tasks[self._index]
        (verdict,) = self.judge.verify([(task, action)])
        prompt = self._prompt(task)
        record = StepRecord(
            episode=self._episodes, step=0, role=Role.SOLVE, task_type=task.task_type, prompt=prompt, response=action,
            outcome=verdict.outcome, rewards=RewardComponents(solve=solver_reward(verdict.outcome, self.config.reward)),
            next_prompt=prompt, task=task if isinstance(task, Task) else None, problem=task,
            error=answer_error(verdict),
        )  # fmt: skip
        self._index, self.last_record, self._episodes = None, record, self._episodes + 1
        self._last = f"{self._last}\n--- action ---\n{action}\n--- reward: {record.reward:+.3f} ---\n"
        info = self._info(index, step_info(record, self.config.prompt_format))
        return self._observe(prompt), record.reward, True, False, info

    def render(self) -> str | None:
        """Return the last prompt (and action and reward after a step) in ``"ansi"`` mode."""
        return self._last if self.render_mode == "ansi" else None

    def close(self) -> None:
        """Stop the executor if this env started it. Idempotent."""
        self.runtime.close()
        super().close()

    def _choose(self, options: dict[str, Any]) -> int:
        unknown = sorted(set(options) - {"index"})
        if unknown:
            raise ConfigError(f"unknown reset option(s) {unknown}; SolveEnv takes 'index'")
        if "index" in options:
            index = options["index"]
            if isinstance(index, bool) or not isinstance(index, int | np.integer) or not 0 <= index < len(self._order):
                raise ConfigError(f"index must be an integer in [0, {len(self._order)}), got {index!r}")
            return int(index)
        index = int(self._order[self._cursor % len(self._order)])
        self._cursor += 1
        return index

    def _prompt(self, task: Problem) -> Prompt:
        return self.judge.task_types[task.task_type].solver_prompt(task)

    def _observe(self, prompt: Prompt) -> str:
        return observe(prompt, self.config.prompt_format)

    def _info(self, index: int, info: dict[str, Any]) -> dict[str, Any]:
        info.update(suite=self.suite.id, suite_version=self.suite.version, index=index)
        return info
