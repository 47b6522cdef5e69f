"""``azr eval`` (an agent on suites and self-play) and ``azr report`` (training runs side by side).

Examples::

    azr eval --agent oracle --suite all --seeds 0 1 2
    azr eval --agent random oracle --suite cruxeval-output cruxeval-input --scoring cruxeval
    azr eval --agent random oracle --suite paper
    azr eval --agent zero-shot --agent-option model=tiny-random --suite humaneval-codegen --limit 20 --samples 10
    azr report runs/trr runs/grpo
"""

from __future__ import annotations

import argparse
import ast
import json
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from azr_env.errors import ConfigError

ALL = "all"
PAPER = "paper"
PAPER_SUITES = ("cruxeval-input", "cruxeval-output", "humaneval-codegen", "gsm8k-sample", "arithmetic-algebra")
"""``--suite paper``: the benchmarks the paper reports that ship here (CRUXEval-I/O in domain; out of domain,
HumanEval code generation, 100 GSM8K test items, and procedural arithmetic and algebra in place of the paper's
MATH500, AIME and the other math benchmarks, which have no offline source)."""
_EVAL_DEFAULTS = {
    "k": 1, "limit": None, "episodes": 48, "n_solve_samples": 8, "batch_size": 32, "workers": None,
    "scoring": "default", "prompt_format": "r1",
}  # fmt: skip
"""Defaults of the ``azr eval`` options, shared by the parser and by the command line it prints back."""


def register(subparsers: Any) -> None:
    """Add the ``eval`` and ``report`` subcommands."""
    _register_eval(subparsers)
    _register_report(subparsers)


