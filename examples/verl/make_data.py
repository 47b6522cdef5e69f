"""Write the parquet files the verl configs read: self-play slots (train) and a held-out suite (validation).

Usage: ``python examples/verl/make_data.py --out data/azr --repeats 500``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from azr_env.integrations.verl.dataset import selfplay_records, suite_records, write_parquet


def main(argv: Sequence[str] | None = None) -> int:
    """Write ``selfplay.parquet`` and one parquet per validation suite under ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="data/azr")
    parser.add_argument("--task-types", nargs="+", default=["deduction", "abduction", "induction"])
    parser.add_argument("--repeats", type=int, default=500, help="rows per (role, type) slot")
    parser.add_argument("--val-suites", nargs="+", default=["humaneval-deduction@1", "codeio-abduction@1"])
    args = parser.parse_args(argv)
    print(write_parquet(selfplay_records(args.task_types, args.repeats), f"{args.out}/selfplay.parquet"))
    for suite in args.val_suites:
        print(write_parquet(suite_records(suite), f"{args.out}/{suite.replace('@', '-v')}.parquet"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
