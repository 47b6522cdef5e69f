"""The ``azr`` command line: one subcommand per module, each with a ``register(subparsers)`` function.

Subcommand modules must keep heavy imports (torch, transformers) inside their handlers, so ``azr --help`` stays
fast and works without the optional extras.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from azr_env.errors import AzrError

COMMAND_MODULES: tuple[str, ...] = (
    "benchmarks.cli",
    "azr_env.cli.play",
    "azr_env.cli.tasks",
    "azr_env.cli.check",
    "azr_env.cli.bench",
    "azr_env.cli.safety",
    "agents.llm.cli",
)
"""Modules that define subcommands, in ``azr --help`` order. Each exposes ``register(subparsers) -> None``; the
parser it adds sets ``handler`` (a callable taking the parsed namespace and returning an exit code)."""


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="azr",
        description="Absolute Zero self-play environment and agents.",
        epilog="azr COMMAND --help shows a command's options.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``azr`` command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except AzrError as exc:
        print(f"azr {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"azr {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
