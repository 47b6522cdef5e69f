"""``EpisodeStatistics``: running counts and rates by role and task type, read from each step's ``info``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, SupportsFloat

import gymnasium as gym

from azr_env.tasks.base import Outcome, Role


@dataclass(slots=True)
class _Tally:
    count: int = 0
    hits: int = 0
    reward: float = 0.0


class RoleTypeStats:
    """Accumulates judged actions by ``(role, task_type)`` from env infos.

    Proposals are counted at the step that judges them (``hits`` = valid); solver answers at every solve step and
    for every entry of ``info["solve_attempts"]`` (``hits`` = correct). Rewards are summed per role from
    ``info["reward_components"]``, so a proposer's learnability reward counts even when it arrives at the last
    step of its episode. Infos of resets (``outcome == ""``, as the autoreset steps of a vector env return) judge
    no action and are skipped; for a vector env, feed each sub-env's info, e.g. through Gymnasium's
    ``DictInfoToList`` wrapper.
    """

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)

    def update(self, info: Mapping[str, Any]) -> None:
        """Add one step's info."""
        if not info["outcome"]:
            return
        task_type, components = info["task_type"], info["reward_components"]
        propose, solve = self._tallies[Role.PROPOSE, task_type], self._tallies[Role.SOLVE, task_type]
        propose.reward += components["propose"]
        solve.reward += components["solve"]
        if info["role"] == Role.PROPOSE:
            propose.count += 1
            propose.hits += info["outcome"] == Outcome.VALID
        else:
            solve.count += 1
            solve.hits += info["outcome"] == Outcome.CORRECT
        for attempt in info.get("solve_attempts", ()):
            solve.count += 1
            solve.hits += attempt["outcome"] == Outcome.CORRECT
            solve.reward += attempt["reward"]

    def as_dict(self) -> dict[str, float]:
        """Return namespaced metrics for every (role, type) seen so far, sorted by key.

        Keys: ``propose/<type>/{count,mean_reward,valid_rate}`` and ``solve/<type>/{count,mean_reward,accuracy}``.
        """
        out: dict[str, float] = {}
        for (role, task_type), tally in sorted(self._tallies.items()):
            if tally.count == 0:
                continue
            prefix = f"{Role(role).value}/{task_type}"
            rate_name = "valid_rate" if role == Role.PROPOSE else "accuracy"
            out[f"{prefix}/count"] = tally.count
            out[f"{prefix}/mean_reward"] = tally.reward / tally.count
            out[f"{prefix}/{rate_name}"] = tally.hits / tally.count
        return out


class EpisodeStatistics(gym.Wrapper[Any, Any, Any, Any]):
    """Keeps ``RoleTypeStats`` over every step and summarizes each episode in its final info.

    The final info carries ``episode`` (return, length, role, task type) and ``statistics``
    (``RoleTypeStats.as_dict()`` so far).
    """

    def __init__(self, env: gym.Env[Any, Any]) -> None:
        """Wrap ``env`` (an azr-env env, or anything whose infos carry the same keys)."""
        super().__init__(env)
        self.stats = RoleTypeStats()
        self._return, self._length, self._start = 0.0, 0, ("", "")

    def statistics(self) -> dict[str, float]:
        """Return the metrics accumulated since the wrapper was created."""
        return self.stats.as_dict()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the env and the episode counters."""
        observation, info = self.env.reset(seed=seed, options=options)
        self._return, self._length, self._start = 0.0, 0, (info["role"], info["task_type"])
        return observation, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and record the step's info; add the summaries to the final info."""
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.stats.update(info)
        self._return += float(reward)
        self._length += 1
        if terminated or truncated:
            role, task_type = self._start
            info["episode"] = {"return": self._return, "length": self._length, "role": role, "task_type": task_type}
            info["statistics"] = self.statistics()
        return observation, reward, terminated, truncated, info
