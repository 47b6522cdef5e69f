"""``python -m agents.llm.train`` / ``azr train``: run or resume self-play training from a config.

Examples::

    azr train --model tiny-random --steps 2 --batch-size 2 --max-new-tokens 32 --run-dir runs/tiny
    azr train --config my.yaml --seed 3
    azr train --resume runs/tiny --steps 4      # continue exactly where the run's last checkpoint left off
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

from agents.llm.config import TrainConfig, add_config_arguments, config_from_args, reject_unknown_flags
from agents.llm.metrics import read_metrics
from azr_env.errors import AzrError, ConfigError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--resume RUN_DIR``, ``--config FILE`` and one flag per ``TrainConfig`` field."""
    parser.add_argument("--resume", metavar="RUN_DIR", default=None, help="continue a run from its latest checkpoint")
    add_config_arguments(parser)


def config_for(args: argparse.Namespace) -> TrainConfig:
    """The run's config: the saved one when resuming (flags still override, e.g. ``--steps``), else a new one."""
    if args.resume is None:
        return config_from_args(args)
    from agents.llm.session import saved_config

    base = saved_config(args.resume)
    return config_from_args(args, dataclasses.replace(base, run_dir=str(args.resume)))


def check_fresh(config: TrainConfig) -> None:
    """Refuse to start a new run over an existing one (it would mix two runs' metrics)."""
    if read_metrics(Path(config.run_dir) / "metrics.jsonl"):
        raise ConfigError(f"{config.run_dir} already holds a run: pass --resume {config.run_dir} or another --run-dir")


def run(args: argparse.Namespace) -> int:
    """Train as the parsed arguments say; print the per-type summary."""
    from agents.llm.session import build_trainer
    from agents.llm.summary import print_summary

    config = config_for(args)
    if args.resume is None:
        check_fresh(config)
    trainer = build_trainer(config, resume=args.resume is not None)
    try:
        trainer.run()
    finally:
        trainer.close()
    print_summary(read_metrics(Path(config.run_dir) / "metrics.jsonl"), config.task_types)
    print(f"run directory: {config.run_dir}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m agents.llm.train``."""
    parser = argparse.ArgumentParser(prog="python -m agents.llm.train", description=__doc__.splitlines()[0])
    add_arguments(parser)
    args, extra = parser.parse_known_args(argv)
    try:
        reject_unknown_flags(extra)
        return run(args)
    except AzrError as exc:
        print(f"train: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
