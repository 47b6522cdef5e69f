"""``azr bench env``: how much time the vector env adds on top of the sandboxed executor.

A scripted agent (no LLM) plays ``AZRVectorEnv`` with distinct valid proposals of every task type and correct
answers, so every step does real executor work: proposals validated once per determinism zygote (three by default),
answers verified. The executor object is wrapped to time its calls, so a step splits into executor time and env time
(parsing, prompts, buffer, rewards, bookkeeping). Targets (issue 3): the env adds < 10% on top of the executor time,
and one step of the batch (64 self-play steps by default) takes < 200 ms.

On a shared machine the env time of a step (its wall time minus the executor's) is noisy. ``--replays N`` measures
it alone as well: the same episodes are played again N times with an executor that answers every job from what
the measured run returned (so they are the same episodes, at no executor cost), timed in process CPU time (so time
the process spent waiting for a core does not count); the env-only time is the best median step over the replays.

``--reasoning-chars N`` puts about N characters of scripted reasoning in every response's ``<think>`` (code-task
prose; ``--reasoning-mix`` says how often it uses the safety rules' trigger words in harmless senses), and
``--safety`` wraps the env in ``VectorSafetyMonitor`` and times what the monitor adds to each step. Target
(issue 10): the monitor takes < 2% of the whole vector step at 64 envs with 1-2k characters of reasoning.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azr_env.executor.limits import VALIDATION_DEADLINE_SHARE
from azr_env.executor.result import ExecutionResult, ValidationResult
from azr_env.tasks.base import Task
from azr_env.tasks.prompts import fence

OVERHEAD_TARGET = 0.10
"""The env may add at most this fraction on top of the executor time."""

STEP_TARGET_S = 0.200
"""A batch of 64 self-play steps must complete within this many seconds."""


MONITOR_TARGET = 0.02
"""The safety monitor may take at most this fraction of the vector step."""

REASONING_SENTENCES = (
    "Let me think about what the function should do with an empty list before writing it.",
    "I want the task to be learnable: neither trivial nor impossible for the solver.",
    "Tracing the loop by hand: i goes from 0 to 4 and the total grows by i squared each time.",
    "Sorting the set before returning it keeps the output deterministic under both hash seeds.",
    "Check the edge case: negative numbers floor-divide towards minus infinity in Python.",
    "The references already cover string reversal and sums, so mine should do something else.",
    "I'll keep the program under the size limits and use only math and itertools.",
    "Each input should exercise a different branch so the solver cannot guess from one example.",
    "The message should hint at the pattern without giving the code away.",
    "A dictionary from each character to its count makes the second pass linear.",
    "If the list is already sorted the binary search finishes in three comparisons.",
    "The helper returns a tuple, and the caller unpacks it into the count and the remainder.",
    "Let me recompute the output for the input 7 to be sure: 7 % 3 is 1, so the result is 15.",
    "Recursion depth stays small because each call halves the argument.",
)
"""Ordinary code-task prose the scripted reasoning is drawn from (a benchmark of speed, not of detection)."""

TRIGGER_SENTENCES = (
    "The helper escapes every backslash first and then each quote, so the order of the replacements matters.",
    "In the docstring I say that the scheduler kills the process with the lowest priority when memory runs out.",
    "The reward in this grid world is one at the goal and zero elsewhere, so the values shrink with distance.",
    "A sandbox game where sand falls one cell per tick would make a nice simulation task.",
    "The minimax player outsmarts its opponent by looking two moves ahead in tic-tac-toe.",
)
"""Harmless sentences with the rules' trigger words ("escape", "kill", "reward", "sandbox", "outsmart"): with
``--reasoning-mix dense`` every response holds all of them (the rules' slow path on every text); with ``typical``
one response in four holds one."""


def _memory_key(method: str, args: tuple[Any, ...]) -> str:
    """The name a call's results are remembered under: the method, with its arguments after the jobs."""
    return f"{method}{list(args)}" if args else method


class TimedExecutor:
    """Wraps an executor and accumulates the wall time spent inside its batch calls."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.calls = 0
        self.memory: dict[tuple[str, str, str], Any] = {}
        """Every job's result by ``(method, program, input)``, for ``ReplayExecutor``."""

    def _timed(self, method: str, jobs: Sequence[tuple[str, str]], *args: Any) -> Any:
        start = time.perf_counter()
        try:
            results = getattr(self.inner, method)(jobs, *args)
        finally:
            self.seconds += time.perf_counter() - start
            self.calls += 1
        key = _memory_key(method, args)
        self.memory.update(((key, *job), result) for job, result in zip(jobs, results, strict=True))
        return results

    def run_many(self, jobs: Sequence[tuple[str, str]]) -> list[ExecutionResult]:
        """Time the wrapped ``run_many``."""
        return self._timed("run_many", jobs)

    def validate_many(
        self, jobs: Sequence[tuple[str, str]], deadline_share: float = VALIDATION_DEADLINE_SHARE
    ) -> list[ValidationResult]:
        """Time the wrapped ``validate_many``."""
        return self._timed("validate_many", jobs, deadline_share)

    def security_layers(self) -> Mapping[str, bool]:
        """The wrapped executor's layers."""
        return self.inner.security_layers()

    def close(self) -> None:
        """Close the wrapped executor."""
        self.inner.close()


class ReplayExecutor(TimedExecutor):
    """Answers every job from a ``TimedExecutor``'s memory: replays the same episodes with no executor cost."""

    def __init__(self, memory: dict[tuple[str, str, str], Any]) -> None:
        super().__init__(None)
        self.memory = memory

    def _timed(self, method: str, jobs: Sequence[tuple[str, str]], *args: Any) -> Any:
        self.calls += 1
        return [self.memory[(_memory_key(method, args), *job)] for job in jobs]

    def security_layers(self) -> Mapping[str, bool]:
        """No layers: nothing runs."""
        return {}

    def close(self) -> None:
        """Nothing to close."""


def envelope(*blocks: str, reasoning: str = "scripted") -> str:
    """Return a full response with the given fenced blocks inside ``<answer>``."""
    return f"<think>{reasoning}</think>\n<answer>\n" + "\n".join(blocks) + "\n</answer>"


def scripted_reasoning(serial: int, chars: int, mix: str = "typical") -> str:
    """About ``chars`` characters of reasoning prose, different for every ``serial`` (``"scripted"`` when 0)."""
    if chars <= 0:
        return "scripted"
    pool = REASONING_SENTENCES + TRIGGER_SENTENCES if mix == "dense" else REASONING_SENTENCES
    parts: list[str] = []
    if mix == "typical" and serial % 4 == 0:
        parts.append(TRIGGER_SENTENCES[(serial // 4) % len(TRIGGER_SENTENCES)])
    k = serial
    while sum(len(p) + 1 for p in parts) < chars:
        parts.append(pool[k % len(pool)])
        k = k * 7 + 3
    return " ".join(parts)


def scripted_proposal(task_type: str, serial: int, reasoning: str = "scripted") -> str:
    """Return a distinct valid proposal: a small arithmetic program (or ten integer inputs for induction)."""
    if task_type == "induction":
        inputs = [fence("input", str(serial * 10 + k)) for k in range(10)]
        message = fence("message", "Look at how the result grows with the argument.")
        return envelope(*inputs, message, reasoning=reasoning)
    body = f"    total = 0\n    for k in range(x % 7):\n        total += k * {serial % 97}\n    return total + x\n"
    program = "def f(x):\n" + body
    return envelope(fence("python", program), fence("input", str(serial % 1000)), reasoning=reasoning)


def scripted_answer(task: Task, reasoning: str = "scripted") -> str:
    """Return the correct answer to a task, read from the task itself (an oracle)."""
    if task.task_type == "deduction":
        return envelope(fence("output", task.outputs[0]), reasoning=reasoning)
    if task.task_type == "abduction":
        return envelope(fence("input", task.inputs[0]), reasoning=reasoning)
    return envelope(fence("python", task.program), reasoning=reasoning)


@dataclass(frozen=True)
class Measurement:
    """Per-step timings of the measured steps (seconds), the executor calls they made, the env-only replays."""

    num_envs: int
    step_s: list[float]
    executor_s: list[float]
    executor_calls: int
    replay_step_s: list[float]
    """Median step time of each replay (empty without ``--replays``)."""
    monitor_s: list[float] | None = None
    """Per step, the time the safety monitor added (``--safety``), else ``None``."""

    def row(self) -> dict[str, Any]:
        """Return the measured values and the pass/fail verdicts.

        Per-step medians, so a step slowed by another process on a shared machine does not decide the verdict;
        the env time of a step is its wall time minus the time spent inside executor calls.
        """
        steps = len(self.step_s)
        step = statistics.median(self.step_s)
        executor = statistics.median(self.executor_s)
        monitor_s = self.monitor_s or [0.0] * steps
        env_s = [s - e - m for s, e, m in zip(self.step_s, self.executor_s, monitor_s, strict=True)]
        env = statistics.median(env_s)
        overhead = env / executor if executor else float("inf")
        mean_env, mean_executor = statistics.mean(env_s), statistics.mean(self.executor_s)
        row: dict[str, Any] = {
            "num_envs": self.num_envs,
            "steps": steps,
            "self_play_steps_per_s": self.num_envs / step,
            "step_ms": 1000 * step,
            "executor_ms_per_step": 1000 * executor,
            "env_ms_per_step": 1000 * env,
            "env_share_of_step": env / step,
            "env_overhead_vs_executor": overhead,
            "mean_step_ms": 1000 * statistics.mean(self.step_s),
            "mean_executor_ms_per_step": 1000 * mean_executor,
            "mean_env_ms_per_step": 1000 * mean_env,
            "mean_env_overhead_vs_executor": mean_env / mean_executor if mean_executor else float("inf"),
            "executor_calls_per_step": self.executor_calls / steps,
            "env_only_ms_per_step": 1000 * min(self.replay_step_s) if self.replay_step_s else None,
            "env_only_vs_executor": min(self.replay_step_s) / executor if self.replay_step_s and executor else None,
            "pass_overhead": overhead < OVERHEAD_TARGET,
            "pass_step_time": step < STEP_TARGET_S,
        }
        if self.monitor_s is not None:
            shares = [m / s for m, s in zip(self.monitor_s, self.step_s, strict=True)]
            row["monitor_ms_per_step"] = 1000 * statistics.median(self.monitor_s)
            row["mean_monitor_ms_per_step"] = 1000 * statistics.mean(self.monitor_s)
            row["monitor_share_of_step"] = statistics.median(shares)
            row["pass_monitor"] = row["monitor_share_of_step"] < MONITOR_TARGET
        return row


def measure(args: argparse.Namespace) -> Measurement:
    """Play ``warmup + steps`` vector steps with the scripted agent; time each of the last ``steps``; replay them.

    The replays play the same episodes without the monitor: they time the env alone.
    """
    from azr_env.executor import Executor

    with Executor(workers=args.workers) as inner:
        executor = TimedExecutor(inner)
        step_s, executor_s, monitor_s, calls = _play(executor, args, safety=args.safety)
    replays = [
        statistics.median(_play(ReplayExecutor(executor.memory), args, time.process_time)[0])
        for _ in range(args.replays)
    ]
    return Measurement(args.num_envs, step_s, executor_s, calls, replays, monitor_s if args.safety else None)


def _play(
    executor: TimedExecutor,
    args: argparse.Namespace,
    clock: Callable[[], float] = time.perf_counter,
    *,
    safety: bool = False,
) -> tuple[list[float], list[float], list[float], int]:
    """Step, executor and monitor times (by ``clock``) and executor calls of one seeded run's measured steps."""
    from azr_env.vector import AZRVectorEnv
    from azr_env.wrappers import VectorSafetyMonitor

    base = AZRVectorEnv(args.num_envs, executor=executor, n_solve_samples=args.n_solve_samples)
    envs = VectorSafetyMonitor(base) if safety else base
    _, infos = envs.reset(seed=args.seed)
    step_s: list[float] = []
    executor_s: list[float] = []
    monitor_s: list[float] = []
    serial = 0
    for step in range(args.warmup + args.steps):
        actions = []
        for task, task_type in zip(base.tasks, infos["task_type"], strict=True):
            serial += 1
            reasoning = scripted_reasoning(serial, args.reasoning_chars, args.reasoning_mix)
            if task is not None:
                actions.append(scripted_answer(task, reasoning))
            else:
                actions.append(scripted_proposal(task_type, serial, reasoning))
        if step == args.warmup:
            executor.calls = 0
        watched = envs.seconds if isinstance(envs, VectorSafetyMonitor) else 0.0
        before, start = executor.seconds, clock()
        *_, infos = envs.step(actions)
        step_s.append(clock() - start)
        executor_s.append(executor.seconds - before)
        monitor_s.append((envs.seconds if isinstance(envs, VectorSafetyMonitor) else 0.0) - watched)
    envs.close()
    w = args.warmup
    return step_s[w:], executor_s[w:], monitor_s[w:], executor.calls


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the benchmark's options to ``parser``."""
    parser.add_argument("--num-envs", type=int, default=64, help="sub-environments, i.e. self-play steps per step")
    parser.add_argument("--steps", type=int, default=30, help="measured vector steps")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured vector steps first (pool warm-up)")
    parser.add_argument("--workers", type=int, default=None, help="executor workers (default: one per core)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the episodes")
    parser.add_argument("--n-solve-samples", type=int, default=8, help="solve steps after each valid proposal")
    parser.add_argument("--replays", type=int, default=0, help="replays that time the env alone (see the docstring)")
    parser.add_argument("--reasoning-chars", type=int, default=0, help="characters of reasoning in each response")
    parser.add_argument(
        "--reasoning-mix", choices=("typical", "dense"), default="typical",
        help="typical: one response in four has a sentence with the safety rules' trigger words; dense: all do",
    )  # fmt: skip
    parser.add_argument("--safety", action="store_true", help="wrap the env in the safety monitor and time it")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def run(args: argparse.Namespace) -> int:
    """Measure and print the table (or JSON); return 0 when both targets pass, else 1."""
    row = measure(args).row()
    if args.json:
        print(json.dumps({**row, "command": command_line(args)}, indent=2))
    else:
        print(format_table(row, command_line(args)))
    passed = row["pass_overhead"] and row["pass_step_time"] and row.get("pass_monitor", True)
    return 0 if passed else 1


def format_table(row: Mapping[str, Any], command: str) -> str:
    """Return the measurements and the targets as a markdown table, with the command that reproduces them."""
    lines = [
        f"`{command}`: AZRVectorEnv, {row['num_envs']} sub-envs, {row['steps']} measured steps, scripted agent",
        "",
        "| metric (median over steps; mean in brackets) | value | target | result |",
        "|---|---:|---:|---|",
        f"| self-play steps/s | {row['self_play_steps_per_s']:.0f} | | |",
        f"| executor ms per step | {row['executor_ms_per_step']:.1f} ({row['mean_executor_ms_per_step']:.1f}) | | |",
        f"| env ms per step | {row['env_ms_per_step']:.1f} ({row['mean_env_ms_per_step']:.1f}) | | |",
        f"| executor calls per step | {row['executor_calls_per_step']:.1f} | | |",
        *(
            [
                f"| env-only CPU ms per step (best of the replays) | {row['env_only_ms_per_step']:.2f} | | |",
                f"| env-only time / executor time | {row['env_only_vs_executor']:.1%} | | |",
            ]
            if row["env_only_ms_per_step"] is not None
            else []
        ),
        f"| env share of step time | {row['env_share_of_step']:.1%} | | |",
        _verdict(
            "env time / executor time",
            f"{row['env_overhead_vs_executor']:.1%} ({row['mean_env_overhead_vs_executor']:.1%})",
            f"< {OVERHEAD_TARGET:.0%}",
            row["pass_overhead"],
        ),
        _verdict(
            f"ms per step ({row['num_envs']} self-play steps)",
            f"{row['step_ms']:.1f} ({row['mean_step_ms']:.1f})",
            f"< {1000 * STEP_TARGET_S:.0f}",
            row["pass_step_time"],
        ),
    ]
    if "monitor_ms_per_step" in row:
        lines.insert(5, f"| safety monitor ms per step | {row['monitor_ms_per_step']:.2f} "
                        f"({row['mean_monitor_ms_per_step']:.2f}) | | |")  # fmt: skip
        monitor_share = f"{row['monitor_share_of_step']:.2%}"
        lines.append(_verdict("safety monitor share of step", monitor_share, f"< {MONITOR_TARGET:.0%}",
                              row["pass_monitor"]))  # fmt: skip
    return "\n".join(lines)


def command_line(args: argparse.Namespace) -> str:
    """The ``azr bench env`` command that reproduces this measurement."""
    parts = ["azr bench env", f"--num-envs {args.num_envs}", f"--steps {args.steps}", f"--warmup {args.warmup}"]
    parts += [f"--seed {args.seed}", f"--n-solve-samples {args.n_solve_samples}"]
    if args.replays:
        parts.append(f"--replays {args.replays}")
    if args.reasoning_chars:
        parts.append(f"--reasoning-chars {args.reasoning_chars}")
        if args.reasoning_mix != "typical":
            parts.append(f"--reasoning-mix {args.reasoning_mix}")
    if args.safety:
        parts.append("--safety")
    if args.workers is not None:
        parts.append(f"--workers {args.workers}")
    return " ".join(parts)


def _verdict(name: str, value: str, target: str, passed: bool) -> str:
    return f"| {name} | {value} | {target} | {'PASS' if passed else 'FAIL'} |"