def _register_eval(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval", help="evaluate an agent on held-out suites and self-play")
    parser.add_argument("--agent", nargs="+", required=True, help="registered agent names (random replay oracle ...)")
    parser.add_argument(
        "--suite",
        nargs="+",
        default=[ALL],
        help="suite names, 'selfplay', 'paper' (the paper's benchmarks we ship), or 'all' (default)",
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="one run per seed (default: 0)")
    parser.add_argument(
        "--samples",
        "--k",
        dest="k",
        metavar="N",
        type=int,
        default=_EVAL_DEFAULTS["k"],
        help="samples n per suite item; when n > 1, pass@k (unbiased estimator) for k in 1, 5, 10, 100 up to n, and n",
    )
    parser.add_argument(
        "--limit", type=int, default=_EVAL_DEFAULTS["limit"], help="evaluate only the first N items of each suite"
    )
    parser.add_argument(
        "--episodes", type=int, default=_EVAL_DEFAULTS["episodes"], help="self-play episodes per seed (default: 48)"
    )
    parser.add_argument(
        "--n-solve-samples",
        type=int,
        default=_EVAL_DEFAULTS["n_solve_samples"],
        help="self-play attempts per proposal (default: 8)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=_EVAL_DEFAULTS["batch_size"],
        help="environments stepped together (default: 32)",
    )
    parser.add_argument("--task-types", nargs="+", default=None, help="self-play task types (default: the env's)")
    parser.add_argument(
        "--scoring",
        default=_EVAL_DEFAULTS["scoring"],
        help="suite scoring: 'default' (answers are data, type-strict) or 'cruxeval' (CRUXEval's scorer: expressions, "
        "Python ==; both run in the sandbox)",
    )
    parser.add_argument(
        "--prompt-format",
        choices=("r1", "chat"),
        default=_EVAL_DEFAULTS["prompt_format"],
        help="prompt format of the envs: 'r1' (the paper's, for base models) or 'chat' (instruct models)",
    )
    parser.add_argument("--agent-option", action="append", default=[], metavar="KEY=VALUE", help="agent option")
    parser.add_argument(
        "--workers", type=int, default=_EVAL_DEFAULTS["workers"], help="executor workers (default: one per core)"
    )
    parser.add_argument("--out", default=None, help="output directory (default: runs/eval/AGENT, agents joined by -)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON instead of tables")
    parser.set_defaults(handler=run_eval_command)


def _register_report(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "report",
        help="compare training runs (metrics.jsonl) in a table and a plot",
        description="Compare training runs: one table row per run (last and best value of the metric, the azr train "
        "command that reproduces it) and one plot of the metric against steps (report.png).",
    )
    parser.add_argument("runs", nargs="+", help="run directories written by azr train")
    parser.add_argument("--metric", default=None, help="metric key to compare (default: held-out solve rate)")
    parser.add_argument("--out", default=None, help="where to write report.png (default: the first run's parent)")
    parser.set_defaults(handler=run_report_command)


def parse_value(text: str) -> Any:
    """Read the value of a ``KEY=VALUE`` option.

    A Python literal when it parses as one; a list for ``[a, b]`` of bare words (each item a literal or a string, as
    a shell leaves ``--set task_types=[deduction,abduction]``); else the text itself.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        items = [item.strip() for item in stripped[1:-1].split(",")]
        return [parse_value(item) for item in items if item]
    return text


def parse_options(pairs: Sequence[str]) -> dict[str, Any]:
    """Parse ``KEY=VALUE`` options (``--agent-option``, ``--set``); each value as ``parse_value`` reads it."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"options are KEY=VALUE, got {pair!r}")
        options[key.replace("-", "_")] = parse_value(text)
    return options


def _suites(names: Sequence[str]) -> tuple[str, ...]:
    from azr_env.suites import list_suites
    from benchmarks.harness import SELFPLAY

    if ALL in names:
        return (*list_suites(), SELFPLAY)
    expanded = [suite for name in names for suite in (PAPER_SUITES if name == PAPER else (name,))]
    return tuple(dict.fromkeys(expanded))


def _progress(total: int) -> tuple[Callable[[str], None], Callable[[], None]]:
    try:
        from tqdm import tqdm
    except ImportError:
        return (lambda text: print(text, file=sys.stderr)), (lambda: None)
    bar = tqdm(total=total, file=sys.stderr, unit="run")

    def advance(text: str) -> None:
        bar.set_description(text)
        bar.update(1)

    return advance, bar.close


def eval_command(args: argparse.Namespace) -> str:
    """Return the ``azr eval`` command line equivalent to the parsed arguments (defaults left out)."""
    parts = ["azr eval", "--agent", *args.agent, "--suite", *args.suite, "--seeds", *map(str, args.seeds)]
    for flag in ("k", "limit", "episodes", "n_solve_samples", "batch_size", "workers", "scoring", "prompt_format"):
        value = getattr(args, flag)
        if value != _EVAL_DEFAULTS[flag]:
            parts += ["--samples" if flag == "k" else f"--{flag.replace('_', '-')}", str(value)]
    if args.task_types:
        parts += ["--task-types", *args.task_types]
    for option in args.agent_option:
        parts += ["--agent-option", option]
    if args.out:
        parts += ["--out", args.out]
    return shlex.join(parts).replace("'azr eval'", "azr eval")


def _eval_config(args: argparse.Namespace, agent: str) -> Any:
    from benchmarks.harness import EvalConfig

    return EvalConfig(
        agent=agent,
        suites=_suites(args.suite),
        seeds=tuple(args.seeds),
        k=args.k,
        limit=args.limit,
        episodes=args.episodes,
        n_solve_samples=args.n_solve_samples,
        batch_size=args.batch_size,
        task_types=tuple(args.task_types) if args.task_types else None,
        agent_options=parse_options(args.agent_option),
        scoring=args.scoring,
        prompt_format=args.prompt_format,
    )


def run_eval_command(args: argparse.Namespace) -> int:
    """Run ``azr eval``: rows to JSONL, summaries to JSON, tables to stdout, plot to PNG."""
    from azr_env.executor import Executor
    from benchmarks.evaluate import markdown_table, plot_solve_rates, plot_valid_proposals, summarize
    from benchmarks.harness import run_eval

    configs = [_eval_config(args, agent) for agent in args.agent]
    out = Path(args.out or f"runs/eval/{'-'.join(args.agent)}")
    out.mkdir(parents=True, exist_ok=True)
    advance, finish = _progress(sum(len(c.suites) * len(c.seeds) for c in configs))
    with Executor(workers=args.workers) as executor:
        rows = [run_eval(config, executor, progress=advance) for config in configs]
    finish()
    summaries = [summarize(found) for found in rows]
    command = eval_command(args)
    summary = {"command": command, "scoring": args.scoring, "summaries": summaries}
    _write_eval(out, [row for found in rows for row in found], summary)
    plots = [
        plot_solve_rates(summaries, out / "solve_rate.png"),
        plot_valid_proposals(summaries, out / "proposals.png"),
    ]
    if args.json:
        print(json.dumps(summary, indent=1, sort_keys=True))
    else:
        print(f"scoring: {args.scoring}\n{markdown_table(summaries)}")
        written = ", ".join(["rows.jsonl", "summary.json", *(p.name for p in plots if p is not None)])
        print(f"\n{command}\nwrote {written} in {out}")
    return 0


def _write_eval(out: Path, rows: Sequence[dict[str, Any]], summary: dict[str, Any]) -> None:
    with (out / "rows.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, sort_keys=True) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=1, sort_keys=True))


def run_report_command(args: argparse.Namespace) -> int:
    """Run ``azr report``: one table (stdout) and one plot (report.png) over the given runs."""
    from benchmarks.report import load_run, metric_keys, plot_runs, report_table

    runs = [load_run(path) for path in args.runs]
    keys = metric_keys(runs, args.metric)
    if not keys:
        raise ConfigError("the runs logged no solve-rate metric; name one with --metric KEY")
    print(report_table(runs, keys))
    out = Path(args.out) if args.out else runs[0].path.parent
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nwrote {plot_runs(runs, keys, out / 'report.png')}")
    return 0
