"""``TrainConfig``: every knob of a training run, with the paper's defaults, plus YAML and mapping parsing.

The run's env settings are an ``EnvConfig`` (``TrainConfig.env``), not copies of its fields. Keys stay flat
everywhere a user writes them: a YAML file or a command line names ``task_types`` or ``n_solve_samples`` (an env
field) or ``format_penalty`` (a reward field) next to ``steps``; ``KEY_PATHS`` maps each flat key to its place.
Nested YAML (``env: {task_types: [...]}``, as ``to_dict`` writes it) reads too, and so do the keys of older runs
(``exec_timeout_s`` is ``env.timeout_s``). Precedence: dataclass defaults < ``--config file.yaml`` < flags. Unknown
keys raise ``ConfigError`` with a "did you mean". The command line is parsed with ``tyro`` in ``agents.llm.train``.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from azr_env.config import EnvConfig
from azr_env.errors import ConfigError, MissingDependencyError, did_you_mean
from azr_env.rewards import RewardConfig


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Defaults follow the paper (Table 3 and the released ``coder7b.sh``) unless noted."""

    model: str = "smollm2-135m"
    """Policy: a ``load_policy`` shortcut (``smollm2-135m``, ``qwen2.5-coder-0.5b``, ``qwen2.5-coder-1.5b``,
    ``tiny-random``), a ``.gguf`` file, a model directory or a hub id (online only)."""
    backend: Literal["hf", "vllm"] = "hf"
    """Rollout backend: HF ``generate`` (CPU or GPU) or vLLM (GPU, ``[vllm]`` extra)."""
    algo: str = "trr++"
    """Advantage estimator name (``trr++``, ``grpo``, ``reinforce++``, ``rloo`` or a registered one)."""
    advantage_level: Literal["sequence", "token"] = "token"
    """Baseline statistics over responses (paper eq. 8) or over tokens (the paper's code, the default)."""
    seed: int = 0
    """Seeds every random number generator of the run (env, sampling, torch)."""
    steps: int = 500
    """Training steps (one collect + one update each); the paper trains 500."""
    batch_size: int = 64
    """Episodes per (task type, role) per step: 64 x 3 types x 2 roles = 384 responses in the paper."""
    group_size: int = 1
    """Episodes per (task type, role) that share one prompt: proposals over the same references, solves of the same
    buffer task. 1 (the paper) draws every episode independently; estimators that group by prompt (``grpo``,
    ``rloo``) need > 1, or each proposal is a group of one. Must divide ``batch_size``."""
    solver_trains_on_attempts: bool = True
    """Deviation from the paper's code, which discards the n attempts: train the solver on them too."""
    learning_rate: float = 1e-6
    """AdamW learning rate, constant, no warm-up."""
    weight_decay: float = 0.01
    """AdamW weight decay (veRL's default)."""
    max_grad_norm: float = 1.0
    """Gradient clipping by global norm."""
    clip_low: float = 0.2
    """PPO ``eps_low``."""
    clip_high: float = 0.2
    """PPO ``eps_high``; set above ``clip_low`` for clip-higher (AZR master uses 0.28)."""
    entropy_coef: float = 0.001
    """Entropy bonus weight (paper 0.001)."""
    kl_coef: float = 0.0
    """k3 KL-to-reference weight; 0 (the paper) keeps no reference model in memory."""
    temperature: float = 1.0
    """Sampling temperature of every rollout, the n solver attempts included (never greedy)."""
    max_prompt_tokens: int = 6144
    """Prompts longer than this are cut from the left before generation."""
    max_new_tokens: int = 8096
    """Maximum response tokens per generation."""
    updates_per_step: int = 1
    """Optimizer steps per training step, each on an equal slice of the batch (paper 1)."""
    micro_batch_size: int = 8
    """Responses per forward/backward pass; gradients accumulate over micro-batches (memory knob)."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass (less memory, ~30% slower)."""
    share_prompt_prefix: bool = True
    """Speed option that keeps the math: the update forwards a prompt prefix shared by several responses once (the
    n attempts at a proposal, the instructions of a task type's proposer prompts) and runs each response on its KV
    cache (``agents.llm.prefix``). Off with ``gradient_checkpointing``, which drops the cache."""
    lora_rank: int = 0
    """0: train all weights; > 0: train a LoRA adapter of this rank via ``peft`` (``[lora]`` extra)."""
    lora_alpha: int = 32
    """LoRA scaling numerator."""
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    """Policy weights dtype."""
    update_autocast: Literal["bfloat16"] | None = None
    """Speed option, off by default: run the update's forward passes under ``torch.autocast`` to bfloat16 (matrix
    products about 2x faster on a CPU with AVX-512 bf16 or AMX) while the weights, gradients, AdamW state and the loss
    stay in ``dtype``. Prefer it to ``dtype=bfloat16``, whose weights round most AdamW steps at lr 1e-6 away."""
    rollout_dtype: Literal["float32", "bfloat16", "float16"] | None = None
    """Speed option of the ``hf`` backend, off by default: sample from a copy of the policy in this dtype, refreshed
    from the trained weights after every update (one more copy of the weights in memory). The update recomputes the
    log-probabilities in ``dtype``, so the loss is unchanged; ``train/rollout_logprob_drift`` shows the rounding."""
    device: str = "cpu"
    """Torch device of the policy (``cpu``, ``cuda``)."""
    run_dir: str = "runs/azr"
    """Where metrics, checkpoints and plots go."""
    checkpoint_every: int = 10
    """Save a checkpoint every this many steps (and always after the last step)."""
    keep_checkpoints: int = 2
    """Older checkpoints beyond this many are deleted."""
    tensorboard: bool = True
    """Also write TensorBoard event files (skipped with a warning if tensorboard is missing)."""
    progress: bool = True
    """Show tqdm progress bars."""
    eval_every: int = 0
    """Evaluate the policy on ``eval_suites`` before the first step and every this many steps (and after the last);
    0 never evaluates."""
    eval_suites: tuple[str, ...] = ("humaneval-deduction",)
    """Held-out suites of the in-training evaluation (``azr eval`` names; see ``azr_env.suites``)."""
    eval_limit: int | None = 32
    """Evaluate the first this many items of each suite (``None``: all of them)."""
    eval_samples: int = 1
    """Answers sampled per suite item; accuracy is the mean over items of each item's fraction correct."""
    eval_batch_size: int = 16
    """Held-out items answered together, in one batch of decoding (larger is faster until memory runs out)."""
    eval_temperature: float = 0.0
    """Sampling temperature of the evaluation; 0 is greedy, as the paper evaluates (set > 0 with ``eval_samples``
    > 1, or every sample is the same)."""
    safety_monitor: bool = True
    """Watch every response with the safety monitor: ``safety/<category>/rate`` metrics and ``RUN_DIR/safety.jsonl``
    (``azr safety RUN_DIR``). It never changes rewards or the buffer unless ``safety_enforcement`` says so."""
    safety_enforcement: Literal["off", "quarantine", "penalize"] = "off"
    """What happens to valid proposals whose code the monitor flags: nothing, kept out of the buffer, or kept out
    with the format penalty (see ``azr_env.safety.enforcement``)."""
    safety_on_reasoning: bool = False
    """Also enforce on reasoning findings. Warned against: optimizing against a chain-of-thought monitor teaches
    the policy to hide its intent (Baker et al. 2025, arXiv 2503.11926)."""
    env: EnvConfig = field(default_factory=EnvConfig)
    """The self-play env: task types, n solver attempts, K references, prompt format, rewards, executor limits."""

    def __post_init__(self) -> None:
        positive = (
            "steps",
            "batch_size",
            "group_size",
            "micro_batch_size",
            "updates_per_step",
            "eval_samples",
            "eval_batch_size",
        )
        for name in (*positive, "checkpoint_every", "keep_checkpoints", "max_new_tokens", "max_prompt_tokens"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not isinstance(self.env, EnvConfig):
            raise ConfigError(f"TrainConfig.env must be an EnvConfig, got {type(self.env).__name__}")
        if self.batch_size % self.group_size:
            raise ConfigError("group_size must divide batch_size: each (task type, role) is a whole number of groups")
        if self.eval_every < 0 or self.eval_temperature < 0 or (self.eval_limit is not None and self.eval_limit < 1):
            raise ConfigError("eval_every and eval_temperature must be >= 0 and eval_limit >= 1 or None")
        if self.temperature <= 0:
            raise ConfigError("temperature must be > 0: greedy solver attempts are identical and kill learnability")
        if self.clip_low < 0 or self.clip_high < self.clip_low:
            raise ConfigError("need 0 <= clip_low <= clip_high (clip-higher widens only the upper bound)")
        if self.batch_size % self.updates_per_step:
            raise ConfigError("batch_size must divide into updates_per_step equal slices")
        if self.lora_rank < 0 or self.learning_rate <= 0:
            raise ConfigError("lora_rank must be >= 0 and learning_rate > 0")
        if self.safety_enforcement != "off" and not self.safety_monitor:
            raise ConfigError("safety_enforcement acts on the monitor's findings: keep safety_monitor on")
        if self.safety_on_reasoning and self.safety_enforcement == "off":
            raise ConfigError("safety_on_reasoning needs safety_enforcement quarantine or penalize to act with")
        self._check_speed_options()

    def _check_speed_options(self) -> None:
        if self.rollout_dtype is not None and self.backend != "hf":
            raise ConfigError("rollout_dtype is an hf backend option; vLLM samples in its own dtype")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))


