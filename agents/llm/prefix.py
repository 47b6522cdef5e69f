"""Shared prompt prefixes in the update: a prefix common to several responses is forwarded once, gradients included.

The responses of one step share long prompt prefixes: the n solver attempts at a proposal are n copies of one
prompt, and the proposer prompts of a task type share their instructions (about 700 of 790 tokens for the 0.5B model
in the chat format). ``prefix_groups`` partitions a slice of the batch into groups whose prompts share a prefix,
choosing the partition that skips the most prompt tokens. ``SharedPrefix`` forwards a group's prefix once and hands
each micro-batch of the group a KV cache that starts from it; each micro-batch's backward pass leaves its gradient
with respect to the prefix's keys and values on detached copies of them, and ``SharedPrefix.backward`` sends the
sum back through the prefix's forward pass once.

The math is that of full forward passes: in a decoder-only transformer the suffix sees the prefix only through each
layer's keys and values, so the log-probabilities and their gradients are the same up to float rounding
(``tests/agents/llm/test_prefix.py`` checks both against full passes).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents.llm.forward_args import accepts_logits_to_keep, cache_argument
from agents.llm.sampling import Generation

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class PrefixGroup:
    """Generations (indices into the batch) whose first ``shared`` prompt tokens are equal; 0 shares nothing."""

    indices: tuple[int, ...]
    shared: int


def common_length(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common prefix of two id sequences."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def prefix_groups(generations: Sequence[Generation], indices: Sequence[int]) -> list[PrefixGroup]:
    """Partition ``indices`` into groups of shared prompt prefixes, skipping the most prompt tokens in all.

    Prompts sorted in lexicographic order put every set of prompts with a common prefix next to each other; a
    dynamic program over that order picks the runs that maximize ``sum((len(run) - 1) * shared(run))``. A group's
    prefix stops one token before its shortest prompt ends, so every response is scored from its own forward pass.
    """
    order = sorted(indices, key=lambda i: generations[i].prompt_ids)
    prompts = [generations[i].prompt_ids for i in order]
    adjacent = [common_length(a, b) for a, b in itertools.pairwise(prompts)]
    best = [0] * (len(order) + 1)  # best[j]: most tokens skipped by the first j prompts
    cut = list(range(-1, len(order)))  # cut[j]: where the last run of that optimum starts
    share = [0] * (len(order) + 1)  # share[j]: that run's shared length
    for end in range(1, len(order) + 1):
        best[end] = best[end - 1]
        shared = len(prompts[end - 1]) - 1
        for begin in range(end - 2, -1, -1):
            shared = min(shared, adjacent[begin], len(prompts[begin]) - 1)
            if shared <= 0:
                break
            if best[begin] + (end - 1 - begin) * shared > best[end]:
                best[end], cut[end], share[end] = best[begin] + (end - 1 - begin) * shared, begin, shared
    groups: list[PrefixGroup] = []
    end = len(order)
    while end > 0:
        groups.append(PrefixGroup(tuple(order[cut[end] : end]), share[end]))
        end = cut[end]
    return groups[::-1]


class SharedPrefix:
    """A prefix forwarded once; its keys and values feed the micro-batches of one group.

    Args:
        model: The causal LM (its forward pass runs under the caller's autocast and grad mode).
        prefix_ids: The shared prompt tokens.
    """

    def __init__(self, model: Any, prefix_ids: Sequence[int]) -> None:
        import torch

        device = next(model.parameters()).device
        self.length = len(prefix_ids)
        self._name = cache_argument(model)
        extra = {"logits_to_keep": 1} if accepts_logits_to_keep(model) else {}
        out = model(input_ids=torch.tensor([list(prefix_ids)], device=device), use_cache=True, **extra)
        self._kept = [(layer.keys, layer.values) for layer in getattr(out, self._name).layers]
        self._leaves = [tuple(t.detach().requires_grad_(t.requires_grad) for t in kv) for kv in self._kept]

    @staticmethod
    def supported(model: Any, prefix_ids: Sequence[int]) -> bool:
        """Whether ``model``'s cache for a short prefix is a plain full-attention ``DynamicCache``."""
        import torch
        from transformers import DynamicCache

        device = next(model.parameters()).device
        with torch.no_grad():
            out = model(input_ids=torch.tensor([list(prefix_ids[:2])], device=device), use_cache=True)
        cache = getattr(out, cache_argument(model), None)
        plain = type(cache) is DynamicCache and hasattr(cache, "layers")
        return plain and not any(getattr(cache, "is_sliding", [True]))

    def forward_kwargs(self, attention_mask: torch.Tensor) -> dict[str, Any]:
        """Arguments of a forward pass over ``(B, L)`` suffixes that follow the prefix: cache, mask, positions."""
        import torch
        from transformers import DynamicCache

        rows, width = attention_mask.shape
        cache = DynamicCache()
        for layer, (keys, values) in enumerate(self._leaves):
            cache.update(keys.expand(rows, -1, -1, -1), values.expand(rows, -1, -1, -1), layer)
        ones = attention_mask.new_ones(rows, self.length)
        positions = torch.arange(self.length, self.length + width, device=attention_mask.device).expand(rows, -1)
        mask = torch.cat([ones, attention_mask], dim=-1)
        return {self._name: cache, "attention_mask": mask, "position_ids": positions}

    def backward(self) -> None:
        """Send the gradients the micro-batches left on the prefix's keys and values back through its forward pass."""
        import torch

        pairs = [(t, leaf.grad) for kv, leaves in zip(self._kept, self._leaves, strict=True)
                 for t, leaf in zip(kv, leaves, strict=True) if leaf.grad is not None]  # fmt: skip
        if pairs:
            torch.autograd.backward([t for t, _ in pairs], [g for _, g in pairs])
        self._kept, self._leaves = [], []
