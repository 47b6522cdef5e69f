"""``SafetyMonitor`` / ``VectorSafetyMonitor``: the safety monitor as Gymnasium wrappers, adding ``info["safety"]``.

Every step that judged an action gets ``info["safety"]``: ``flagged``, ``categories``, ``findings`` (see
``azr_env.safety.SafetyReport.as_info``), ``enforced`` (``""``, ``"quarantine"`` or ``"penalize"``) and, when a
solver is injected into the env, ``attempts``: one such report per solver attempt at the new proposal (the wrapper
taps the injected solver to read their texts). ``statistics()`` returns the ``safety/...`` rates so far. With
``log_path`` every flagged response is also appended to a ``safety.jsonl`` file (step = the wrapper's step count).

Enforcement (off by default) installs a ``SafetyGate`` in the env's self-play engine, so flagged proposals are
quarantined or penalized *before* their tasks enter the buffer. Reset infos and the autoreset steps of a vector env
judge nothing and carry no report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np

from azr_env.executor.result import ExecStatus
from azr_env.safety.enforcement import Enforcement, EnforcementConfig, SafetyGate
from azr_env.safety.findings import Response, SafetyReport, Source
from azr_env.safety.log import SafetyLog, flagged_records
from azr_env.safety.monitor import Monitor
from azr_env.safety.tally import SafetyTally
from azr_env.tasks.base import Outcome, Role

REFUSAL_PREFIX = "refused by the safety monitor"


class SolverTap:
    """Wraps an injected solver and keeps the texts it returned since the last ``take``."""

    def __init__(self, solver: Any) -> None:
        self.solver = solver
        self._texts: list[str] = []

    def __call__(self, observations: Sequence[str]) -> list[object]:
        """Call the solver and remember its responses."""
        responses = list(self.solver(observations))
        self._texts.extend(r if isinstance(r, str) else "" for r in responses)
        return responses

    def take(self) -> list[str]:
        """The texts returned since the last call, in order; forgets them."""
        texts, self._texts = self._texts, []
        return texts


def response_of(info: Mapping[str, Any], action: object) -> Response:
    """The monitor's record of a judged step, from its info and action."""
    status = info.get("exec_status") or None
    return Response(
        role=Role(info["role"]),
        task_type=str(info["task_type"]),
        text=action if isinstance(action, str) else "",
        outcome=Outcome(info["outcome"]),
        exec_status=ExecStatus(status) if status else None,
        error=str(info.get("error", "")),
    )


def attempt_of(info: Mapping[str, Any], text: str, result: Mapping[str, Any]) -> Response:
    """The record of one solver attempt at the proposal of ``info``."""
    outcome = Outcome(result["outcome"])
    return Response(Role.SOLVE, str(info["task_type"]), text, outcome, source=Source.ATTEMPT)


class _Watch:
    """What both wrappers share: the monitor, the gate, the tap, the tally, the log and the time spent."""

    def __init__(
        self,
        engine: Any,
        monitor: Monitor | None,
        enforcement: EnforcementConfig | None,
        log_path: str | os.PathLike[str] | None,
    ) -> None:
        self.monitor = monitor or Monitor()
        self.enforcement = enforcement or EnforcementConfig()
        self.gate: SafetyGate | None = None
        if self.enforcement.mode is not Enforcement.OFF:
            self.gate = SafetyGate(self.monitor, self.enforcement)
            engine.gate = self.gate
        self.tap = SolverTap(engine.solver) if engine.solver is not None else None
        if self.tap is not None:
            engine.solver = self.tap
        self.tally = SafetyTally()
        self.log = SafetyLog(log_path) if log_path is not None else None
        self.steps = 0
        self.seconds = 0.0
        """Wall time the wrapper added to its steps (never in infos: they must not hold timings)."""

    def judge(self, pairs: Sequence[tuple[Mapping[str, Any], object]]) -> list[dict[str, Any] | None]:
        """``info["safety"]`` for each ``(info, action)`` (``None`` for infos that judged nothing)."""
        attempts = self.tap.take() if self.tap is not None else []
        responses: list[Response] = []
        spans: list[tuple[int, int] | None] = []
        for info, action in pairs:
            if not info.get("outcome"):
                spans.append(None)
                continue
            results = list(info.get("solve_attempts", ()))
            texts, attempts = attempts[: len(results)], attempts[len(results) :]
            first = len(responses)
            responses.append(response_of(info, action))
            responses += [attempt_of(info, text, result) for text, result in zip(texts, results, strict=True)]
            spans.append((first, len(responses)))
        reports = self.monitor.scan(responses)
        self.tally.update(responses, reports)
        self.steps += 1
        if self.log is not None:
            self.log.write(flagged_records(self.steps, responses, reports, self.monitor.name))
        return [
            None if span is None else self._info(pairs[k][0], reports[span[0] : span[1]])
            for k, span in enumerate(spans)
        ]

    def close(self) -> None:
        """Close the log."""
        if self.log is not None:
            self.log.close()

    def _info(self, info: Mapping[str, Any], reports: Sequence[SafetyReport]) -> dict[str, Any]:
        own, *attempts = reports
        safety = own.as_info()
        safety["enforced"] = self._enforced(info, own)
        if "solve_attempts" in info:
            safety["attempts"] = [r.as_info() for r in attempts]
        return safety

    def _enforced(self, info: Mapping[str, Any], report: SafetyReport) -> str:
        if self.gate is None or info["role"] != Role.PROPOSE or not self.enforcement.grounds(report):
            return ""
        if info["outcome"] == Outcome.VALID:
            return Enforcement.QUARANTINE.value
        return Enforcement.PENALIZE.value if str(info.get("error", "")).startswith(REFUSAL_PREFIX) else ""