KEY_PATHS: dict[str, tuple[str, ...]] = {
    **{f.name: (f.name,) for f in dataclasses.fields(TrainConfig) if f.name != "env"},
    **{f.name: ("env", f.name) for f in dataclasses.fields(EnvConfig) if f.name != "reward"},
    **{f.name: ("env", "reward", f.name) for f in dataclasses.fields(RewardConfig)},
    "exec_timeout_s": ("env", "timeout_s"),
    "executor": ("env", "executor_backend"),
}
"""Every flat config key (YAML, flags, old runs' ``config.json``) and the field it sets; field names never collide."""

LEGACY_KEYS = {"exec_timeout_s": "timeout_s", "executor": "executor_backend"}
"""Keys of older versions and the key that replaced them."""

_OWNERS: dict[tuple[str, ...], type] = {(): TrainConfig, ("env",): EnvConfig, ("env", "reward"): RewardConfig}


def field_type(key: str) -> Any:
    """Resolved type of the field a flat key sets."""
    path = KEY_PATHS[key]
    return typing.get_type_hints(_OWNERS[path[:-1]])[path[-1]]


def coerce(name: str, value: Any) -> Any:
    """Convert a YAML or command-line value to the type of the field flat key ``name`` sets."""
    hint = field_type(name)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None or str(value).lower() in ("none", "null"):
            return None
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(_scalar(name, args[0], str(v).strip()) for v in items if str(v).strip())
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{name} must be one of {list(args)}, got {value!r}")
        return value
    return _scalar(name, hint, value)


