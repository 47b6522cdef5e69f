"""``python -m agents.llm.train`` / ``azr train``: run or resume self-play training from a config.

Examples::

    azr train --model tiny-random --steps 2 --batch-size 2 --max-new-tokens 32 --run-dir runs/tiny
    azr train --config my.yaml --seed 3
    azr train --resume runs/tiny --steps 4      # continue exactly where the run's last checkpoint left off

The flags are generated from ``TrainConfig`` and its ``EnvConfig`` with ``tyro`` (``azr train --help`` shows every
field's docstring). Flag names are flat (``--task-types``, ``--n-solve-samples``, ``--format-penalty``), underscores
work as well as dashes, and the forms of earlier versions keep working: comma-separated lists
(``--task-types deduction,induction``), lower-case booleans (``--tensorboard false``), ``--exec-timeout-s``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from agents.llm.config import LEGACY_KEYS, TrainConfig, check_keys, field_type, from_mapping, load_yaml
from agents.llm.metrics import read_metrics
from azr_env.errors import AzrError, ConfigError, MissingDependencyError

COMMAND_KEYS = ("resume", "config")
"""Flags of the command itself (not ``TrainConfig`` keys)."""
BOOL_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")
CommandT = TypeVar("CommandT")


@dataclass(frozen=True)
class TrainCommand:
    """Run or resume self-play training."""

    train: TrainConfig
    """The run's settings."""
    resume: str | None = None
    """Continue this run directory from its latest checkpoint (its saved config; flags still override)."""
    config: str | None = None
    """YAML file of config keys (flat, as the flags name them), applied before the flags."""


def parse_command(argv: Sequence[str], prog: str = "azr train") -> TrainCommand:
    """Parse ``azr train`` arguments: ``--resume`` and ``--config`` first, then every flag on top of them."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument("--resume", default=None)
    pre.add_argument("--config", default=None)
    known, _ = pre.parse_known_args(list(argv))
    base = base_config(known.resume, known.config)
    return cli(TrainCommand(base, known.resume, known.config), argv, prog, __doc__ or "")


def cli(default: CommandT, argv: Sequence[str], prog: str, description: str) -> CommandT:
    """Parse ``argv`` with tyro into a command dataclass like ``default``, whose values are the defaults.

    The dataclass holds a ``TrainConfig`` field ``train`` (flat flag names) and the command's own fields.
    """
    try:
        import tyro
    except ImportError:
        raise MissingDependencyError("tyro", "agents", f"the {prog} command line") from None
    markers = (tyro.conf.OmitArgPrefixes, tyro.conf.FlagConversionOff, tyro.conf.EnumChoicesFromValues)
    own = tuple(f.name for f in dataclasses.fields(default) if f.name != "train")  # type: ignore[arg-type]
    return tyro.cli(
        type(default), args=normalize_args(argv, own), default=default, prog=prog, description=description,
        config=markers,
    )  # fmt: skip


def base_config(resume: str | None, config_file: str | None) -> TrainConfig:
    """The saved config when resuming (with its run directory), else the defaults; then the YAML file's keys."""
    config = TrainConfig()
    if resume is not None:
        from agents.llm.session import saved_config

        config = dataclasses.replace(saved_config(resume), run_dir=str(resume))
    if config_file is not None:
        config = from_mapping(load_yaml(config_file), config, source=str(config_file))
    return config


def normalize_args(argv: Sequence[str], command_keys: Sequence[str] = COMMAND_KEYS) -> list[str]:
    """Rewrite flags of earlier versions into tyro's forms; refuse unknown flags with a "did you mean".

    ``command_keys`` are the command's own flags (not ``TrainConfig`` keys): passed through as they are.
    """
    out: list[str] = []
    key: str | None = None
    for token in argv:
        if token.startswith("--") and token != "--help":
            name, eq, value = token[2:].partition("=")
            key = LEGACY_KEYS.get(name.replace("-", "_"), name.replace("-", "_"))
            if key not in command_keys:
                check_keys([key], "the command line")
            out.append("--" + key.replace("_", "-"))
            if eq:
                out += [value] if key in command_keys else flag_values(key, value)
        elif key is not None and key not in command_keys:
            out += flag_values(key, token)
        else:
            out.append(token)
    return out


def flag_values(key: str, text: str) -> list[str]:
    """The tokens tyro reads for one value of flag ``key``: lists split on commas, booleans capitalized."""
    hint = field_type(key)
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) is tuple or any(typing.get_origin(a) is tuple for a in args):
        return [part.strip() for part in text.split(",") if part.strip()]
    if text.lower() in ("none", "null"):
        return ["None"]
    if hint is bool:
        return [str(text.lower() in ("true", "1", "yes", "on"))] if text.lower() in BOOL_WORDS else [text]
    return [text]


def check_fresh(config: TrainConfig) -> None:
    """Refuse to start a new run over an existing one (it would mix two runs' metrics)."""
    if read_metrics(Path(config.run_dir) / "metrics.jsonl"):
        raise ConfigError(f"{config.run_dir} already holds a run: pass --resume {config.run_dir} or another --run-dir")


def run(command: TrainCommand) -> int:
    """Train as the parsed command says; print the per-type summary."""
    from agents.llm.session import build_trainer
    from agents.llm.summary import print_summary

    config = command.train
    if command.resume is None:
        check_fresh(config)
    trainer = build_trainer(config, resume=command.resume is not None)
    try:
        trainer.run()
    finally:
        trainer.close()
    print_summary(read_metrics(Path(config.run_dir) / "metrics.jsonl"), config.env.task_types)
    print(f"run directory: {config.run_dir}")
    return 0


def main(argv: Sequence[str] | None = None, prog: str = "python -m agents.llm.train") -> int:
    """Entry point of ``python -m agents.llm.train`` (and of ``azr train``)."""
    try:
        return run(parse_command(sys.argv[1:] if argv is None else argv, prog=prog))
    except AzrError as exc:
        print(f"train: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
