"""Configuration of the self-play environment: one frozen dataclass, validated on construction."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from azr_env.errors import ConfigError, did_you_mean
from azr_env.executor.ray_spec import RaySpec
from azr_env.rewards import RewardConfig
from azr_env.tasks.parsing import AnswerRule, ValueEquality, ValueSyntax

DEFAULT_ANSWER_RULES: dict[str, AnswerRule] = {"r1": AnswerRule.STRICT, "chat": AnswerRule.FENCES}
"""The answer rule of each prompt format when ``EnvConfig.answer_rule`` is ``None``: the paper's strict envelope for
base models, a chat rule for instruct models (a deviation from the paper: README, "Deviations")."""

SCORING_MODES: dict[str, dict[str, str]] = {
    "default": {"answer_syntax": ValueSyntax.DATA, "answer_equality": ValueEquality.CANONICAL},
    "cruxeval": {"answer_syntax": ValueSyntax.EXPRESSION, "answer_equality": ValueEquality.PYTHON},
}
"""Named scoring modes (``azr eval --scoring``), as ``EnvConfig`` overrides. ``default``: answers are data, compared
type-strictly (what training uses). ``cruxeval``: as CRUXEval's official scorer, an answer may be any expression
and is compared with Python's ``==``, both in the sandbox (SUITES.md, "Scoring modes", lists what still differs)."""


@dataclass(frozen=True)
class EnvConfig:
    """Everything that shapes a self-play episode. Defaults follow the paper where it states a value."""

    task_types: tuple[str, ...] = ("deduction", "abduction", "induction")
    """Registered task-type names an episode may draw from (see ``azr tasks list``)."""

    task_weights: tuple[float, ...] | None = None
    """Relative weight of each entry of ``task_types`` when a reset does not name one; ``None`` is uniform."""

    propose_prob: float = 0.5
    """Probability that a reset without an explicit ``role`` starts a propose episode rather than a solve one."""

    n_solve_samples: int = 8
    """Solver attempts that estimate a new task's solve rate, hence the proposer's learnability (paper: 8)."""

    k_references: int = 6
    """Buffer tasks shown to the proposer as examples to differ from (paper: K = 6)."""

    prompt_format: Literal["r1", "chat"] = "r1"
    """``"r1"``: the observation is the full R1 text for base models; ``"chat"``: the user message, with the system
    message in ``info["system_prompt"]``, for instruct models."""

    answer_rule: AnswerRule | None = None
    """Where a response's answer is read (``azr_env.tasks.parsing``): ``"strict"``, the paper's complete
    ``<answer>...</answer>``; ``"open"``, an ``<answer>`` never closed runs to the end; ``"fences"``, as open, and
    with no ``<answer>`` at all the fenced blocks after ``</think>``. ``None``: by ``prompt_format`` (r1: strict,
    chat: fences)."""

    answer_syntax: ValueSyntax = ValueSyntax.DATA
    """How value answers are read: ``"data"`` (training: answers are literals, anything computed is a format error)
    or ``"expression"`` (benchmark scoring as CRUXEval's scorer: an expression is evaluated in the sandbox)."""

    answer_equality: ValueEquality = ValueEquality.CANONICAL
    """When a value answer equals the gold output: ``"canonical"`` (type-strict: ``1``, ``1.0`` and ``True``
    differ) or ``"python"`` (benchmark scoring as CRUXEval's scorer: ``gold == answer``, evaluated in the sandbox).
    ``SCORING_MODES`` names the combinations benchmarks use."""

    reward: RewardConfig = field(default_factory=RewardConfig)
    """Penalties and the paper-equation vs paper-code choice for valid proposals solved always or never."""

    timeout_s: float = 2.0
    """Wall-clock limit of one execution in the sandbox (only used when the env creates its own executor)."""

    memory_mb: int = 1024
    """Address-space limit of a sandbox worker (only used when the env creates its own executor)."""

    buffer_cap: int = 16384
    """Tasks kept per task type; the oldest are evicted first (paper: 16384)."""

    seed_file: str | None = None
    """JSONL file of seed tasks for the buffer; ``None`` seeds each type with the identity "zero triplet"."""

    max_action_chars: int = 32768
    """Longer actions are refused with a format error before anything parses them."""

    executor_workers: int | None = None
    """Worker processes of an executor the env creates itself; ``None`` is one per core."""

    executor_backend: Literal["local", "ray"] = "local"
    """The executor the env starts when none is injected: ``"local"`` (the sandboxed pool on this machine) or
    ``"ray"`` (a ``RayExecutor`` over a Ray cluster, ``[ray]`` extra, sized by the ``ray_*`` fields)."""

    ray_address: str | None = None
    """``executor_backend="ray"``: ``None`` for the Ray this process is connected to (else a private one started
    here), ``"auto"`` for the cluster started on this machine with ``ray start``, ``"host:port"`` for a remote one."""

    ray_actors: int | None = None
    """``executor_backend="ray"``: actors in the pool; ``None``: as many as the cluster's CPUs hold."""

    ray_cpus_per_actor: float = 1.0
    """``executor_backend="ray"``: Ray CPUs each actor reserves (and jobs its local sandbox pool runs at once)."""

    def __post_init__(self) -> None:
        self._check_task_types()
        self._check_weights()
        _check_range("propose_prob", self.propose_prob, 0.0, 1.0, "it is a probability")
        _check_min("n_solve_samples", self.n_solve_samples, 1, "the solve rate is a mean over at least one attempt")
        _check_min("k_references", self.k_references, 0, "it counts buffer tasks")
        _check_min("buffer_cap", self.buffer_cap, 1, "the buffer must hold at least its seed task")
        _check_min("max_action_chars", self.max_action_chars, 1, "an action is at least one character")
        _check_min("memory_mb", self.memory_mb, 64, "a Python worker needs tens of MB just to start")
        if self.executor_workers is not None:
            _check_min("executor_workers", self.executor_workers, 1, "the sandbox needs a worker process")
        self._check_executor_backend()
        if self.prompt_format not in ("r1", "chat"):
            raise ConfigError(f"EnvConfig.prompt_format must be 'r1' or 'chat', got {self.prompt_format!r}")
        if self.answer_rule is not None:
            object.__setattr__(self, "answer_rule", _enum("answer_rule", AnswerRule, self.answer_rule))
        object.__setattr__(self, "answer_syntax", _enum("answer_syntax", ValueSyntax, self.answer_syntax))
        object.__setattr__(self, "answer_equality", _enum("answer_equality", ValueEquality, self.answer_equality))
        if not (isinstance(self.timeout_s, int | float) and math.isfinite(self.timeout_s) and self.timeout_s > 0):
            raise ConfigError(f"EnvConfig.timeout_s must be a positive number of seconds, got {self.timeout_s!r}")
        if not isinstance(self.reward, RewardConfig):
            raise ConfigError(f"EnvConfig.reward must be a RewardConfig, got {type(self.reward).__name__}")
        if self.seed_file is not None and not Path(self.seed_file).is_file():
            raise ConfigError(f"EnvConfig.seed_file {self.seed_file!r} is not a file: the buffer is seeded from it")

    def _check_task_types(self) -> None:
        from azr_env.tasks import list_task_types

        if isinstance(self.task_types, str) or not self.task_types:
            raise ConfigError(
                f"EnvConfig.task_types must be a non-empty sequence of names, got {self.task_types!r} "
                "(write ('deduction',) for a single type)"
            )
        object.__setattr__(self, "task_types", tuple(self.task_types))
        if len(set(self.task_types)) != len(self.task_types):
            raise ConfigError(f"EnvConfig.task_types has duplicates: {self.task_types!r}; use task_weights instead")
        known = list_task_types()
        solve_only = list_task_types(solve_only=True)
        for name in self.task_types:
            if name in solve_only:
                raise ConfigError(
                    f"EnvConfig.task_types: {name!r} is a solve-only task type: it has no propose part, so self-play "
                    "cannot propose its tasks; evaluate it on a suite instead (azr eval, azr_env/Solve-v5)"
                )
            if name not in known:
                raise ConfigError(
                    f"EnvConfig.task_types: unknown task type {name!r}{did_you_mean(name, known)}; "
                    f"registered: {', '.join(known)}"
                )

    def _check_executor_backend(self) -> None:
        if self.executor_backend not in ("local", "ray"):
            raise ConfigError(f"EnvConfig.executor_backend must be 'local' or 'ray', got {self.executor_backend!r}")
        self.ray_spec()  # RaySpec checks the ray_* values, so a bad one fails here and not at the first reset

    def ray_spec(self) -> RaySpec:
        """The Ray pool the ``ray_*`` fields describe (used when ``executor_backend == "ray"``)."""
        return RaySpec(address=self.ray_address, actors=self.ray_actors, cpus_per_actor=self.ray_cpus_per_actor)

    def _check_weights(self) -> None:
        if self.task_weights is None:
            return
        weights = tuple(float(w) for w in self.task_weights)
        object.__setattr__(self, "task_weights", weights)
        if len(weights) != len(self.task_types):
            raise ConfigError(
                f"EnvConfig.task_weights has {len(weights)} entries for {len(self.task_types)} task_types: "
                "there is one weight per task type, in the same order"
            )
        if not all(math.isfinite(w) and w >= 0 for w in weights) or sum(weights) <= 0:
            raise ConfigError(
                f"EnvConfig.task_weights must be finite, non-negative and not all zero, got {weights!r}: "
                "they are sampling probabilities up to normalization"
            )

    def effective_answer_rule(self) -> AnswerRule:
        """Return ``answer_rule``, or the default rule of ``prompt_format`` when it is ``None``."""
        return self.answer_rule or DEFAULT_ANSWER_RULES[self.prompt_format]

    def type_probabilities(self) -> tuple[float, ...]:
        """Return the normalized probability of drawing each entry of ``task_types``."""
        weights = self.task_weights or (1.0,) * len(self.task_types)
        total = sum(weights)
        return tuple(w / total for w in weights)


