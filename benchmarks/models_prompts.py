"""``azr bench prompts``: how many tokens the env's prompts take, and what a compact wording would save.

The env's prompts are the task types' own (``azr_env/tasks``); this benchmark does not change them. It renders the
proposer and solver prompt of every task type exactly as ``azr bench models`` does (seeded zero buffer, chat
format through each model's tokenizer, and R1 text), counts their tokens, and counts them again with the
shared rule fragments (``azr_env.tasks.prompts.SHARED_FRAGMENTS``) replaced by the compact wording below, which
states every rule the sandbox enforces (the same module allow-list and caps, filled from the executor's limits).
The saving in a training step's update follows from the measured update seconds per token of
``azr bench models`` when its timings are in ``--models-out``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from azr_env.executor.canonical import MAX_DEPTH
from azr_env.executor.limits import ALLOWED_MODULES, MAX_INPUT_CHARS, MAX_PROGRAM_CHARS
from azr_env.tasks.prompts import SHARED_FRAGMENTS, fill

_COMPACT_DATA_RULE = fill(
    "Values are data: literals (numbers, quoted strings, bytes, True, False, None; lists, tuples, dicts and sets of "
    "them, at most {max_depth} deep), set(), frozenset(<literal>), float('nan'), float('inf'), float('-inf'); "
    "nothing computed (no arithmetic, names, other calls or comprehensions; a minus sign on a number is fine).",
    max_depth=str(MAX_DEPTH),
)

COMPACT_FRAGMENTS = {
    "code_rules": fill(
        "Program rules: a top-level `def f` (any arguments, none included) that returns a value (helpers, classes and "
        "imports above it); deterministic under any hash seed (no randomness, clock, files, network, printing or "
        "changing module state); returns only None, bool, int, float, str, bytes, list, tuple, dict, set, frozenset "
        "(nested); imports only {modules}; no `match`, `nonlocal`, `async` or names starting with `_` (special "
        "methods, `_` and `__` are fine); ASCII names; well under a second; at most {max_program_chars} characters.",
        modules=", ".join(name for name in ALLOWED_MODULES if not name.startswith("_")),
        max_program_chars=str(MAX_PROGRAM_CHARS),
    ),
    "input_rules": fill(
        "Input rules: exactly what goes between the parentheses of `f(...)`: comma-separated values, then keyword "
        "arguments as name=value, e.g. `[4, 1, 3], 'key'` or `[4, 1], reverse=True`; empty when `f` takes none. "
        "{data_rule} At most {max_input_chars} characters.",
        max_input_chars=str(MAX_INPUT_CHARS),
        data_rule=_COMPACT_DATA_RULE,
    ),
    "data_rule": _COMPACT_DATA_RULE,
    "proposal_format": "Reply <answer>\n```python\ndef f(...): ...\n```\n```input\n...\n```\n</answer>",
}
"""Compact wordings of ``SHARED_FRAGMENTS``: every rule kept, the explanations dropped."""


def compact(text: str) -> str:
    """``text`` with every shared fragment replaced by its compact wording."""
    for name, fragment in SHARED_FRAGMENTS.items():
        text = text.replace(fragment, COMPACT_FRAGMENTS[name])
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Benchmark flags."""
    parser.add_argument("--models", nargs="+", default=["smollm2-135m", "qwen2.5-coder-0.5b"], help="tokenizers")
    parser.add_argument("--models-out", default="runs/bench-models", help="azr bench models output (update timing)")


def run(args: argparse.Namespace) -> int:
    """Print the token table."""
    from agents.llm.models import load_tokenizer

    prompts = env_prompts()
    rows = [row for name in args.models for row in measure(name, load_tokenizer(name), prompts, Path(args.models_out))]
    print(format_rows(rows))
    return 0


def env_prompts() -> list[tuple[str, str, Any]]:
    """``(task type, role, Prompt)`` for the proposer and the solver of every task type (seeded zero buffer)."""
    from azr_env.buffer import TaskBuffer
    from azr_env.executor import Executor
    from azr_env.tasks import get_task_type

    kinds = [get_task_type(t) for t in ("deduction", "abduction", "induction")]
    with Executor(workers=1) as executor:
        buffer = TaskBuffer.seeded(kinds, executor)
    rng = np.random.default_rng(0)
    out = []
    for kind in kinds:
        out.append((kind.name, "propose", kind.proposer_prompt(kind.make_context(buffer.views(), 6, rng))))
        out.append((kind.name, "solve", kind.solver_prompt(buffer.tasks(kind.name)[0])))
    return out


def measure(name: str, tokenizer: Any, prompts: Sequence[tuple[str, str, Any]], models_out: Path) -> list[dict]:
    """Token counts of each prompt in chat and R1 format, now and compact."""
    from agents.llm.prompting import format_observation
    from azr_env.episode import observe

    rows = []
    for prompt_format in ("chat", "r1"):
        per_token = _update_seconds_per_token(models_out, name, prompt_format)
        for task_type, role, prompt in prompts:
            system = prompt.system if prompt_format == "chat" else None
            text = format_observation(tokenizer, observe(prompt, prompt_format), system_prompt=system)
            now, short = (len(tokenizer(t)["input_ids"]) for t in (text, compact(text)))
            saved_s = None if per_token is None else (now - short) * per_token
            rows.append({"model": name, "format": prompt_format, "task_type": task_type, "role": role,
                         "tokens": now, "compact": short, "update_s_saved": saved_s})  # fmt: skip
    return rows


def _update_seconds_per_token(out: Path, model: str, prompt_format: str) -> float | None:
    path = out / f"{model}.{prompt_format}.update.json"
    if not path.exists():
        return None
    timing = json.loads(path.read_text())
    return float(timing["seconds"]) / float(timing["tokens"])


def format_rows(rows: Sequence[dict]) -> str:
    """A markdown table."""
    lines = [
        "| model | format | type | role | prompt tokens | compact | saved | update s saved per response |",
        "|---|---|---|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        saved = "-" if r["update_s_saved"] is None else f"{r['update_s_saved']:.2f}"
        lines.append(
            f"| {r['model']} | {r['format']} | {r['task_type']} | {r['role']} | {r['tokens']} | {r['compact']} | "
            f"{1 - r['compact'] / r['tokens']:.0%} | {saved} |"
        )
    return "\n".join(lines)
