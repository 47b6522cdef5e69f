"""``azr check [NAME|package.module:ClassName ...]``: run the conformance kit on task types (all when none given)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="run the task-type conformance kit",
        description="Check that task types keep the task-type contract, with the real sandboxed executor.",
    )
    parser.add_argument(
        "task_types", nargs="*", metavar="NAME", help="registered names or package.module:ClassName (default: all)"
    )
    parser.add_argument("--timeout", type=float, default=2.0, help="executor timeout per run, in seconds")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check each requested type and print a report; return 1 if any check failed."""
    from azr_env.executor import Executor
    from azr_env.tasks import list_task_types, resolve_task_type
    from azr_env.testing import check_task_type

    specs = list(args.task_types) or list_task_types()
    types = [resolve_task_type(spec) for spec in specs]
    failed = 0
    with Executor(timeout_s=args.timeout) as executor:
        for spec, task_type in zip(specs, types, strict=True):
            report = check_task_type(task_type, executor)
            status = "ok" if report.passed else "FAILED"
            print(f"{spec}: {status} ({len(report.checks)} checks: {', '.join(report.checks)})")
            for failure in report.failures:
                print(f"  - {failure}")
            failed += not report.passed
    return 1 if failed else 0
