"""Backend-neutral sampling settings and generation results.

The trainer and every rollout backend speak these two types, never a backend's own (``transformers``'
``GenerationConfig`` or ``vllm.SamplingParams``), so a backend can be swapped without touching the trainer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from azr_env.errors import ConfigError

FinishReason = Literal["stop", "length"]


@dataclass(frozen=True)
class SamplingParams:
    """How to sample completions.

    Attributes:
        max_new_tokens: Most tokens generated per completion (the EOS token counts). Must be >= 1.
        temperature: Softmax temperature. ``0.0`` means greedy decoding; otherwise must be > 0. The paper samples
            at 1.0.
        top_p: Nucleus sampling mass in (0, 1], or ``None`` for off. ``None`` is not the same as 1.0 for speed:
            backends skip the vocabulary sort entirely when it is ``None``.
        top_k: Keep only the ``top_k`` most likely tokens (>= 1), or ``None`` for off.
        seed: Seed of the backend's own random generator for this call; the same seed, prompts and weights give
            the same generations. ``None`` draws fresh entropy (not reproducible).
        min_new_tokens: EOS cannot be drawn before this many tokens (0, the default: off). ``min_new_tokens ==
            max_new_tokens`` makes every completion exactly that long, so two backends can be timed on identical
            work; ``Generation.logprobs`` stay those of the unmasked distribution.
    """

    max_new_tokens: int = 512
    temperature: float = 1.0
    top_p: float | None = None
    top_k: int | None = None
    seed: int | None = None
    min_new_tokens: int = 0

    def __post_init__(self) -> None:
        if self.max_new_tokens < 1:
            raise ConfigError(f"max_new_tokens must be >= 1 (got {self.max_new_tokens}): a completion needs a token")
        if self.temperature < 0.0:
            raise ConfigError(f"temperature must be >= 0 (got {self.temperature}); use 0.0 for greedy decoding")
        if self.top_p is not None and not 0.0 < self.top_p <= 1.0:
            raise ConfigError(f"top_p must be in (0, 1] or None (got {self.top_p}): it is a probability mass")
        if self.top_k is not None and self.top_k < 1:
            raise ConfigError(f"top_k must be >= 1 or None (got {self.top_k}): zero tokens cannot be sampled")
        if not 0 <= self.min_new_tokens <= self.max_new_tokens:
            raise ConfigError(
                f"min_new_tokens must be in [0, max_new_tokens={self.max_new_tokens}] (got {self.min_new_tokens})"
            )

    @property
    def greedy(self) -> bool:
        """Whether decoding is greedy (``temperature == 0``)."""
        return self.temperature == 0.0

    @property
    def logprob_temperature(self) -> float:
        """The temperature under which ``Generation.logprobs`` are computed: ``temperature``, or 1.0 when greedy."""
        return 1.0 if self.greedy else self.temperature


@dataclass(frozen=True)
class Generation:
    """One sampled completion, with everything the trainer needs to score it without re-tokenizing.

    Attributes:
        prompt_ids: Token ids of the prompt as the model saw it (no padding).
        completion_ids: Sampled token ids, up to and including the EOS token when one was sampled; no padding.
        logprobs: One float per completion id: ``log_softmax(logits / T)[token]`` where ``logits`` are the raw
            model logits at that position and ``T`` is ``SamplingParams.logprob_temperature``, computed before any
            top-k / top-p truncation or ``min_new_tokens`` EOS masking. This is exactly what a training forward pass
            recomputes from ``prompt_ids + completion_ids`` at the same temperature, so it is the "old"
            log-probability of the PPO ratio (equal to the sampling distribution's own log-probability when top-k,
            top-p and ``min_new_tokens`` are off).
        text: ``completion_ids`` decoded with special tokens removed.
        finish_reason: ``"stop"`` when an EOS token ended the completion, ``"length"`` when ``max_new_tokens`` did.
    """

    prompt_ids: list[int]
    completion_ids: list[int]
    logprobs: list[float]
    text: str
    finish_reason: FinishReason
