"""The rollout-backend contract and the factory that builds a backend by name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from agents.llm.prompting import PromptText
from agents.llm.sampling import Generation, SamplingParams
from azr_env.errors import ConfigError, UnknownNameError


@runtime_checkable
class RolloutBackend(Protocol):
    """Turns prompt texts into sampled completions for the trainer.

    Contract, shared by every backend:

    - ``generate(prompts, params)`` returns one ``Generation`` per prompt, in order. Each carries the prompt ids the
      model saw, the sampled completion ids (through EOS, no padding), their log-probabilities under
      ``log_softmax(logits / params.logprob_temperature)`` before top-k/top-p truncation, the decoded text and a
      finish reason. The trainer scores these ids directly and never re-tokenizes ``text``.
    - The same ``params.seed``, prompts, batch size and weights give the same generations.
    - ``sync_weights(model)`` makes later generations use ``model``'s current weights (the trainer calls it after
      every optimizer step). ``close()`` releases the backend's resources and is idempotent.
    - Rollouts never record an autograd graph.
    """

    def generate(self, prompts: Sequence[str], params: SamplingParams) -> list[Generation]:
        """Sample one completion per prompt."""
        ...

    def sync_weights(self, model: Any) -> None:
        """Make the backend generate with ``model``'s current weights."""
        ...

    def close(self) -> None:
        """Release resources; safe to call twice."""
        ...


BACKENDS = ("hf", "vllm")
"""Names accepted by ``make_backend``."""


def make_backend(name: str, model: Any, tokenizer: Any, **kwargs: Any) -> RolloutBackend:
    """Build a rollout backend by name.

    Args:
        name: ``"hf"`` (``HFBackend``, transformers ``generate``-style decoding; CPU and GPU) or ``"vllm"``
            (``VLLMBackend``; GPU, needs the ``vllm`` extra).
        model: The policy model (``HFBackend`` uses it in place; ``VLLMBackend`` also accepts a model directory).
        tokenizer: The policy's tokenizer.
        **kwargs: Passed to the backend's constructor.

    Raises:
        UnknownNameError: ``name`` is not one of ``BACKENDS``.
        MissingDependencyError: The backend's optional extra is not installed.
    """
    if name == "hf":
        from agents.llm.backends.hf import HFBackend

        return HFBackend(model, tokenizer, **kwargs)
    if name == "vllm":
        from agents.llm.backends.vllm import VLLMBackend

        return VLLMBackend(model, tokenizer, **kwargs)
    raise UnknownNameError("rollout backend", name, BACKENDS)


def encode_prompts(tokenizer: Any, prompts: Sequence[str], add_special_tokens: bool) -> list[list[int]]:
    """Token ids of each prompt, unpadded; the ids every backend hands to its model and returns as ``prompt_ids``.

    A ``PromptText`` whose literal spans hold a special token's text (``<|im_end|>`` quoted in a program) is encoded
    span by span, the literal ones with special tokens split, so quoted text never becomes a control token; every
    other prompt is encoded whole, as the tokenizer reads it.

    Raises:
        ConfigError: A prompt encodes to zero tokens (there is nothing to condition the first token on).
    """
    rows = [list(r) for r in tokenizer(list(prompts), add_special_tokens=add_special_tokens)["input_ids"]]
    specials = special_texts(tokenizer)
    for i, prompt in enumerate(prompts):
        if isinstance(prompt, PromptText) and _quotes_special(prompt, specials):
            rows[i] = _encode_spans(tokenizer, prompt, add_special_tokens)
        if not rows[i]:
            raise ConfigError(f"prompt {i} encodes to zero tokens: the model needs at least one to condition on")
    return rows


def special_texts(tokenizer: Any) -> frozenset[str]:
    """The texts that ``tokenizer`` encodes as special tokens (none for a tokenizer without added tokens)."""
    added = getattr(tokenizer, "added_tokens_decoder", {}).values()
    return frozenset(getattr(tokenizer, "all_special_tokens", ())) | {t.content for t in added if t.special}


def _quotes_special(prompt: PromptText, specials: frozenset[str]) -> bool:
    return any(special in text for text, literal in prompt.spans if literal for special in specials)


def _encode_spans(tokenizer: Any, prompt: PromptText, add_special_tokens: bool) -> list[int]:
    """The ids of each span in turn, after the ids the tokenizer adds to an empty text (a BOS) when asked."""
    ids = list(tokenizer("", add_special_tokens=True)["input_ids"]) if add_special_tokens else []
    for text, literal in prompt.spans:
        ids += tokenizer(text, add_special_tokens=False, split_special_tokens=literal)["input_ids"]
    return ids