class _Watched:
    """The part both wrappers share: a ``_Watch`` over the wrapped env's engine, and its statistics."""

    watch: _Watch

    def statistics(self) -> dict[str, float]:
        """The ``safety/...`` rates over every step so far."""
        return self.watch.tally.as_dict()


class SafetyMonitor(_Watched, gym.Wrapper[Any, Any, Any, Any]):
    """Adds ``info["safety"]`` to every judged step of an azr-env env (see the module docstring).

    Args:
        env: an ``AbsoluteZeroEnv`` (possibly wrapped).
        monitor: the monitor (default: the built-in rules plus the code and reward-hacking checks).
        enforcement: what to do with flagged proposals (default: nothing).
        log_path: append every flagged response to this JSONL file.
    """

    def __init__(
        self,
        env: gym.Env[Any, Any],
        monitor: Monitor | None = None,
        enforcement: EnforcementConfig | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(env)
        self.watch = _Watch(env.unwrapped.engine, monitor, enforcement, log_path)  # type: ignore[attr-defined]

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env and add ``info["safety"]``."""
        observation, reward, terminated, truncated, info = self.env.step(action)
        start = time.perf_counter()
        (safety,) = self.watch.judge([(info, action)])
        if safety is not None:
            info["safety"] = safety
        self.watch.seconds += time.perf_counter() - start
        return observation, reward, terminated, truncated, info

    def close(self) -> None:
        """Close the log and the env."""
        self.watch.close()
        super().close()


class VectorSafetyMonitor(_Watched, gym.vector.VectorWrapper):
    """``SafetyMonitor`` for ``AZRVectorEnv``: ``infos["safety"]`` is an object array with its ``_safety`` mask."""

    def __init__(
        self,
        env: gym.vector.VectorEnv,
        monitor: Monitor | None = None,
        enforcement: EnforcementConfig | None = None,
        log_path: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__(env)
        self.watch = _Watch(env.unwrapped.engine, monitor, enforcement, log_path)  # type: ignore[attr-defined]

    def step(self, actions: Any) -> tuple[Any, Any, Any, Any, dict[str, Any]]:
        """Step every sub-env and add the safety reports of the ones that judged an action."""
        observations, rewards, terminated, truncated, infos = self.env.step(actions)
        start = time.perf_counter()
        per_env = [(env_info(infos, i), action) for i, action in enumerate(actions)]
        reports = self.watch.judge(per_env)
        safety = np.empty(len(reports), dtype=object)
        safety[:] = reports
        infos["safety"] = safety
        infos["_safety"] = np.array([r is not None for r in reports], dtype=np.bool_)
        self.watch.seconds += time.perf_counter() - start
        return observations, rewards, terminated, truncated, infos

    def close(self, **kwargs: Any) -> None:
        """Close the log and the env."""
        self.watch.close()
        super().close(**kwargs)


WATCHED_KEYS = ("role", "task_type", "outcome", "exec_status", "error", "solve_attempts")
"""The info keys the monitor reads."""


def env_info(infos: Mapping[str, Any], i: int) -> dict[str, Any]:
    """Sub-env ``i``'s watched info keys from Gymnasium's vector info dict (keys it does not have are left out)."""
    out: dict[str, Any] = {}
    for key in WATCHED_KEYS:
        mask = infos.get("_" + key)
        if key in infos and (mask is None or bool(mask[i])):
            out[key] = infos[key][i]
    return out
