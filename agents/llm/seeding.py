r"""``azr seed``: the paper's seeding stage, written to a seed file (``EnvConfig.seed_file``).

Absolute Zero starts self-play from a buffer that the base model filled itself: starting from the zero triplet, it
proposes tasks with references drawn from the tasks found so far, with no parameter update, and every valid task that
is new enters the seed set, until each type holds ``B * S`` tasks (the paper: 64 * 4 = 256; its code ships such files
and loads them by default, so a standard run skips this stage). Here one round proposes ``batch_size`` tasks per type
still short of ``per_type``; the env's own judge validates them (a copy of a task already there is invalid), and the
buffer is saved after every round, so a stopped run continues when started again with the same ``--out``. The file
is the task buffer's format; ``azr train --seed-file FILE`` (and every env) relabels its tasks when it loads them.

Examples::

    azr seed --model qwen2.5-coder-0.5b --prompt-format chat --task-types deduction,abduction --k-references 1 \
        --max-new-tokens 128 --rollout-dtype bfloat16 --batch-size 16 --per-type 16 --out seeds.jsonl
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.llm.collect import prompt_text
from agents.llm.config import TrainConfig
from agents.llm.sampling import SamplingParams
from azr_env.buffer import TaskBuffer
from azr_env.errors import ConfigError
from azr_env.records import StepRecord
from azr_env.tasks.base import Role


@dataclass(frozen=True)
class SeedCommand:
    """Fill a seed file with tasks the policy proposes without updates (the paper's seeding stage)."""

    train: TrainConfig
    """The policy, the env (task types, prompt format, references) and the sampling settings; ``batch_size`` is the
    number of proposals per short task type and round."""
    out: str = "seeds.jsonl"
    """The seed file to write; an existing one is continued (its tasks are the starting set)."""
    per_type: int = 16
    """Stop once every task type holds this many tasks (the zero triplet counts while it is there)."""
    max_rounds: int = 20
    """Stop after this many rounds even if a type is still short (running again continues)."""
    config: str | None = None
    """YAML file of config keys (flat, as the flags name them), applied before the flags."""

    def __post_init__(self) -> None:
        if self.per_type < 1:
            raise ConfigError(f"--per-type must be >= 1 (got {self.per_type}): it is how many tasks each type gets")
        if self.max_rounds < 1:
            raise ConfigError(f"--max-rounds must be >= 1 (got {self.max_rounds})")


@dataclass
class SeedingLog:
    """What a seeding run did, per task type: proposals made, tasks admitted, and the buffer's size at the end."""

    proposed: Counter[str] = field(default_factory=Counter)
    admitted: Counter[str] = field(default_factory=Counter)
    sizes: dict[str, int] = field(default_factory=dict)
    rounds: int = 0
    seconds: float = 0.0

    def add(self, records: Sequence[StepRecord]) -> None:
        """Count one round's records."""
        self.rounds += 1
        self.proposed.update(r.task_type for r in records)
        self.admitted.update(r.task_type for r in records if r.admitted)

    def table(self) -> str:
        """A per-type table: proposals, admitted (with the rate), tasks in the file."""
        lines = ["task type    proposals  admitted  in file"]
        for name, size in self.sizes.items():
            made, kept = self.proposed[name], self.admitted[name]
            rate = f" ({100 * kept / made:.0f}%)" if made else ""
            lines.append(f"{name:<12} {made:>9}  {kept:>8}{rate}  {size:>4}")
        return "\n".join(lines)


def short_types(buffer: TaskBuffer, task_types: Sequence[str], per_type: int) -> list[str]:
    """The task types holding fewer than ``per_type`` tasks."""
    return [t for t in task_types if buffer.size(t) < per_type]


def propose_round(
    buffer: TaskBuffer,
    executor: Any,
    generate: Callable[[Sequence[str], SamplingParams], Sequence[Any]],
    *,
    tokenizer: Any,
    config: TrainConfig,
    task_types: Sequence[str],
    rng: np.random.Generator,
) -> list[StepRecord]:
    """Propose ``config.batch_size`` tasks of each of ``task_types``; the valid new ones enter ``buffer``.

    ``generate`` is a rollout backend's ``generate``; every draw (references, sampling) comes from ``rng``.
    """
    from azr_env.vector import AZRVectorEnv

    slots = [t for t in task_types for _ in range(config.batch_size)]
    env = AZRVectorEnv(len(slots), config.env, executor=executor, buffer=buffer)
    reset_seed, sample_seed = (int(s) for s in rng.integers(2**31, size=2))
    env.reset(seed=reset_seed, options={"role": [Role.PROPOSE.value] * len(slots), "task_type": slots})
    prompts = [prompt_text(tokenizer, prompt, config.env.prompt_format) for prompt in env.prompts]
    params = SamplingParams(config.max_new_tokens, config.temperature, seed=sample_seed)
    env.step([g.text for g in generate(prompts, params)])
    records = [r for r in env.last_records if r is not None]
    env.close()  # the executor and the buffer are borrowed: they stay open
    return records


def fill(
    buffer: TaskBuffer,
    executor: Any,
    generate: Callable[[Sequence[str], SamplingParams], Sequence[Any]],
    tokenizer: Any,
    command: SeedCommand,
) -> SeedingLog:
    """Run rounds until every type holds ``per_type`` tasks or ``max_rounds`` ran, saving the buffer after each."""
    config, types = command.train, list(command.train.env.task_types)
    rng = np.random.default_rng([config.seed, len(buffer)])
    log, start = SeedingLog(), time.perf_counter()
    bar = _bar(command)
    while (short := short_types(buffer, types, command.per_type)) and log.rounds < command.max_rounds:
        records = propose_round(
            buffer, executor, generate, tokenizer=tokenizer, config=config, task_types=short, rng=rng
        )
        log.add(records)
        buffer.save(command.out)
        if bar is not None:
            bar.set_postfix({t: buffer.size(t) for t in types}, refresh=False)
            bar.update(1)
    if bar is not None:
        bar.close()
    log.sizes = {t: buffer.size(t) for t in types}
    log.seconds = time.perf_counter() - start
    return log


def _bar(command: SeedCommand) -> Any:
    """A tqdm bar over rounds (``None`` when ``progress`` is off or tqdm is missing)."""
    if not command.train.progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=command.max_rounds, desc="azr seed", unit="round")


