"""The self-play training loop, read top to bottom: collect, advantages, update, sync, eval, log, checkpoint.

One step: every (task type, role) pair gets ``batch_size`` episodes from the vector env; each valid proposal's
n solver attempts are sampled by the same policy; the estimator (``trr++`` by default) turns rewards into
advantages; one PPO-clip update; the rollout backend gets the new weights; every ``eval_every`` steps (and before
the first) the policy answers held-out suites (``agents.llm.evaluation``); metrics go to JSONL/TensorBoard (with the
safety monitor's, whose ``SafetyObserver`` read every response of the collect inside the env's engine), one line
per episode to ``episodes.jsonl``; a checkpoint is written every ``checkpoint_every`` steps.

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
from pathlib import Path
from typing import Any

import numpy as np

from agents.llm.checkpoint import save_checkpoint
from agents.llm.collect import RecordingSolver, Rollout, Sample, collect
from agents.llm.config import TrainConfig
from agents.llm.estimators import AdvantageInputs, Estimator
from agents.llm.evaluation import due, evaluate
from agents.llm.metrics import EPISODES_FILE, EVAL_FILE, MetricsSink, append_rows
from agents.llm.trr import Level
from agents.llm.update import update_policy
from azr_env.rewards import learnability
from azr_env.safety import SafetyObserver
from azr_env.tasks.base import Outcome, Role


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
    safety: SafetyObserver | None = None
    """The safety monitor in the env's engine (``None``: off); its metrics and ``safety.jsonl`` lines each step."""

    def run(
        self,
        on_step: Callable[[int, dict[str, float]], None] | None = None,
        stop: Callable[[list[dict[str, float]]], bool] | None = None,
    ) -> list[dict[str, float]]:
        """Train from ``self.step`` to ``config.steps``; return the metrics of the steps run here.

        ``stop`` is asked after every step, with the metrics so far; when it answers true before ``config.steps``
        the run ends there with a checkpoint of that step (the end-of-run evaluation is not run; ``azr train
        --resume`` continues to ``config.steps``).
        """
        bar = progress(self.config, initial=self.step)
        if self.step == 0 and due(self.config, 0):
            self.sink.log(0, self.held_out(0))
        try:
            while self.step < self.config.steps:
                metrics = self.train_step()
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(loss=f"{metrics.get('loss/total', 0.0):.3f}", s=f"{metrics['time/step_s']:.1f}")
                if on_step is not None:
                    on_step(self.step, metrics)
                if stop is not None and self.step < self.config.steps and stop(self.history):
                    if self.step % self.config.checkpoint_every:
                        self.save()
                    break
        finally:
            if bar is not None:
                bar.close()
        return self.history

    def train_step(self) -> dict[str, float]:
        """One full step in phases; returns the logged metrics."""
        start = time.perf_counter()
        # 1. collect: one vector step of self-play; the injected solver samples the n attempts.
        seeds = self.rng.integers(2**31, size=3)
        before = buffer_metrics(self.env.buffer, self.config)
        rollout = collect(self.env, self.backend, self.solver, self.tokenizer, config=self.config, seeds=seeds)
        samples = [s for s in rollout.samples if len(s.generation.prompt_ids) <= self.config.max_prompt_tokens]
        # 2. advantages: one scalar per response from the chosen estimator.
        advantages = self.estimator(advantage_inputs(samples, self.config.advantage_level))
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
        # 5. eval: held-out suites, when due.
        metrics = self.held_out(self.step) if due(self.config, self.step) else {}
        # 6. log.
        metrics.update({**rollout_metrics(rollout, self.config), **buffer_growth(before, self.env.buffer, self.config)})
        metrics.update({**stats, **advantage_metrics(samples, advantages)})
        metrics.update({"time/rollout_s": rollout.seconds, "time/update_s": update_s})
        metrics["time/step_s"] = time.perf_counter() - start
        metrics["train/samples"] = float(len(samples))
        if self.safety is not None:
            metrics.update(self.safety.step_metrics(self.step))
        self.sink.log(self.step, metrics)
        append_rows(Path(self.config.run_dir) / EPISODES_FILE, episode_rows(rollout, self.step))
        self.history.append(metrics)
        # 7. checkpoint.
        if self.step % self.config.checkpoint_every == 0 or self.step == self.config.steps:
            self.save()
        return metrics

    def held_out(self, step: int) -> dict[str, float]:
        """Evaluate the current policy on the held-out suites; write its answers to ``eval.jsonl``."""
        executor = self.env.engine.runtime.executor
        metrics, rows = evaluate(self.config, self.backend, self.tokenizer, executor, step)
        append_rows(Path(self.config.run_dir) / EVAL_FILE, rows)
        return metrics

    def save(self) -> None:
        """Write a checkpoint of the current step."""
        save_checkpoint(
            self.config.run_dir, self.step, model=self.model, optimizer=self.optimizer, buffer=self.env.buffer,
            rng=self.rng, config=self.config.to_dict(), keep=self.config.keep_checkpoints,
        )  # fmt: skip

    def close(self) -> None:
        """Release the env's executor, the backend, the safety log and the sinks."""
        if self.safety is not None:
            self.safety.close()
        self.sink.close()
        self.backend.close()
        self.env.close()


