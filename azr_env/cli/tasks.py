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
    """Print one line per registered task type: name and description."""
    from azr_env.tasks import get_task_type, list_task_types

    names = list_task_types()
    width = max((len(name) for name in names), default=0)
    for name in names:
        print(f"{name:<{width}}  {get_task_type(name).description}")
    return 0
