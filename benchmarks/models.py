"""``azr bench models``: which offline model and prompt format give the most learning signal per CPU minute.

For each model (one loaded at a time) and prompt format, every (task type, role) cell gets ``--per-cell`` episodes
on the env's own prompts over the seeded buffer, sampled in batches at the trainer's temperature; each proposal
that is valid under the most lenient answer rule of the env's parser gets ``--attempts`` solver attempts, as in
training. Every raw response is saved (``OUT/<model>.<format>.<type>.<role>.jsonl``, see
``benchmarks.models_records``), and the time of one training update is measured on saved responses
(``OUT/<model>.<format>.update.json``). Cells and update timings already saved are skipped, so a stopped run
resumes where it was.

Scoring needs no model: ``--score-only`` re-judges the saved responses with the env's own judge under each answer
rule of its parser (``--rules``: ``azr_env.tasks.parsing.AnswerRule``, what ``EnvConfig.answer_rule`` sets) and
response budget (``--budgets``, cut from the saved token ids) and prints, per cell, the rates of well-formed
responses, valid proposals and correct answers and the seconds per response, then the learning signal of
simulated training steps of ``--group-size`` episodes per (type, role): responses with a non-zero TRR++ advantage
per minute of sampling plus update.

Example::

    azr bench models --models smollm2-135m qwen2.5-coder-0.5b --out runs/bench-models
    azr bench models --score-only --rules strict open fences --budgets 384 192 --out runs/bench-models
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from azr_env.tasks.parsing import AnswerRule
from benchmarks.models_records import EPISODE_ROLES, Cell, Record, cell_path, read_records
from benchmarks.models_sample import SampleSettings

MODELS = ("smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
FORMATS = ("r1", "chat")
TASK_TYPES = ("deduction", "abduction", "induction")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Benchmark flags."""
    defaults = SampleSettings()
    parser.add_argument("--models", nargs="+", default=list(MODELS), help="load_policy names, one loaded at a time")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS, help="prompt formats")
    parser.add_argument("--task-types", nargs="+", default=list(TASK_TYPES), help="task types")
    parser.add_argument("--per-cell", type=int, default=defaults.per_cell, help="episodes per (type, role) cell")
    parser.add_argument("--attempts", type=int, default=defaults.attempts, help="solver attempts per valid proposal")
    parser.add_argument("--max-new-tokens", type=int, default=defaults.max_new_tokens, help="response budget")
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size, help="prompts decoded together")
    parser.add_argument("--k-references", type=int, default=defaults.k_references, help="references per proposal")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="seeds prompts and sampling")
    parser.add_argument(
        "--temperature", type=float, default=defaults.temperature, help="sampling temperature (default: the trainer's)"
    )
    parser.add_argument("--dtype", default="bfloat16", choices=("float32", "bfloat16"), help="model weights dtype")
    parser.add_argument("--seed-file", default=None, help="JSONL seed tasks for the buffer (default: zero triplets)")
    parser.add_argument("--update-lora-rank", type=int, default=0, help="LoRA rank of the timed update (0: full)")
    parser.add_argument("--out", default="runs/bench-models", help="directory of the saved responses")
    parser.add_argument("--score-only", action="store_true", help="score what is saved; load no model")
    rules = [rule.value for rule in AnswerRule]
    parser.add_argument("--rules", nargs="+", default=rules, choices=rules, help="answer rules (EnvConfig.answer_rule)")
    parser.add_argument("--budgets", nargs="+", type=int, default=None, help="response budgets to score")
    parser.add_argument("--group-size", type=int, default=2, help="episodes per (type, role) of a simulated step")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    parser.add_argument(
        "--threads", type=int, default=None, help="torch threads (default: torch's; 1 on a machine shared with others)"
    )


def run(args: argparse.Namespace) -> int:
    """Sample what is missing (unless ``--score-only``), then score and print."""
    from azr_env.executor import Executor

    out = Path(args.out)
    with Executor() as executor:
        buffer = seeded_buffer(args.task_types, executor, args.seed_file)
        if not args.score_only:
            set_threads(args.threads)
            for model in args.models:
                sample_model(model, args, buffer, executor, out)
        scores = score(args, executor, out, buffer)
    if args.json:
        print(json.dumps(scores, indent=1, sort_keys=True))
    else:
        from benchmarks.models_table import format_scores

        print(format_scores(scores))
    (out / "scores.json").write_text(json.dumps(scores, indent=1, sort_keys=True))
    return 0