def pad_id(tokenizer: Any) -> int:
    """The tokenizer's pad id, or its EOS id."""
    pad = getattr(tokenizer, "pad_token_id", None)
    return int(pad if pad is not None else tokenizer.eos_token_id)


def rollout_metrics(rollout: Rollout, config: TrainConfig) -> dict[str, float]:
    """Per task type and role: well-formed and valid-proposal rates, learnability, solve accuracy, mean reward."""
    out: dict[str, float] = {}
    for task_type in config.env.task_types:
        mine = [r for r in rollout.records if r.task_type == task_type]
        proposals = [r for r in mine if r.role is Role.PROPOSE]
        episodes = [r for r in mine if r.role is Role.SOLVE]
        attempts = [a for r in proposals for a in r.attempts or ()]
        rates = rollout.solve_rates(task_type)
        out[f"propose/{task_type}/well_formed_rate"] = mean([r.outcome is not Outcome.FORMAT_ERROR for r in proposals])
        out[f"propose/{task_type}/valid_rate"] = mean([r.outcome is Outcome.VALID for r in proposals])
        out[f"propose/{task_type}/reward_mean"] = mean([r.reward for r in proposals])
        out[f"propose/{task_type}/learnability_mean"] = mean([learnability(r) for r in rates])
        out[f"propose/{task_type}/solve_rate_mean"] = mean(rates)
        out[f"solve/{task_type}/well_formed_rate"] = mean([r.outcome is not Outcome.FORMAT_ERROR for r in episodes])
        out[f"solve/{task_type}/accuracy"] = mean([r.outcome is Outcome.CORRECT for r in episodes])
        out[f"solve/{task_type}/reward_mean"] = mean([r.reward for r in episodes])
        out[f"solve/{task_type}/attempt_accuracy"] = mean([a.verdict.outcome is Outcome.CORRECT for a in attempts])
    lengths = [len(s.generation.completion_ids) for s in rollout.samples]
    out["rollout/response_tokens_mean"] = mean(lengths)
    out["rollout/tokens"] = float(sum(lengths))
    return out


def advantage_inputs(samples: list[Sample], level: Level = "sequence") -> AdvantageInputs:
    """The estimator's view of a batch of samples."""
    return AdvantageInputs(
        rewards=np.array([s.reward for s in samples]),
        task_types=[s.task_type for s in samples],
        roles=[s.role for s in samples],
        group_ids=[s.group_id for s in samples],
        lengths=np.array([len(s.generation.completion_ids) for s in samples]),
        level=level,
    )


def episode_rows(rollout: Rollout, step: int) -> list[dict[str, Any]]:
    """One row per episode: role, type, outcome, reward, the response, a valid proposal's task and its attempts.

    The response texts (the episode's and each attempt's, with its outcome) let a run be read and re-scored
    offline, for example under another answer rule (``azr_env.tasks.parsing.score_response``).
    """
    rows = []
    for record in rollout.records:
        row: dict[str, Any] = {"step": step, "role": record.role.value, "task_type": record.task_type}
        row.update(outcome=record.outcome.value, reward=record.reward, solve_rate=record.solve_rate)
        attempts = record.attempts or ()
        row["attempts_correct"] = sum(a.verdict.outcome is Outcome.CORRECT for a in attempts)
        row["attempts"] = len(attempts)
        row["response"] = str(record.response)
        task = record.task if record.admits_task else None
        row["program"], row["inputs"] = (task.program, list(task.inputs)) if task is not None else (None, None)
        row["attempt_responses"] = [{"response": str(a.response), "outcome": a.verdict.outcome.value} for a in attempts]
        rows.append(row)
    return rows


def advantage_metrics(samples: list[Sample], advantages: np.ndarray) -> dict[str, float]:
    """Per role: the fraction of responses whose advantage is not zero (a response the update learns from)."""
    return {
        f"advantage/{role.value}/nonzero_frac": mean(
            [bool(a != 0.0) for s, a in zip(samples, advantages, strict=True) if s.role is role]
        )
        for role in Role
    }


def buffer_metrics(buffer: Any, config: TrainConfig) -> dict[str, float]:
    """``buffer/<type>/size`` for every task type."""
    return {f"buffer/{t}/size": float(buffer.size(t)) for t in config.env.task_types}


def buffer_growth(before: dict[str, float], buffer: Any, config: TrainConfig) -> dict[str, float]:
    """``buffer/<type>/size`` after the step and ``buffer/<type>/growth``, its change over the step."""
    after = buffer_metrics(buffer, config)
    growth = {key.replace("/size", "/growth"): value - before[key] for key, value in after.items()}
    return {**after, **growth}


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
