"""``azr train``, ``azr seed``, ``azr plot`` and ``azr demo``. Heavy imports happen inside the handlers."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the four subcommands."""
    from agents.llm import demo

    tyro_command(
        subparsers, "train", "self-play training (TRR++ by default); azr train --help lists every setting", handle_train
    )
    tyro_command(
        subparsers,
        "seed",
        "fill a seed file with tasks the policy proposes without updates (the paper's seeding stage)",
        handle_seed,
    )

    p = subparsers.add_parser("plot", help="PNG charts of a training run")
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run directory written by azr train or azr demo")
    p.add_argument("--out", default=None, help="output directory (default: RUN_DIR/plots)")
    p.set_defaults(handler=handle_plot)

    p = subparsers.add_parser("demo", help="a few self-play steps on the CPU in minutes", description=demo.__doc__)
    demo.add_arguments(p)
    p.set_defaults(handler=handle_demo)


def tyro_command(subparsers: Any, name: str, help_text: str, handler: Any) -> None:
    """Add a subcommand that hands every token to its own tyro parser.

    "+" as the prefix character keeps argparse from reading ``--flags`` (and ``--help``) itself.
    """
    p = subparsers.add_parser(name, help=help_text, add_help=False, prefix_chars="+")
    p.add_argument("options", nargs=argparse.REMAINDER)
    p.set_defaults(handler=handler)


def handle_train(args: argparse.Namespace) -> int:
    """``azr train``."""
    from agents.llm.train import parse_command, run

    return run(parse_command(args.options))


def handle_seed(args: argparse.Namespace) -> int:
    """``azr seed``."""
    from agents.llm.seeding import parse_command, run

    return run(parse_command(args.options))


def handle_plot(args: argparse.Namespace) -> int:
    """``azr plot RUN_DIR``."""
    from agents.llm.plots import plot_run

    for path in plot_run(args.run_dir, args.out):
        print(path)
    return 0


def handle_demo(args: argparse.Namespace) -> int:
    """``azr demo``."""
    from agents.llm.demo import run

    return run(args)
