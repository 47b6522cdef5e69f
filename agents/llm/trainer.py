"""The self-play training loop, read top to bottom: collect -> advantages -> update -> sync -> log -> checkpoint.

One step: every (task type, role) pair gets ``batch_size`` episodes from the vector env; each valid proposal's
n solver attempts are sampled by the same policy; the estimator (``trr++`` by default) turns rewards into
advantages; one PPO-clip update; the rollout backend gets the new weights; metrics go to JSONL/TensorBoard (with
those of the ``observers``: the safety monitor, ``agents.llm.safety``); a checkpoint is written every
``checkpoint_every`` steps.

Where this code deviates from the paper and its released code:

- The solver also trains on the n Monte-Carlo attempts at each new proposal (``solver_trains_on_attempts``); the
  paper's code discards them and trains the solver only on the previous step's tasks (its one-step lag).
- Solver attempts are sampled at the training temperature, never greedily (the released ``master`` code samples
  them greedily, so all n agree and learnability is almost always 0).
- Proposals of this step and solve episodes are one batch; there is no lag between proposing and solving.
- A valid proposal with solve rate 0 or 1 earns 0 (paper equations) unless ``extreme_rate_reward="code"``.
- Responses whose prompt exceeds ``max_prompt_tokens`` are dropped from the update (the paper's code filters them
  before generation).
- Every random draw comes from the run's seed: the env is reseeded from the trainer's ``numpy`` generator at every
  collect, sampling uses seeded ``torch.Generator`` objects, and a resumed run continues bit for bit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from agents.llm.checkpoint import save_checkpoint
from agents.llm.collect import RecordingSolver, Rollout, collect
from agents.llm.config import TrainConfig
from agents.llm.estimators import AdvantageInputs, Estimator
from agents.llm.metrics import MetricsSink
from agents.llm.update import update_policy
from azr_env.rewards import learnability


class StepObserver(Protocol):
    """Sees every step's rollout (solver attempts included) before its metrics are logged (the safety monitor)."""

    def observe(self, step: int, rollout: Rollout) -> dict[str, float]:
        """Watch one step; return metrics to log with it."""
        ...

    def close(self) -> None:
        """Flush and release files."""
        ...


@dataclass
class Trainer:
    """Everything a run holds; build one with ``agents.llm.session.build_trainer``."""

    config: TrainConfig
    model: Any
    tokenizer: Any
    backend: Any
    env: Any
    solver: RecordingSolver
    optimizer: Any
    estimator: Estimator
    sink: MetricsSink
    rng: np.random.Generator
    step: int = 0
    ref_model: Any = None
    history: list[dict[str, float]] = field(default_factory=list)
    observers: list[StepObserver] = field(default_factory=list)

    def run(self, on_step: Callable[[int, dict[str, float]], None] | None = None) -> list[dict[str, float]]:
        """Train from ``self.step`` to ``config.steps``; return the metrics of the steps run here."""
        bar = progress(self.config, initial=self.step)
        try:
            while self.step < self.config.steps:
                metrics = self.train_step()
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{metrics.get('loss/total', 0.0):.3f}", s=f"{metrics['time/step_s']:.1f}")
                if on_step is not None:
                    on_step(self.step, metrics)
        finally:
            if bar is not None:
                bar.close()
        return self.history

    def train_step(self) -> dict[str, float]:
        """One full step in phases; returns the logged metrics."""
        start = time.perf_counter()
        # 1. collect: one vector step of self-play; the injected solver samples the n attempts.
        seeds = self.rng.integers(2**31, size=3)
        rollout = collect(self.env, self.backend, self.solver, self.tokenizer, config=self.config, seeds=seeds)
        samples = [s for s in rollout.samples if len(s.generation.prompt_ids) <= self.config.max_prompt_tokens]
        # 2. advantages: one scalar per response from the chosen estimator.
        advantages = self.estimator(
            AdvantageInputs(
                rewards=np.array([s.reward for s in samples]),
                task_types=[s.task_type for s in samples],
                roles=[s.role for s in samples],
                group_ids=[s.group_id for s in samples],
                lengths=np.array([len(s.generation.completion_ids) for s in samples]),
                level=self.config.advantage_level,
            )
        )
        # 3. update: recompute logprobs on the generated ids, PPO-clip loss, one optimizer step.
        t_update = time.perf_counter()
        stats = update_policy(
            self.model, self.optimizer, [s.generation for s in samples], advantages, self.config,
            pad_id=pad_id(self.tokenizer), ref_model=self.ref_model,
        )  # fmt: skip
        update_s = time.perf_counter() - t_update
        # 4. sync: the rollout backend samples from the updated weights next step.
        self.backend.sync_weights(self.model)
        self.step += 1
        # 5. log.
        metrics = {**rollout_metrics(rollout, self.config), **buffer_metrics(self.env.buffer, self.config), **stats}
        metrics.update({"time/rollout_s": rollout.seconds, "time/update_s": update_s})
        metrics["time/step_s"] = time.perf_counter() - start
        metrics["train/samples"] = float(len(samples))
        for observer in self.observers:
            metrics.update(observer.observe(self.step, rollout))
        self.sink.log(self.step, metrics)
        self.history.append(metrics)
        # 6. checkpoint.
        if self.step % self.config.checkpoint_every == 0 or self.step == self.config.steps:
            self.save()
        return metrics

    def save(self) -> None:
        """Write a checkpoint of the current step."""
        save_checkpoint(
            self.config.run_dir, self.step, model=self.model, optimizer=self.optimizer, buffer=self.env.buffer,
            rng=self.rng, config=self.config.to_dict(), keep=self.config.keep_checkpoints,
        )  # fmt: skip

    def close(self) -> None:
        """Release the env's executor, the backend, the observers and the sinks."""
        for observer in self.observers:
            observer.close()
        self.sink.close()
        self.backend.close()
        self.env.close()