def set_threads(threads: int | None) -> None:
    """Set torch's intra-op threads when asked.

    On an oversubscribed machine two threads spin at every barrier while the other one waits for a core: measured
    here at load 10, one decode step of the 0.5B model took 12 s of wall time with 2 threads and 1.1 s with 1.
    """
    if threads is not None:
        import torch

        torch.set_num_threads(threads)


def cells_of(model: str, args: argparse.Namespace) -> list[Cell]:
    """Every cell of one model, format by format."""
    return [Cell(model, f, t, r) for f in args.formats for t in args.task_types for r in EPISODE_ROLES]


def seeded_buffer(task_types: Sequence[str], executor: Any, seed_file: str | None) -> Any:
    """The env's seeded buffer: the seed file's tasks, or every type's zero triplet."""
    from azr_env.buffer import TaskBuffer
    from azr_env.tasks import get_task_type

    return TaskBuffer.seeded([get_task_type(t) for t in task_types], executor, seed_file=seed_file)


def sample_model(model_name: str, args: argparse.Namespace, buffer: Any, executor: Any, out: Path) -> None:
    """Sample the missing cells of one model and time its update; the model is freed afterwards."""
    todo = [c for c in cells_of(model_name, args) if not cell_path(out, c).exists()]
    updates = [f for f in args.formats if not update_path(out, model_name, f).exists()]
    if not todo and not updates:
        return
    from agents.llm.backends import make_backend
    from agents.llm.models import load_policy
    from benchmarks.models_records import write_cell
    from benchmarks.models_sample import CellSampler
    from benchmarks.models_score import MOST_LENIENT, rule_judge

    model, tokenizer = load_policy(model_name, dtype=args.dtype)
    backend = make_backend("hf", model, tokenizer, batch_size=args.batch_size)
    judge = rule_judge(args.task_types, lambda: executor, MOST_LENIENT)
    sampler = CellSampler(model_name, backend, tokenizer, buffer=buffer, judge=judge, settings=settings_of(args))
    for cell in todo:
        started = time.perf_counter()
        path = write_cell(out, cell, sampler.sample(cell))
        print(f"[bench models] {cell.key}: {time.perf_counter() - started:.0f} s -> {path}", flush=True)
    for prompt_format in updates:
        cells = [cell_path(out, c) for c in cells_of(model_name, args) if c.prompt_format == prompt_format]
        timing = time_update(model, tokenizer, read_records(cells), lora_rank=args.update_lora_rank)
        update_path(out, model_name, prompt_format).write_text(json.dumps(timing, indent=1))
        print(f"[bench models] {model_name}.{prompt_format} update: {timing}", flush=True)
    del model, backend, sampler
    gc.collect()


def settings_of(args: argparse.Namespace) -> SampleSettings:
    """The sampling settings of the command line."""
    return SampleSettings(
        per_cell=args.per_cell, attempts=args.attempts, max_new_tokens=args.max_new_tokens,
        batch_size=args.batch_size, k_references=args.k_references, temperature=args.temperature, seed=args.seed,
    )  # fmt: skip


def update_path(out: Path, model: str, prompt_format: str) -> Path:
    """Where the update timing of one model and format lives."""
    return out / f"{model}.{prompt_format}.update.json"


