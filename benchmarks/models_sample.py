"""Sampling one cell of ``azr bench models``: the env's own prompts, batched generation, every response kept.

Prompts are built exactly as the env builds them: the task type's ``make_context`` over the seeded buffer (K
references; for induction a buffer program), its ``proposer_prompt`` or ``solver_prompt`` for a buffer task, the
env's ``observe`` for the format, and the trainer's ``format_observation`` (the tokenizer's chat template in chat
format). Contexts and tasks are drawn from a generator seeded by (seed, task type, role) only, so every model and
format answers the same prompts. Each valid proposal (read by a judge with the most lenient answer rule,
``benchmarks.models_score.MOST_LENIENT``, so that every rule can be re-scored later) gets ``attempts`` solver
attempts on its new task, sampled the way the trainer samples them.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from agents.llm.prompting import format_observation
from agents.llm.sampling import Generation, SamplingParams
from azr_env.episode import observe
from azr_env.integrations.common import task_columns
from azr_env.judge import Judge
from azr_env.tasks import get_task_type
from azr_env.tasks.base import Prompt, ProposalContext, Task
from benchmarks.models_records import BatchTiming, Cell, Record, context_line


@dataclass(frozen=True)
class SampleSettings:
    """How a cell is sampled.

    Attributes:
        per_cell: episodes per cell (the issue asks for at least 24).
        attempts: solver attempts per valid proposal (the learnability estimate's n).
        max_new_tokens: response budget; shorter budgets are re-scored from the saved token ids.
        batch_size: prompts decoded together.
        k_references: buffer tasks shown to the proposer.
        temperature: sampling temperature (the trainer's 1.0).
        seed: seeds the prompts and the sampling.
    """

    per_cell: int = 24
    attempts: int = 4
    max_new_tokens: int = 384
    batch_size: int = 8
    k_references: int = 6
    temperature: float = 1.0
    seed: int = 0


@dataclass(frozen=True)
class Sampled:
    """One sampled response with the exact prompt text and its batch's timing."""

    prompt: str
    generation: Generation
    timing: BatchTiming


def stable_seed(*parts: object) -> int:
    """A 31-bit seed that depends only on ``parts`` (not on Python's per-process string hashing)."""
    return zlib.crc32("/".join(map(str, parts)).encode()) & 0x7FFFFFFF


class CellSampler:
    """Samples cells of one loaded model.

    Args:
        model_name: the ``load_policy`` name recorded in every record.
        backend: a rollout backend over the model (its batch size at least ``settings.batch_size``).
        tokenizer: the model's tokenizer (chat template, prompt lengths).
        buffer: the seeded task buffer prompts are drawn from; never modified.
        judge: the env's judge with the most lenient answer rule (``models_score.rule_judge(..., MOST_LENIENT)``),
            used to find the valid proposals that get attempts.
        settings: sizes and seeds.
    """

    def __init__(
        self, model_name: str, backend: Any, tokenizer: Any, *, buffer: Any, judge: Judge, settings: SampleSettings
    ) -> None:
        self.model_name, self.backend, self.tokenizer = model_name, backend, tokenizer
        self.buffer, self.judge, self.settings = buffer, judge, settings

    def sample(self, cell: Cell) -> list[Record]:
        """All records of ``cell``: its episodes, then (propose cells) the attempts at its valid proposals."""
        rng = np.random.default_rng(stable_seed(self.settings.seed, cell.task_type, cell.role))
        if cell.role == "solve":
            store = self.buffer.tasks(cell.task_type)
            tasks = [store[int(rng.integers(len(store)))] for _ in range(self.settings.per_cell)]
            prompts = [get_task_type(cell.task_type).solver_prompt(t) for t in tasks]
            gens = self.generate(cell, prompts, stable_seed(self.settings.seed, cell.key))
            return [
                self.record(cell, f"{cell.key}/{i}", g, task=task_columns(t))
                for i, (g, t) in enumerate(zip(gens, tasks, strict=True))
            ]
        return self.sample_proposals(cell, rng)

    def sample_proposals(self, cell: Cell, rng: np.random.Generator) -> list[Record]:
        """Proposals on fresh contexts, then the attempts at each valid one."""
        kind = get_task_type(cell.task_type)
        contexts = [
            kind.make_context(self.buffer.views(), self.settings.k_references, rng)
            for _ in range(self.settings.per_cell)
        ]
        gens = self.generate(
            cell, [kind.proposer_prompt(c) for c in contexts], stable_seed(self.settings.seed, cell.key)
        )
        proposals = [
            self.record(cell, f"{cell.key}/{i}", g, context=context_line(c))
            for i, (g, c) in enumerate(zip(gens, contexts, strict=True))
        ]
        return proposals + self.sample_attempts(cell, proposals, contexts)

    def sample_attempts(
        self, cell: Cell, proposals: Sequence[Record], contexts: Sequence[ProposalContext]
    ) -> list[Record]:
        """``attempts`` solver responses at every proposal the judge accepts that copies no buffer task."""
        items = [(cell.task_type, r.response, c) for r, c in zip(proposals, contexts, strict=True)]
        checks = [self.buffer.novel([check])[0] for check in self.judge.check_proposals(items)]  # independent samples
        accepted: list[tuple[Record, Task]] = [
            (r, ch.task) for r, ch in zip(proposals, checks, strict=True) if ch.task is not None
        ]
        n = self.settings.attempts
        kind = get_task_type(cell.task_type)
        prompts = [kind.solver_prompt(task) for _, task in accepted for _ in range(n)]
        gens = self.generate(cell, prompts, stable_seed(self.settings.seed, cell.key, "attempts"))
        return [
            self.record(
                cell, f"{parent.id}/a{j}", gens[i * n + j], role="attempt", parent=parent.id, task=task_columns(task)
            )
            for i, (parent, task) in enumerate(accepted)
            for j in range(n)
        ]

    def generate(self, cell: Cell, prompts: Sequence[Prompt], seed: int) -> list[Sampled]:
        """Render and sample ``prompts`` in batches; each generation comes with its batch's timing.

        The prefill time is measured once, on the first batch (the same batch again for one token), and given to
        later batches in proportion to their prompt tokens.
        """
        texts = [self.render(cell.prompt_format, p) for p in prompts]
        size = self.settings.batch_size
        out: list[Sampled] = []
        prefill_per_token = None
        for start in range(0, len(texts), size):
            params = SamplingParams(self.settings.max_new_tokens, self.settings.temperature, seed=seed + start)
            batch = texts[start : start + size]
            started, cpu = time.perf_counter(), time.process_time()
            gens = self.backend.generate(batch, params)
            seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
            prompt_tokens = sum(len(g.prompt_ids) for g in gens)
            if prefill_per_token is None:
                prefill_per_token = self.prefill_seconds(batch, params) / prompt_tokens
            steps = max(len(g.completion_ids) for g in gens)
            timing = BatchTiming(len(batch), seconds, prefill_per_token * prompt_tokens, steps, cpu_seconds)
            out += [Sampled(text, g, timing) for text, g in zip(batch, gens, strict=True)]
        return out

    def prefill_seconds(self, texts: Sequence[str], params: SamplingParams) -> float:
        """Wall time of ``texts`` sampled for one token: the prompt prefill (and one token pick)."""
        started = time.perf_counter()
        self.backend.generate(texts, replace(params, max_new_tokens=1))
        return time.perf_counter() - started

    def render(self, prompt_format: str, prompt: Prompt) -> str:
        """The prompt text the trainer would give the model."""
        system = prompt.system if prompt_format == "chat" else None
        return format_observation(self.tokenizer, observe(prompt, prompt_format), system_prompt=system)

    def record(self, cell: Cell, rid: str, sampled: Sampled, role: str = "", **extra: Any) -> Record:
        """A record of one sampled response."""
        gen, timing = sampled.generation, sampled.timing
        return Record(
            id=rid, model=self.model_name, prompt_format=cell.prompt_format, task_type=cell.task_type,
            role=role or cell.role, prompt=sampled.prompt, response=gen.text,
            completion_ids=list(gen.completion_ids), prompt_tokens=len(gen.prompt_ids),
            finish_reason=gen.finish_reason, seconds=timing.seconds / timing.size, batch=timing, **extra,
        )  # fmt: skip