def pad_id(tokenizer: Any) -> int:
    """The tokenizer's pad id, or its EOS id."""
    pad = getattr(tokenizer, "pad_token_id", None)
    return int(pad if pad is not None else tokenizer.eos_token_id)


def rollout_metrics(rollout: Rollout, config: TrainConfig) -> dict[str, float]:
    """Per task type and role: valid-proposal rate, learnability, solve accuracy, mean reward."""
    out: dict[str, float] = {}
    for task_type in config.task_types:
        mine = [s for s in rollout.samples if s.task_type == task_type]
        proposals = [s for s in mine if s.role == "propose"]
        episodes = [s for s in mine if s.role == "solve" and s.source == "episode"]
        attempts = [s for s in mine if s.source == "attempt"]
        rates = rollout.solve_rates.get(task_type, [])
        out[f"propose/{task_type}/valid_rate"] = mean([s.outcome == "valid" for s in proposals])
        out[f"propose/{task_type}/reward_mean"] = mean([s.reward for s in proposals])
        out[f"propose/{task_type}/learnability_mean"] = mean([learnability(r) for r in rates])
        out[f"propose/{task_type}/solve_rate_mean"] = mean(rates)
        out[f"solve/{task_type}/accuracy"] = mean([s.outcome == "correct" for s in episodes])
        out[f"solve/{task_type}/reward_mean"] = mean([s.reward for s in episodes])
        out[f"solve/{task_type}/attempt_accuracy"] = mean([s.outcome == "correct" for s in attempts])
    lengths = [len(s.generation.completion_ids) for s in rollout.samples]
    out["rollout/response_tokens_mean"] = mean(lengths)
    out["rollout/tokens"] = float(sum(lengths))
    return out


def buffer_metrics(buffer: Any, config: TrainConfig) -> dict[str, float]:
    """``buffer/<type>/size`` for every task type."""
    return {f"buffer/{t}/size": float(buffer.size(t)) for t in config.task_types}


def mean(values: list[Any]) -> float:
    """Mean as a float; 0.0 for an empty list (logged, never divided by zero)."""
    return float(np.mean(values)) if values else 0.0


def progress(config: TrainConfig, initial: int) -> Any:
    """A tqdm bar over steps, or None when disabled or tqdm is missing."""
    if not config.progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=config.steps, initial=initial, desc="azr train", unit="step")