def time_update(
    model: Any, tokenizer: Any, records: Sequence[Record], *, lora_rank: int, responses: int = 8
) -> dict[str, Any]:
    """Seconds per token of one training update (forward, backward, AdamW step) on saved responses.

    Takes the first ``responses // 2`` proposals and solve episodes, re-encodes their prompts (the ids the backend
    used), and times ``update_policy`` twice with the trainer's defaults, keeping the faster run. The model's
    weights change: call this after sampling.
    """
    import torch

    from agents.llm.backends.base import encode_prompts
    from agents.llm.config import TrainConfig
    from agents.llm.sampling import Generation
    from agents.llm.session import prepare
    from agents.llm.trainer import pad_id
    from agents.llm.update import update_policy

    chosen = [r for r in records if r.role == "propose"][: responses // 2]
    chosen += [r for r in records if r.role == "solve"][: responses - len(chosen)]
    prompts = encode_prompts(tokenizer, [r.prompt for r in chosen], add_special_tokens=True)
    gens = [
        Generation(p, r.completion_ids, [0.0] * r.tokens, r.response, "stop")
        for p, r in zip(prompts, chosen, strict=True)
    ]
    config = TrainConfig(micro_batch_size=4, lora_rank=lora_rank)
    policy = prepare(model, config)
    optimizer = torch.optim.AdamW([p for p in policy.parameters() if p.requires_grad], lr=config.learning_rate)
    advantages = np.random.default_rng(0).standard_normal(len(gens))
    times = []
    for _ in range(2):
        started = time.perf_counter()
        update_policy(policy, optimizer, gens, advantages, config, pad_id=pad_id(tokenizer))
        times.append(time.perf_counter() - started)
    tokens = sum(len(g.prompt_ids) + len(g.completion_ids) for g in gens)
    return {"seconds": min(times), "tokens": tokens, "responses": len(gens), "lora_rank": lora_rank}


def score(args: argparse.Namespace, executor: Any, out: Path, buffer: Any) -> dict[str, Any]:
    """Per (model, format, rule, budget): cell rates and the simulated learning signal (``buffer``: the seeded one)."""
    from benchmarks.models_score import rule_judge

    judges = [rule_judge(args.task_types, lambda: executor, AnswerRule(rule)) for rule in args.rules]
    rows: list[dict[str, Any]] = []
    for model in args.models:
        for prompt_format in args.formats:
            rows += score_format(model, prompt_format, args, judges, out, buffer=buffer)
    settings = {**asdict(settings_of(args)), "threads": args.threads, "dtype": args.dtype}
    return {"settings": settings, "group_size": args.group_size, "rows": rows}


def score_format(
    model: str, prompt_format: str, args: argparse.Namespace, judges: Sequence[Any], out: Path, *, buffer: Any
) -> list[dict[str, Any]]:
    """The score rows of one model and format, one per (judge's answer rule, budget); none when nothing is saved."""
    from agents.llm.models import load_tokenizer
    from benchmarks.models_score import judge_records

    cells = [c for c in cells_of(model, args) if c.prompt_format == prompt_format and cell_path(out, c).exists()]
    if not cells:
        return []
    records = read_records([cell_path(out, c) for c in cells])
    tokenizers = {model: load_tokenizer(model)}
    timing = _update_timing(out, model, prompt_format)
    rows = []
    for judge in judges:
        for budget in args.budgets or [max(r.tokens for r in records)]:
            judged = judge_records(records, budget=budget, judge=judge, tokenizers=tokenizers, buffer=buffer)
            row = {"model": model, "format": prompt_format, "rule": judge.answer_rule.value, "budget": budget}
            rows.append({**row, **score_row(cells, judged, timing, args)})
    return rows


def score_row(
    cells: Sequence[Cell], judged: dict[str, Any], timing: dict[str, Any] | None, args: Any
) -> dict[str, Any]:
    """Cell statistics and (with an update timing) the learning signal of one rule and budget."""
    from benchmarks.models_score import cell_stats, learning_signal

    stats = []
    for cell in cells:
        mine = [j for key, j in judged.items() if key.startswith(cell.key + "/")]
        episodes = [j for j in mine if j.record.role == cell.role]
        attempts = [j for j in mine if j.record.role == "attempt"]
        stats.append({"task_type": cell.task_type, "role": cell.role, **asdict(cell_stats(episodes, attempts))})
    row: dict[str, Any] = {"cells": stats}
    if timing is not None:
        per_token = timing["seconds"] / timing["tokens"]
        signal = learning_signal(
            list(judged.values()), group_size=args.group_size, update_seconds_per_token=per_token, seed=args.seed
        )
        row["signal"] = {**asdict(signal), "per_minute": signal.per_minute}
    return row


def _update_timing(out: Path, model: str, prompt_format: str) -> dict[str, Any] | None:
    path = update_path(out, model, prompt_format)
    return json.loads(path.read_text()) if path.exists() else None
