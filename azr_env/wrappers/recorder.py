"""``TrajectoryRecorder``: one JSON line per step, written and flushed when each episode ends."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any, SupportsFloat

import gymnasium as gym

from azr_env.jsonl import dumps_line


class TrajectoryRecorder(gym.Wrapper[Any, Any, Any, Any]):
    """Append every step to a JSONL file, one JSON object per line.

    Keys: ``episode``, ``step``, ``observation`` (the one the action answered), ``action``, ``reward``,
    ``terminated``, ``truncated``, ``info``.

    Lines of an episode are kept in memory and written, then flushed, when it ends (or on ``close``), so a reader
    never sees half an episode unless the process dies mid-episode.

    Args:
        env: the env to record.
        path: the JSONL file; appended to, created with its parent directory if missing.
    """

    def __init__(self, env: gym.Env[Any, Any], path: str | os.PathLike[str]) -> None:
        super().__init__(env)
        self.path = Path(path)
        self._file: IO[str] | None = None
        self._pending: list[str] = []
        self._observation: Any = None
        self._episode, self._step = -1, 0

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the env; an unfinished episode's lines are written first."""
        self._flush()
        observation, info = self.env.reset(seed=seed, options=options)
        self._observation, self._episode, self._step = observation, self._episode + 1, 0
        return observation, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and record the step."""
        observation, reward, terminated, truncated, info = self.env.step(action)
        record = {
            "episode": self._episode,
            "step": self._step,
            "observation": self._observation,
            "action": action,
            "reward": float(reward),
            "terminated": bool(terminated),
            "truncated": bool(truncated),
            "info": info,
        }
        self._pending.append(dumps_line(record, default=repr))
        self._observation, self._step = observation, self._step + 1
        if terminated or truncated:
            self._flush()
        return observation, reward, terminated, truncated, info

    def close(self) -> None:
        """Write pending lines, close the file and the env."""
        self._flush()
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()

    def _flush(self) -> None:
        if not self._pending:
            return
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        self._file.write("".join(line + "\n" for line in self._pending))
        self._file.flush()
        self._pending.clear()
