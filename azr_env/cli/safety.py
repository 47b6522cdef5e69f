"""``azr safety RUN_DIR``: the safety monitor's report on a run (tables, excerpts, a PNG of rates)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``azr safety``."""
    parser = subparsers.add_parser(
        "safety", help="report what the safety monitor flagged in a run", description=__doc__
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a run directory (holds safety.jsonl)")
    parser.add_argument("--top", type=int, default=3, help="excerpts shown per category (default: 3)")
    parser.add_argument("--bins", type=int, default=10, help="rows of the by-step table (default: 10)")
    parser.add_argument("--out", default=None, help="where safety.png goes (default: RUN_DIR/plots)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the report and write the plot."""
    from azr_env.safety.report import format_report, load_safety_run, plot_rates

    run = load_safety_run(args.run_dir)
    print(format_report(run, top=args.top, bins=args.bins))
    out = Path(args.out) if args.out else run.path / "plots"
    written = plot_rates(run, out / "safety.png")
    if written is not None:
        print(f"\nwrote {written}")
    return 0
