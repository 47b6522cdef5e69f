"""A tiny, seeded, randomly initialised Qwen2 causal LM with a byte-level tokenizer, for tests and benchmarks.

It is a real ``transformers`` model (``Qwen2ForCausalLM``), so every code path that runs on a pretrained model
(generation with a KV cache, a training forward and backward, ``save_pretrained`` / ``load_policy``) runs on it too,
in milliseconds on a CPU. Its outputs are noise; it learns only what a test trains it to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.llm.tokenizer_bytes import ByteTokenizer
from azr_env.errors import ConfigError

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel

_INIT_STD = 0.02
_HEADS = 4
_KV_HEADS = 2


def tiny_policy(seed: int = 0, hidden: int = 64, layers: int = 2) -> tuple[PreTrainedModel, ByteTokenizer]:
    """Build a random ``Qwen2ForCausalLM`` over the 259-id byte vocabulary, and its tokenizer.

    Args:
        seed: Seed of the weight initialisation; the same seed gives bit-identical weights. The global torch RNG
            is neither read nor changed.
        hidden: Hidden size; a multiple of 8 (four attention heads of an even head size).
        layers: Number of decoder layers (>= 1).

    Returns:
        ``(model, tokenizer)``; the model is float32, on the CPU, in eval mode, with tied input/output embeddings.
    """
    if hidden < 8 or hidden % (2 * _HEADS):
        raise ConfigError(f"hidden must be a positive multiple of {2 * _HEADS} (got {hidden}): 4 heads, even head size")
    if layers < 1:
        raise ConfigError(f"layers must be >= 1 (got {layers})")
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tokenizer = ByteTokenizer()
    config = Qwen2Config(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        intermediate_size=4 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=_HEADS,
        num_key_value_heads=_KV_HEADS,
        max_position_embeddings=32768,
        tie_word_embeddings=True,
        initializer_range=_INIT_STD,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    with torch.random.fork_rng(devices=[]):  # the constructor's own init draws from the global RNG: contain it
        model = Qwen2ForCausalLM(config)
    _seeded_init(model, seed)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.bos_token_id = tokenizer.bos_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    return model.eval(), tokenizer


def _seeded_init(model: torch.nn.Module, seed: int) -> None:
    """Re-initialise every parameter from one ``torch.Generator``: matrices N(0, 0.02), norms 1, biases 0."""
    import torch

    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.dim() >= 2:
                param.copy_(torch.randn(param.shape, generator=generator) * _INIT_STD)
            elif "norm" in name:
                param.fill_(1.0)
            else:
                param.zero_()
