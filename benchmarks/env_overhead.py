"""``azr bench env``: how much time the vector env adds on top of the sandboxed executor.

A scripted agent (no LLM) plays ``AZRVectorEnv`` with distinct valid proposals of every task type and correct
answers, so every step does real executor work: proposals validated twice (two hash seeds), answers verified. The
executor object is wrapped to time its calls, so a step splits into executor time and env time (parsing, prompts,
buffer, rewards, bookkeeping). Targets (issue 3): the env adds < 10% on top of the executor time, and one step of
the batch (64 self-play steps by default) takes < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azr_env.executor.result import ExecutionResult, ValidationResult
from azr_env.tasks.base import Task
from azr_env.tasks.prompts import fence

OVERHEAD_TARGET = 0.10
"""The env may add at most this fraction on top of the executor time."""

STEP_TARGET_S = 0.200
"""A batch of 64 self-play steps must complete within this many seconds."""


class TimedExecutor:
    """Wraps an executor and accumulates the wall time spent inside its batch calls."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0

    def _timed(self, method: str, jobs: Sequence[tuple[str, str]]) -> Any:
        start = time.perf_counter()
        try:
            return getattr(self.inner, method)(jobs)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1

    def run_many(self, jobs: Sequence[tuple[str, str]]) -> list[ExecutionResult]:
        """Time the wrapped ``run_many``."""
        return self._timed("run_many", jobs)

    def validate_many(self, jobs: Sequence[tuple[str, str]]) -> list[ValidationResult]:
        """Time the wrapped ``validate_many``."""
        return self._timed("validate_many", jobs)

    def security_layers(self) -> Mapping[str, bool]:
        """The wrapped executor's layers."""
        return self.inner.security_layers()

    def close(self) -> None:
        """Close the wrapped executor."""
        self.inner.close()


def envelope(*blocks: str) -> str:
    """Return a full response with the given fenced blocks inside ``<answer>``."""
    return "<think>scripted</think>\n<answer>\n" + "\n".join(blocks) + "\n</answer>"


def scripted_proposal(task_type: str, serial: int) -> str:
    """Return a distinct valid proposal: a small arithmetic program (or ten integer inputs for induction)."""
    if task_type == "induction":
        inputs = [fence("input", str(serial * 10 + k)) for k in range(10)]
        return envelope(*inputs, fence("message", "Look at how the result grows with the argument."))
    body = f"    total = 0\n    for k in range(x % 7):\n        total += k * {serial % 97}\n    return total + x\n"
    program = "def f(x):\n" + body
    return envelope(fence("python", program), fence("input", str(serial % 1000)))


def scripted_answer(task: Task) -> str:
    """Return the correct answer to a task, read from the task itself (an oracle)."""
    if task.task_type == "deduction":
        return envelope(fence("output", task.outputs[0]))
    if task.task_type == "abduction":
        return envelope(fence("input", task.inputs[0]))
    return envelope(fence("python", task.program))


@dataclass(frozen=True)
class Measurement:
    """Timings of the measured steps."""

    steps: int
    num_envs: int
    total_s: float
    executor_s: float
    executor_calls: int

    def row(self) -> dict[str, Any]:
        """Return the measured values and the pass/fail verdicts."""
        step_s = self.total_s / self.steps
        env_s = self.total_s - self.executor_s
        overhead = env_s / self.executor_s if self.executor_s else float("inf")
        return {
            "num_envs": self.num_envs,
            "steps": self.steps,
            "self_play_steps_per_s": self.steps * self.num_envs / self.total_s,
            "step_ms": 1000 * step_s,
            "executor_ms_per_step": 1000 * self.executor_s / self.steps,
            "env_ms_per_step": 1000 * env_s / self.steps,
            "env_share_of_step": env_s / self.total_s,
            "env_overhead_vs_executor": overhead,
            "executor_calls_per_step": self.executor_calls / self.steps,
            "pass_overhead": overhead < OVERHEAD_TARGET,
            "pass_step_time": step_s < STEP_TARGET_S,
        }


def measure(args: argparse.Namespace) -> Measurement:
    """Play ``warmup + steps`` vector steps with the scripted agent; time the last ``steps``."""
    num_envs, steps, warmup = args.num_envs, args.steps, args.warmup
    from azr_env.executor import Executor
    from azr_env.vector import AZRVectorEnv

    with Executor(workers=args.workers) as inner:
        executor = TimedExecutor(inner)
        envs = AZRVectorEnv(num_envs, executor=executor, n_solve_samples=args.n_solve_samples)
        _, infos = envs.reset(seed=args.seed)
        serial = 0
        for step in range(warmup + steps):
            if step == warmup:
                executor.seconds, executor.calls, start = 0.0, 0, time.perf_counter()
            actions = []
            for task, task_type in zip(envs.tasks, infos["task_type"], strict=True):
                serial += 1
                actions.append(scripted_answer(task) if task is not None else scripted_proposal(task_type, serial))
            *_, infos = envs.step(actions)
        total = time.perf_counter() - start
        envs.close()
    return Measurement(steps, num_envs, total, executor.seconds, executor.calls)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the benchmark's options to ``parser``."""
    parser.add_argument("--num-envs", type=int, default=64, help="sub-environments, i.e. self-play steps per step")
    parser.add_argument("--steps", type=int, default=10, help="measured vector steps")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured vector steps first (pool warm-up)")
    parser.add_argument("--workers", type=int, default=None, help="executor workers (default: one per core)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the episodes")
    parser.add_argument("--n-solve-samples", type=int, default=8, help="solve steps after each valid proposal")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def run(args: argparse.Namespace) -> int:
    """Measure and print the table (or JSON); return 0 when both targets pass, else 1."""
    row = measure(args).row()
    if args.json:
        print(json.dumps(row, indent=2))
    else:
        print(format_table(row))
    return 0 if row["pass_overhead"] and row["pass_step_time"] else 1


def format_table(row: Mapping[str, Any]) -> str:
    """Return the measurements and the targets as a text table."""
    lines = [
        f"AZRVectorEnv, {row['num_envs']} sub-envs, {row['steps']} measured steps, scripted agent",
        f"{'metric':<34}{'value':>12}  {'target':>10}  result",
        f"{'self-play steps/s':<34}{row['self_play_steps_per_s']:>12.1f}",
        f"{'executor ms per step':<34}{row['executor_ms_per_step']:>12.1f}",
        f"{'env ms per step':<34}{row['env_ms_per_step']:>12.1f}",
        f"{'executor calls per step':<34}{row['executor_calls_per_step']:>12.1f}",
        f"{'env share of step time':<34}{row['env_share_of_step']:>12.1%}",
        _verdict(
            "env overhead vs executor",
            f"{row['env_overhead_vs_executor']:.1%}",
            f"< {OVERHEAD_TARGET:.0%}",
            row["pass_overhead"],
        ),
        _verdict(
            f"ms per step ({row['num_envs']} self-play)",
            f"{row['step_ms']:.1f}",
            f"< {1000 * STEP_TARGET_S:.0f}",
            row["pass_step_time"],
        ),
    ]
    return "\n".join(lines)


def _verdict(name: str, value: str, target: str, passed: bool) -> str:
    return f"{name:<34}{value:>12}  {target:>10}  {'PASS' if passed else 'FAIL'}"