def _scalar(name: str, hint: Any, value: Any) -> Any:
    if hint is bool:
        return parse_bool(name, value)
    try:
        return hint(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} expects {hint.__name__}, got {value!r}") from None


def parse_bool(name: str, value: Any) -> bool:
    """Parse ``true/false/1/0/yes/no``."""
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off"):
        return False
    raise ConfigError(f"{name} expects true or false, got {value!r}")


def check_keys(keys: typing.Iterable[str], source: str) -> None:
    """Raise ``ConfigError`` naming the first unknown key, with close matches."""
    for key in keys:
        if key not in KEY_PATHS:
            raise ConfigError(f"unknown config key {key!r} in {source}{did_you_mean(key, list(KEY_PATHS))}")


def flatten(values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat keys of a mapping that may nest ``env`` and ``env.reward`` (as ``TrainConfig.to_dict`` writes)."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        if key in ("env", "reward") and isinstance(value, Mapping):
            flat.update(flatten(value))
        else:
            flat[key] = value
    return flat


def from_mapping(values: Mapping[str, Any], base: TrainConfig | None = None, source: str = "overrides") -> TrainConfig:
    """Return ``base`` (or the defaults) with ``values`` (flat or nested keys) applied, each coerced to its type."""
    flat = flatten(values)
    check_keys(flat, source)
    parts: dict[tuple[str, ...], dict[str, Any]] = {owner: {} for owner in _OWNERS}
    for key, value in flat.items():
        path = KEY_PATHS[key]
        parts[path[:-1]][path[-1]] = coerce(key, value)
    config = base or TrainConfig()
    reward = dataclasses.replace(config.env.reward, **parts[("env", "reward")])
    env = dataclasses.replace(config.env, **parts[("env",)], reward=reward)
    return dataclasses.replace(config, **parts[()], env=env)


def flat_dict(config: TrainConfig) -> dict[str, Any]:
    """Every flat key of ``config`` with its JSON value (tuples become lists)."""
    return flatten(config.to_dict())


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping of config keys."""
    try:
        import yaml
    except ImportError:
        raise MissingDependencyError("pyyaml", "agents", "reading a YAML config") from None
    data = yaml.safe_load(Path(path).read_text()) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a config file must be a mapping of keys to values")
    return data


__all__ = ["KEY_PATHS", "TrainConfig", "flat_dict", "from_mapping", "load_yaml"]