def parse_command(argv: Sequence[str], prog: str = "azr seed") -> SeedCommand:
    """Parse ``azr seed`` arguments: ``--config`` first, then every flag on top of it."""
    import argparse

    from agents.llm.train import base_config, cli

    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    pre.add_argument("--config", default=None)
    known, _ = pre.parse_known_args(list(argv))
    return cli(SeedCommand(base_config(None, known.config), config=known.config), argv, prog, __doc__ or "")


def run(command: SeedCommand) -> int:
    """Load the policy, fill the seed file, print what each type got; 1 when a type is still short."""
    from agents.llm.session import load, rollout_backend
    from azr_env.runtime import start_executor

    config = command.train
    out = Path(command.out)
    start_file = str(out) if out.is_file() else config.env.seed_file
    model, tokenizer = load(config)
    backend = rollout_backend(config, model, tokenizer)
    executor = start_executor(config.env)
    try:
        buffer = TaskBuffer.seeded(config.env.task_types, executor, seed_file=start_file, cap=config.env.buffer_cap)
        log = fill(buffer, executor, backend.generate, tokenizer, command)
    finally:
        executor.close()
        backend.close()
    print(log.table())
    print(f"{log.rounds} rounds in {log.seconds:.0f} s; seed file: {out}")
    short = [t for t, n in log.sizes.items() if n < command.per_type]
    if short:
        print(f"{', '.join(short)}: fewer than {command.per_type} tasks; run the same command again to continue")
        return 1
    return 0
