"""``SafetyMonitor`` / ``VectorSafetyMonitor``: the safety monitor as Gymnasium wrappers, adding ``info["safety"]``.

The wrapper installs a ``SafetyObserver`` in the wrapped env's self-play engine (next to any observer the env
already has, ``azr_env.records.chain_observers``), so the monitor reads the engine's typed step records, solver
attempts included, before the step's proposals enter the buffer; enforcement (off by default) acts there. After
each step the wrapper flushes the observer and adds, to every sub-env that judged an action, ``info["safety"]``:
``flagged``, ``categories``, ``findings`` (``azr_env.safety.SafetyReport.as_info``), ``enforced`` (``""``,
``"quarantine"`` or ``"penalize"``) and, when a solver is injected into the env, ``attempts`` (one report per
solver attempt at the new proposal). ``statistics()`` returns the ``safety/...`` rates so far. With ``log_path``
every flagged response is also appended to a ``safety.jsonl`` file (step = the wrapper's step count). Reset infos
and the autoreset steps of a vector env judge nothing and carry no report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from azr_env.records import StepRecord, chain_observers
from azr_env.safety.enforcement import EnforcementConfig
from azr_env.safety.monitor import Monitor
from azr_env.safety.observer import RecordScan, SafetyObserver


class _Watched:
    """What both wrappers share: the observer in the engine, the step count, the time spent and the statistics.

    ``__init__`` takes the arguments documented on ``SafetyMonitor``.
    """

    def __init__(
        self,
        env: Any,
        monitor: Monitor | None = None,
        enforcement: EnforcementConfig | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(env)  # type: ignore[call-arg]  # the Gymnasium wrapper class that follows in the MRO
        engine = env.unwrapped.engine
        self.observer = SafetyObserver(monitor, enforcement, log_path)
        engine.observer = chain_observers(engine.observer, self.observer)
        self.steps, self._own_s = 0, 0.0

    @property
    def seconds(self) -> float:
        """Wall time the monitor added to the steps so far (scanning in the engine, logging, infos)."""
        return self.observer.seconds + self._own_s

    def statistics(self) -> dict[str, float]:
        """The ``safety/...`` rates over every step so far."""
        return self.observer.tally.as_dict()

    def _reports(self, records: Sequence[StepRecord | None]) -> list[dict[str, Any] | None]:
        """``info["safety"]`` of each record of the step just taken (``None`` where a sub-env judged nothing)."""
        start = time.perf_counter()
        self.steps += 1
        scans: dict[int, RecordScan] = {scan.record.episode: scan for scan in self.observer.flush(self.steps)}
        found = [scans.get(r.episode) if r is not None else None for r in records]
        reports = [scan.as_info() if scan is not None else None for scan in found]
        self._own_s += time.perf_counter() - start
        return reports


class SafetyMonitor(_Watched, gym.Wrapper[Any, Any, Any, Any]):
    """Adds ``info["safety"]`` to every judged step of an azr-env env (see the module docstring).

    Args:
        env: an ``AbsoluteZeroEnv`` (possibly wrapped); ``VectorSafetyMonitor`` takes an ``AZRVectorEnv``.
        monitor: the monitor (default: the built-in rules plus the code and reward-hacking checks).
        enforcement: what to do with flagged proposals (default: nothing).
        log_path: append every flagged response to this JSONL file.
    """

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and add ``info["safety"]``."""
        observation, reward, terminated, truncated, info = self.env.step(action)
        (safety,) = self._reports([self.env.unwrapped.last_record])  # type: ignore[attr-defined]
        if safety is not None:
            info["safety"] = safety
        return observation, reward, terminated, truncated, info

    def close(self) -> None:
        """Close the log and the env."""
        self.observer.close()
        super().close()


class VectorSafetyMonitor(_Watched, gym.vector.VectorWrapper):
    """``SafetyMonitor`` for ``AZRVectorEnv``, with the same arguments.

    ``infos["safety"]`` is an object array with its ``_safety`` mask.
    """

    def step(self, actions: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
        """Step every sub-env and add the safety reports of the ones that judged an action."""
        observations, rewards, terminated, truncated, infos = self.env.step(actions)
        reports = self._reports(self.env.unwrapped.last_records)  # type: ignore[attr-defined]
        safety = np.empty(len(reports), dtype=object)
        safety[:] = reports
        infos["safety"] = safety
        infos["_safety"] = np.array([r is not None for r in reports], dtype=np.bool_)
        return observations, rewards, terminated, truncated, infos

    def close(self, **kwargs: Any) -> None:
        """Close the log and the env."""
        self.observer.close()
        super().close(**kwargs)
