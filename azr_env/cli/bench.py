"""``azr bench executor|env|train|learn|models|prompts``: run one of the benchmarks in ``benchmarks/``.

Each target is a module exposing ``add_arguments(parser)`` and ``run(args) -> int``. A module is imported only when
its target runs (``azr --help`` and ``azr bench --help`` stay fast and work when one is missing), and a missing
module gives a clear error instead of a traceback. ``azr bench TARGET --help`` shows the target's own options.
"""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType
from typing import Any

from azr_env.errors import AzrError

TARGETS: dict[str, tuple[str, str]] = {
    "executor": ("benchmarks.executor_throughput", "sandboxed executor vs plain exec vs the paper's design"),
    "env": ("benchmarks.env_overhead", "time the env adds on top of the executor"),
    "train": ("benchmarks.train_speed", "training-step speed of the reference agent"),
    "learn": ("benchmarks.learning", "does training improve the policy: first vs last steps, 95% CIs"),
    "models": ("benchmarks.models", "offline models x prompt formats: rates and learning signal per CPU minute"),
    "prompts": ("benchmarks.models_prompts", "prompt tokens per task type and role, and what a compact wording saves"),
}
"""Benchmark target -> (module, one-line summary)."""


class BenchmarkUnavailableError(AzrError, ImportError):
    """A benchmark module is not available (not installed, or not written yet)."""


def load(target: str) -> ModuleType:
    """Import the module of ``target``; raise ``BenchmarkUnavailableError`` naming it when it is missing."""
    module_name = TARGETS[target][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not module_name.startswith(exc.name):
            raise  # the module exists but one of its own imports is missing: let that error speak
        raise BenchmarkUnavailableError(
            f"the {target!r} benchmark needs the module {module_name}, which is not available here; run it from a "
            "source checkout of azr-env, where benchmarks/ holds it"
        ) from exc
    if not (callable(getattr(module, "add_arguments", None)) and callable(getattr(module, "run", None))):
        raise BenchmarkUnavailableError(f"{module_name} does not expose add_arguments(parser) and run(args)")
    return module


def register(subparsers: Any) -> None:
    """Add ``azr bench``."""
    summary = "; ".join(f"{name}: {text}" for name, (_, text) in TARGETS.items())
    parser = subparsers.add_parser("bench", help="run a benchmark", description=f"Run a benchmark. {summary}.")
    parser.add_argument("target", nargs="?", choices=sorted(TARGETS), help="which benchmark")
    parser.add_argument("options", nargs=argparse.REMAINDER, help="the benchmark's own options (TARGET --help)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Import the chosen benchmark, parse its options, run it, return its exit code."""
    if args.target is None:
        raise BenchmarkUnavailableError(f"name a benchmark: azr bench {{{','.join(sorted(TARGETS))}}} [options]")
    module = load(args.target)
    parser = argparse.ArgumentParser(
        prog=f"azr bench {args.target}",
        description=module.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    module.add_arguments(parser)
    return int(module.run(parser.parse_args(args.options)))
