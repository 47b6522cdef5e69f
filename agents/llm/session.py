"""Build a ``Trainer`` from a ``TrainConfig``: a fresh run, or a run resumed from its latest checkpoint.

Construction order matters for exact resume: seed torch, load the policy, build the optimizer, restore the
checkpoint (weights, optimizer, RNGs, buffer), then build the env over the restored buffer.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from agents.llm.checkpoint import latest_checkpoint, load_checkpoint
from agents.llm.collect import RecordingSolver
from agents.llm.config import TrainConfig, from_mapping
from agents.llm.estimators import get_estimator
from agents.llm.metrics import EPISODES_FILE, EVAL_FILE, open_sinks, truncate_after
from agents.llm.trainer import Trainer
from azr_env.errors import CheckpointError, MissingDependencyError
from azr_env.records import chain_observers
from azr_env.safety import SAFETY_LOG, Enforcement, EnforcementConfig, SafetyObserver


def saved_config(run_dir: str | os.PathLike[str]) -> TrainConfig:
    """The config a run was started with (from its latest checkpoint, else ``config.json``)."""
    from agents.llm.checkpoint import read_state

    ckpt = latest_checkpoint(run_dir)
    if ckpt is not None:
        values = read_state(ckpt)["config"]
    elif (Path(run_dir) / "config.json").is_file():
        values = json.loads((Path(run_dir) / "config.json").read_text())
    else:
        raise CheckpointError(f"{run_dir} is not a run directory (no checkpoints/ and no config.json)")
    return from_mapping(values, source=f"{run_dir}/config")


def build_trainer(
    config: TrainConfig,
    *,
    resume: bool = False,
    policy: tuple[Any, Any] | None = None,
    executor: Any = None,
    observer: Any = None,
) -> Trainer:
    """Assemble model, optimizer, env, backend, estimator and sinks; restore the latest checkpoint if ``resume``.

    Args:
        config: the run's config.
        resume: continue ``config.run_dir`` from its latest complete checkpoint (a run without one starts over).
        policy: an already loaded ``(model, tokenizer)`` (tests); default ``load_policy(config.model)``.
        executor: an executor to share (never closed by the trainer); default: the env starts its own.
        observer: an ``azr_env.records.StepObserver`` (an oversight monitor) for the env's engine: it reviews every
            step's records, attempts included, before the step's proposals enter the buffer. The run's own safety
            monitor (``TrainConfig.safety_monitor``, ``Trainer.safety``) reviews them beside it.
    """
    import torch

    torch.manual_seed(config.seed)
    model, tokenizer = policy if policy is not None else load(config)
    model = prepare(model, config)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=config.weight_decay)
    ref_model = frozen_copy(model) if config.kl_coef > 0 else None
    rng, buffer, step = np.random.default_rng(config.seed), None, 0
    ckpt = latest_checkpoint(config.run_dir) if resume else None
    if ckpt is not None:
        state = load_checkpoint(ckpt, model=model, optimizer=optimizer)
        rng, buffer, step = state.rng, state.buffer, state.step
    run_dir = Path(config.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    for name in ("metrics.jsonl", EPISODES_FILE, EVAL_FILE, SAFETY_LOG):  # a run without a checkpoint starts over
        truncate_after(run_dir / name, step if ckpt is not None else -1)
    (run_dir / "config.json").write_text(json.dumps(config.to_dict(), indent=1, sort_keys=True))
    backend = rollout_backend(config, model, tokenizer)
    solver = RecordingSolver(backend, tokenizer, config.env.prompt_format)
    safety = safety_observer(config)
    env = make_env(config, buffer, solver, executor, chain_observers(observer, safety))
    sink = open_sinks(run_dir, tensorboard=config.tensorboard, resume_step=step if step else None)
    return Trainer(
        config=config, model=model, tokenizer=tokenizer, backend=backend, env=env, solver=solver,
        optimizer=optimizer, estimator=get_estimator(config.algo), sink=sink, rng=rng, step=step, ref_model=ref_model,
        safety=safety,
    )  # fmt: skip


def safety_observer(config: TrainConfig) -> SafetyObserver | None:
    """The run's safety monitor (``None`` when ``safety_monitor`` is off), logging to ``RUN_DIR/safety.jsonl``."""
    if not config.safety_monitor:
        return None
    mode = Enforcement(config.safety_enforcement)
    enforcement = EnforcementConfig(mode, on_reasoning=config.safety_on_reasoning)
    return SafetyObserver(enforcement=enforcement, log_path=Path(config.run_dir) / SAFETY_LOG)


def rollout_backend(config: TrainConfig, model: Any, tokenizer: Any) -> Any:
    """The configured rollout backend over ``model`` (``backend``, with its ``rollout_dtype`` copy if set)."""
    from agents.llm.backends import make_backend

    options = {"rollout_dtype": config.rollout_dtype} if config.rollout_dtype is not None else {}
    return make_backend(config.backend, model, tokenizer, **options)


def load(config: TrainConfig) -> tuple[Any, Any]:
    """``load_policy(config.model)`` in the configured dtype and device."""
    from agents.llm.models import load_policy

    return load_policy(config.model, dtype=config.dtype, device=config.device)


def prepare(model: Any, config: TrainConfig) -> Any:
    """Apply LoRA and gradient checkpointing as configured."""
    if config.lora_rank > 0:
        try:
            from peft import LoraConfig, get_peft_model
        except ImportError:
            raise MissingDependencyError("peft", "lora", "LoRA training (lora_rank > 0)") from None
        lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha, target_modules="all-linear")
        model = get_peft_model(model, lora)
    if config.gradient_checkpointing:
        kwargs = {"use_reentrant": False}
        if hasattr(model, "activation_checkpointing_enable"):  # transformers >= 5 name
            model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
        if config.lora_rank > 0:
            model.enable_input_require_grads()
    return model


def frozen_copy(model: Any) -> Any:
    """A gradient-free copy of the initial policy, the KL reference."""
    import copy

    ref = copy.deepcopy(model)
    ref.requires_grad_(False)
    return ref.eval()


def make_env(
    config: TrainConfig, buffer: Any, solver: RecordingSolver, executor: Any = None, observer: Any = None
) -> Any:
    """The vector env: ``2 * len(task_types) * batch_size`` one-step episodes with the recording solver."""
    from azr_env.vector import AZRVectorEnv

    num_envs = 2 * len(config.env.task_types) * config.batch_size
    return AZRVectorEnv(num_envs, config.env, executor=executor, buffer=buffer, solver=solver, observer=observer)