def resolve_config(config: EnvConfig | None, overrides: Mapping[str, Any]) -> EnvConfig:
    """Return ``config`` (default ``EnvConfig()``) with keyword overrides applied, refusing unknown field names."""
    fields = {f.name for f in dataclasses.fields(EnvConfig)}
    for key in overrides:
        if key not in fields:
            raise ConfigError(f"unknown EnvConfig field {key!r}{did_you_mean(key, fields)}")
    if config is None:
        return EnvConfig(**overrides)
    if not isinstance(config, EnvConfig):
        raise ConfigError(f"config must be an EnvConfig, got {type(config).__name__}")
    return dataclasses.replace(config, **overrides) if overrides else config


_E = TypeVar("_E", AnswerRule, ValueSyntax, ValueEquality)


def _enum(name: str, kind: type[_E], value: Any) -> _E:
    """Return ``value`` as a member of ``kind`` (strings from YAML and ``gymnasium.make`` keywords are accepted)."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(repr(member.value) for member in kind)
        raise ConfigError(f"EnvConfig.{name} must be one of {choices}, got {value!r}") from None


def _check_min(name: str, value: object, low: int, why: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"EnvConfig.{name} must be an integer >= {low}, got {value!r}: {why}")


def _check_range(name: str, value: object, low: float, high: float, why: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"EnvConfig.{name} must be in [{low}, {high}], got {value!r}: {why}")
