"""``TrainConfig``: every knob of a training run, with the paper's defaults, plus CLI and YAML parsing.

Precedence: dataclass defaults < ``--config file.yaml`` < ``--key value`` flags. Unknown keys (in YAML or on the
command line) raise ``ConfigError`` with a "did you mean". The config is parsed only at the entry points.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from azr_env.errors import ConfigError, MissingDependencyError, did_you_mean


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Defaults follow the paper (Table 3 and the released ``coder7b.sh``) unless noted."""

    model: str = "smollm2-135m"
    """Policy: a ``load_policy`` shortcut (``smollm2-135m``, ``qwen2.5-coder-0.5b``, ``tiny-random``) or a path."""
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
    task_types: tuple[str, ...] = ("deduction", "abduction", "induction")
    """Task types to self-play on."""
    batch_size: int = 64
    """Episodes per (task type, role) per step: 64 x 3 types x 2 roles = 384 responses in the paper."""
    n_solve_samples: int = 8
    """Monte-Carlo solver attempts per valid proposal, for its learnability reward (paper n = 8)."""
    k_references: int = 6
    """Reference tasks shown to the proposer (paper K = 6)."""
    prompt_format: Literal["r1", "chat"] = "r1"
    """``"r1"``: the paper's raw ``User: ... Assistant: <think>`` text (base models); ``"chat"``: system + user
    messages through the tokenizer's chat template (instruct models, e.g. the embedded SmolLM2-Instruct)."""
    solver_trains_on_attempts: bool = True
    """Deviation from the paper's code, which discards the n attempts: train the solver on them too."""
    extreme_rate_reward: Literal["equation", "code"] = "equation"
    """Reward of a valid proposal solved always or never: 0 (paper equations) or -0.5 (paper code)."""
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
    lora_rank: int = 0
    """0: train all weights; > 0: train a LoRA adapter of this rank via ``peft`` (``[lora]`` extra)."""
    lora_alpha: int = 32
    """LoRA scaling numerator."""
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    """Policy weights dtype."""
    device: str = "cpu"
    """Torch device of the policy (``cpu``, ``cuda``)."""
    executor_workers: int | None = None
    """Sandbox worker processes (None: one per core)."""
    exec_timeout_s: float = 2.0
    """Per-program execution timeout."""
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
    safety_monitor: bool = True
    """Watch every response with the safety monitor: ``safety/<category>/rate`` metrics and ``RUN_DIR/safety.jsonl``
    (``azr safety RUN_DIR``). It never changes rewards or the buffer unless ``safety_enforcement`` says so."""
    safety_enforcement: Literal["off", "quarantine", "penalize"] = "off"
    """What happens to valid proposals whose code the monitor flags: nothing, kept out of the buffer, or refused
    with the format penalty (see ``azr_env.safety.enforcement``)."""
    safety_on_reasoning: bool = False
    """Also enforce on reasoning findings. Warned against: optimizing against a chain-of-thought monitor teaches
    the policy to hide its intent (Baker et al. 2025, arXiv 2503.11926)."""

    def __post_init__(self) -> None:
        positive = ("steps", "batch_size", "n_solve_samples", "micro_batch_size", "updates_per_step")
        for name in (*positive, "checkpoint_every", "keep_checkpoints", "max_new_tokens", "max_prompt_tokens"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.task_types:
            raise ConfigError("task_types is empty: self-play needs at least one task type")
        if self.temperature <= 0:
            raise ConfigError("temperature must be > 0: greedy solver attempts are identical and kill learnability")
        if self.clip_low < 0 or self.clip_high < self.clip_low:
            raise ConfigError("need 0 <= clip_low <= clip_high (clip-higher widens only the upper bound)")
        if self.batch_size % self.updates_per_step:
            raise ConfigError("batch_size must divide into updates_per_step equal slices")
        if self.lora_rank < 0 or self.learning_rate <= 0:
            raise ConfigError("lora_rank must be >= 0 and learning_rate > 0")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (tuples become lists)."""
        return json.loads(json.dumps(dataclasses.asdict(self)))


def field_types() -> dict[str, Any]:
    """Resolved type of every TrainConfig field."""
    return typing.get_type_hints(TrainConfig)


def coerce(name: str, value: Any) -> Any:
    """Convert a YAML or command-line value to the type of field ``name``."""
    hint = field_types()[name]
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None or str(value).lower() in ("none", "null"):
            return None
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        items = value.split(",") if isinstance(value, str) else list(value)
        return tuple(str(v).strip() for v in items if str(v).strip())
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"{name} must be one of {list(args)}, got {value!r}")
        return value
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


def check_keys(keys: Sequence[str], source: str) -> None:
    """Raise ``ConfigError`` naming the first unknown key, with close matches."""
    known = list(field_types())
    for key in keys:
        if key not in known:
            raise ConfigError(f"unknown config key {key!r} in {source}{did_you_mean(key, known)}")


def from_mapping(values: Mapping[str, Any], base: TrainConfig | None = None, source: str = "overrides") -> TrainConfig:
    """Return ``base`` (or the defaults) with ``values`` applied, each coerced to its field type."""
    check_keys(list(values), source)
    coerced = {k: coerce(k, v) for k, v in values.items()}
    return dataclasses.replace(base or TrainConfig(), **coerced)


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


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--config FILE`` and one ``--key value`` flag per TrainConfig field (dashes or underscores)."""
    parser.add_argument("--config", default=None, metavar="FILE", help="YAML file of config keys")
    group = parser.add_argument_group("training config (TrainConfig fields)")
    defaults = TrainConfig()
    for f in dataclasses.fields(TrainConfig):
        flags = {f"--{f.name.replace('_', '-')}", f"--{f.name}"}
        group.add_argument(
            *sorted(flags), dest=f"cfg_{f.name}", default=argparse.SUPPRESS, metavar="V",
            help=f"(default: {getattr(defaults, f.name)!r})",
        )  # fmt: skip


def config_from_args(args: argparse.Namespace, base: TrainConfig | None = None) -> TrainConfig:
    """Build the config from ``--config`` then the explicit ``--key`` flags, on top of ``base``."""
    config = base or TrainConfig()
    if getattr(args, "config", None):
        config = from_mapping(load_yaml(args.config), config, source=str(args.config))
    flags = {k.removeprefix("cfg_"): v for k, v in vars(args).items() if k.startswith("cfg_")}
    return from_mapping(flags, config, source="the command line")


def reject_unknown_flags(extra: Sequence[str]) -> None:
    """Raise ``ConfigError`` for flags argparse did not recognise, suggesting the closest field."""
    for token in extra:
        if token.startswith("--"):
            check_keys([token[2:].split("=")[0].replace("-", "_")], "the command line")
    if extra:
        raise ConfigError(f"unexpected arguments: {' '.join(extra)}")


__all__ = [
    "TrainConfig",
    "add_config_arguments",
    "config_from_args",
    "from_mapping",
    "load_yaml",
    "reject_unknown_flags",
]
