"""Token-by-token sampling with a KV cache: the decoding loop behind ``HFBackend``.

Why not ``model.generate``: it samples with the global torch RNG (no ``generator`` argument), and getting the
sampled tokens' log-probabilities from it means keeping every step's full logits, (steps, batch, vocab) floats.
This loop draws from an injected ``torch.Generator`` and keeps one float per sampled token. For greedy decoding it
produces the same tokens as ``generate`` (a test checks it). Everything here runs under ``torch.no_grad()``.

Identical prompts in a batch (the n solver attempts at one proposal are n copies of its solver prompt) are
prefilled once: the prefill runs over the distinct rows only and its KV cache and last logits are expanded to the
full batch before the first token is drawn, so the sampled tokens come from the same distributions and the same
random stream as a full prefill (up to float rounding: a matmul over fewer rows may round differently).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from agents.llm.forward_args import accepts_logits_to_keep, cache_argument
from agents.llm.sampling import SamplingParams


@dataclass
class DecodedBatch:
    """Result of ``decode_batch`` for a left-padded batch of B prompts.

    Attributes:
        tokens: (B, T) sampled ids; positions after a row's EOS hold the pad id.
        logprobs: (B, T) log-probabilities of ``tokens`` (see ``Generation.logprobs``); 0 after EOS.
        lengths: (B,) completion length per row, EOS included.
        stopped: (B,) whether the row ended with an EOS token.
    """

    tokens: torch.Tensor
    logprobs: torch.Tensor
    lengths: torch.Tensor
    stopped: torch.Tensor


def filter_logits(logits: torch.Tensor, top_k: int | None, top_p: float | None) -> torch.Tensor:
    """Set logits outside the top-k / nucleus (top-p) set to -inf. (B, V) -> (B, V); no-op when both are None."""
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True)  # (B, V)
        sorted_probs = torch.softmax(sorted_logits, dim=-1)
        drop_sorted = sorted_probs.cumsum(-1) - sorted_probs >= top_p  # mass before each token; keeps the first
        drop = torch.zeros_like(drop_sorted).scatter(-1, order, drop_sorted)
        logits = logits.masked_fill(drop, float("-inf"))
    return logits


def pick_tokens(
    logits: torch.Tensor, params: SamplingParams, generator: torch.Generator, banned: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Choose the next token per row and its log-probability. (B, V) raw logits -> ((B,) ids, (B,) logprobs).

    ``banned`` ids (EOS before ``min_new_tokens``) are never chosen; the log-probabilities ignore the ban.
    """
    scaled = logits.float() / params.logprob_temperature  # (B, V)
    allowed = scaled if banned is None else scaled.index_fill(-1, banned, float("-inf"))
    if params.greedy:
        tokens = torch.argmax(allowed, dim=-1)
    else:
        probs = torch.softmax(filter_logits(allowed, params.top_k, params.top_p), dim=-1)
        tokens = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
    logprobs = torch.log_softmax(scaled, dim=-1).gather(-1, tokens[:, None]).squeeze(-1)
    return tokens, logprobs


def decode_batch(
    model: Any,
    input_ids: torch.Tensor,
    attention_mask: torch.Tensor,
    *,
    params: SamplingParams,
    generator: torch.Generator,
    eos_ids: torch.Tensor,
    pad_id: int,
) -> DecodedBatch:
    """Sample up to ``params.max_new_tokens`` tokens for a left-padded (B, P) batch, stopping rows at EOS."""
    batch = input_ids.shape[0]
    positions = (attention_mask.cumsum(-1) - 1).clamp(min=0)  # (B, P)
    logits, cache = prefill(model, input_ids, attention_mask, positions)
    name = cache_argument(model)
    done = torch.zeros(batch, dtype=torch.bool, device=input_ids.device)
    lengths = torch.zeros(batch, dtype=torch.long, device=input_ids.device)
    tokens, logprobs = [], []
    for step in range(params.max_new_tokens):
        banned = eos_ids if step < params.min_new_tokens else None
        step_tokens, step_logprobs = pick_tokens(logits, params, generator, banned)
        step_tokens = step_tokens.masked_fill(done, pad_id)
        tokens.append(step_tokens)
        logprobs.append(step_logprobs.masked_fill(done, 0.0))
        lengths += (~done).long()
        done |= torch.isin(step_tokens, eos_ids)
        if bool(done.all()) or step + 1 == params.max_new_tokens:
            break  # no forward for a token that will never be drawn
        attention_mask = torch.cat([attention_mask, attention_mask.new_ones(batch, 1)], dim=-1)
        positions = positions[:, -1:] + 1
        out = model(
            input_ids=step_tokens[:, None],
            attention_mask=attention_mask,
            position_ids=positions,
            use_cache=True,
            **{name: cache},
        )
        logits, cache = out.logits[:, -1, :], getattr(out, name)
    return DecodedBatch(torch.stack(tokens, dim=1), torch.stack(logprobs, dim=1), lengths, done)


def prefill(
    model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, positions: torch.Tensor
) -> tuple[torch.Tensor, Any]:
    """Run the prompt forward once per distinct row; return ``(B, V)`` last logits and the ``(B, ...)`` KV cache."""
    rows = torch.cat([input_ids, attention_mask], dim=-1)  # (B, 2P): equal rows are equal prompts
    distinct, index = torch.unique(rows, dim=0, return_inverse=True)  # (U, 2P), (B,)
    shared = distinct.shape[0] < rows.shape[0]
    if shared:
        first = torch.full((distinct.shape[0],), -1, dtype=torch.long, device=index.device)
        first.scatter_reduce_(0, index, torch.arange(len(index), device=index.device), "amin", include_self=False)
        input_ids, attention_mask, positions = input_ids[first], attention_mask[first], positions[first]
    out = model(
        input_ids=input_ids, attention_mask=attention_mask, position_ids=positions, use_cache=True, **_last_only(model)
    )
    logits, cache = out.logits[:, -1, :], getattr(out, cache_argument(model))
    if shared:
        cache.reorder_cache(index)  # (U, ...) -> (B, ...): row b takes the cache of its distinct prompt
        logits = logits[index]
    return logits, cache


def _last_only(model: Any) -> dict[str, int]:
    """``{"logits_to_keep": 1}`` when the model supports it: the prefill then skips (B, P, V) logits."""
    return {"logits_to_keep": 1} if accepts_logits_to_keep(model) else {}
