"""``azr bench learn``: does self-play training improve the policy? A fixed-budget experiment with 95% intervals.

For each algorithm (``--algo``, default ``trr++``) and each seed (``--seeds``, at least 2), train the model from
scratch for ``--steps`` steps with the same settings (``CPU_BUDGET``, sized for a 2-core CPU, overridable with
``--set KEY=VALUE``, any ``azr train`` key), evaluating the held-out suites before the first step and after the last.
Then compare the first ``--window`` steps with the last ones: well-formed rate of every episode's response,
valid-proposal, learnable-proposal (valid, solved by some but not all attempts), new-program and repeated-task rates,
self-play solve accuracy (answers to buffer tasks), learnability reward of the valid proposals, and held-out
accuracy at step 0 against the end (also paired, item by item). Intervals are 95% bootstraps over episodes
(held-out: over items), resampled within each seed (``benchmarks.stats.stratified_interval``). Writes
``learning.md``, ``learning.json`` and ``learning.png`` to ``--out``; each run's directory (``OUT/ALGO/seed_S``) is
an ordinary ``azr train`` run.

``--resume`` continues a stopped experiment: finished runs are kept, a run with a checkpoint continues from it
(bit for bit, as ``azr train --resume`` does), a run without one starts over.

Fairness across algorithms: every algorithm trains on the same seeds with the same settings, ``group_size`` included.
How each built-in estimator groups responses (``GROUPING``) is printed with the table: estimators that group by
prompt (``grpo``, ``rloo``) need ``group_size > 1`` so that proposals share a proposer prompt; otherwise each
proposal is a group of one and gets advantage 0.

Example::

    azr bench learn --seeds 0 1 --steps 60 --out runs/learn
    azr bench learn --algo trr++ grpo rloo reinforce++ --seeds 0 1 --steps 20 --out runs/learn-algos
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from azr_env.errors import ConfigError
from benchmarks.cli import parse_options

CPU_BUDGET: dict[str, Any] = {
    "prompt_format": "chat",
    "task_types": ("deduction", "abduction"),
    "batch_size": 4,
    "group_size": 2,
    "n_solve_samples": 4,
    "k_references": 1,
    "max_new_tokens": 320,
    "lora_rank": 16,
    "learning_rate": 1e-4,
    "entropy_coef": 0.01,
    "update_autocast": "bfloat16",
    "rollout_dtype": "bfloat16",
    "micro_batch_size": 1,
    "gradient_checkpointing": False,
    "eval_suites": ("humaneval-deduction", "cruxeval-output"),
    "eval_limit": 32,
    "checkpoint_every": 5,
    "progress": False,
}
"""Settings sized for a 2-core CPU (``azr train`` keeps the paper's defaults); ``--set KEY=VALUE`` overrides any. They
are the settings of run 6, the first whose self-play rates rose clearly pooled over two seeds (README, "Results"): four
episodes per (task type, role), since at two (run 5) a group of equal rewards, advantage 0, was common and one seed of
two did not move; otherwise the settings of the third measured run (benchmarks/results/HISTORY.md, "Run 3"; the second
used 192 new tokens: 31 of one seed's 58 format errors were responses cut at that limit, and its proposer stopped
producing valid tasks): the 0.5B model's valid proposals come in deduction and abduction (rarely induction); a LoRA
adapter of rank 16 (LoRA wants about ten times the learning rate of a full update) at learning rate 1e-4 with an entropy
bonus of 0.01, because the first measured run (2e-4 and the paper's 0.001) collapsed one seed's policy within four steps
(token entropy 0.79 -> 0.06, then identical responses, equal rewards and zero advantages); the update under bfloat16
autocast and rollouts from a bfloat16 copy (each about twice as fast on this CPU; the loss stays float32); one sequence
per backward pass. A step takes about four minutes on two cores, a held-out evaluation (32 items of each suite, greedy)
about three."""

GROUPING = {
    "trr++": "by (task type, role): six baselines, whitened (the paper)",
    "grpo": "by prompt: proposals sharing a proposer prompt (group_size), answers to one task (the n attempts at a "
    "proposal; a group of solve episodes); whitened",
    "rloo": "by prompt, as grpo; leave-one-out mean baseline, not whitened",
    "reinforce++": "one global baseline over the whole batch, whitened",
}
"""How each built-in estimator groups the responses of a step (printed with the results)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Benchmark flags."""
    from agents.llm.models import DEFAULT_MODEL

    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"policy (default: {DEFAULT_MODEL})")
    parser.add_argument("--algo", nargs="+", default=["trr++"], help="estimators to compare (default: trr++)")
    parser.add_argument(
        "--seeds", nargs="+", type=int, default=[0, 1], help="one run per seed (at least 2; default: 0 1)"
    )
    parser.add_argument("--steps", type=int, default=60, help="training steps per run (default: 60)")
    parser.add_argument("--window", type=int, default=None, help="steps compared at each end (default: steps // 4)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="any azr train setting")
    parser.add_argument("--out", default="runs/learn", help="output directory (default: runs/learn)")
    parser.add_argument("--resume", action="store_true", help="continue a stopped experiment in --out")
    parser.add_argument("--workers", type=int, default=None, help="executor workers (default: one per core)")


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``TrainConfig`` keys every run of the experiment shares (before its algorithm, seed and directory)."""
    chosen = {**CPU_BUDGET, "model": args.model, "steps": args.steps, "eval_every": args.steps}
    chosen.update(parse_options(args.set))
    return chosen


def run_dir(out: Path, algo: str, seed: int) -> Path:
    """Where one run of the experiment lives."""
    return out / algo.replace(":", "_").replace("/", "_") / f"seed_{seed}"


def train_one(values: dict[str, Any], directory: Path, *, resume: bool, executor: Any) -> None:
    """Train one run to its last step: skip it when done, continue it from its checkpoint when resuming."""
    from agents.llm.checkpoint import latest_checkpoint
    from agents.llm.config import from_mapping
    from agents.llm.metrics import read_metrics
    from agents.llm.session import build_trainer, saved_config

    config = from_mapping({**values, "run_dir": str(directory)})
    logged = read_metrics(directory / "metrics.jsonl")
    if logged and not resume:
        raise ConfigError(f"{directory} already holds a run: pass --resume to continue the experiment")
    if resume and (directory / "config.json").is_file():
        config = saved_config(directory)
        if latest_checkpoint(directory) is not None and int(logged[-1]["step"]) >= config.steps:
            return
    trainer = build_trainer(config, resume=resume, executor=executor)
    try:
        trainer.run()
    finally:
        trainer.close()


def run(args: argparse.Namespace) -> int:
    """Train every (algorithm, seed), then write and print the comparison."""
    from azr_env.executor import Executor
    from benchmarks.learning_report import analyse, plot, table

    if len(args.seeds) < 2 or len(set(args.seeds)) != len(args.seeds):
        raise ConfigError("azr bench learn needs at least 2 distinct seeds: the intervals are stratified by seed")
    out = Path(args.out)
    values = settings(args)
    window = args.window or max(1, args.steps // 4)
    with Executor(workers=args.workers) as executor:
        for algo in args.algo:
            for seed in args.seeds:
                directory = run_dir(out, algo, seed)
                train_one({**values, "algo": algo, "seed": seed}, directory, resume=args.resume, executor=executor)
    result = {
        "command": command_line(args),
        "settings": values,
        "window": window,
        "grouping": {algo: GROUPING.get(algo, "see the estimator's docstring") for algo in args.algo},
        "algorithms": {algo: analyse([run_dir(out, algo, s) for s in args.seeds], window) for algo in args.algo},
    }
    write(out, result)
    print(table(result))
    print(f"\nwrote learning.md, learning.json, {plot(result, out).name} in {out}")
    return 0


def command_line(args: argparse.Namespace) -> str:
    """The ``azr bench learn`` command that reproduces the experiment."""
    parts = ["azr bench learn", "--model", args.model, "--algo", *args.algo, "--seeds", *map(str, args.seeds)]
    parts += ["--steps", str(args.steps), *(["--window", str(args.window)] if args.window else [])]
    parts += [item for pair in args.set for item in ("--set", pair)]
    return " ".join([*parts, "--out", args.out])


def write(out: Path, result: dict[str, Any]) -> None:
    """``learning.json`` (every number) and ``learning.md`` (the table and the command)."""
    from benchmarks.learning_report import table

    out.mkdir(parents=True, exist_ok=True)
    (out / "learning.json").write_text(json.dumps(result, indent=1, sort_keys=True))
    (out / "learning.md").write_text(f"{table(result)}\n\nCommand: `{result['command']}`\n")
