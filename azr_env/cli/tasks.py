"""``azr tasks list``: the registered task types with their descriptions."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``tasks`` subcommand and its ``list`` action."""
    parser = subparsers.add_parser("tasks", help="inspect task types", description="Inspect the task-type registry.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the registered task types")
    listing.set_defaults(handler=list_types)


def list_types(args: argparse.Namespace) -> int:
    """Print one line per registered task type: name and description; self-play types first, then solve-only."""
    from azr_env.tasks import get_solve_type, list_task_types

    solve_only = list_task_types(solve_only=True)
    names = list_task_types() + solve_only
    width = max((len(name) for name in names), default=0)
    for name in names:
        note = " (solve-only)" if name in solve_only else ""
        print(f"{name:<{width}}  {get_solve_type(name).description}{note}")
    return 0
