"""The policy update: recompute log-probabilities on the generated ids, PPO-clip loss, clip, step.

Micro-batches bound memory: each one is a forward and backward over at most ``micro_batch_size`` responses,
with the loss scaled by the token count of the whole slice so gradients accumulate to the slice's token mean.
Sequences are ``prompt_ids + completion_ids`` exactly as generated, right padded; a slice is cut into
micro-batches in order of length (less padding), and the LM head runs only from the shortest prompt's end on.

``TrainConfig.update_autocast="bfloat16"`` runs the forward passes under ``torch.autocast``: matrix products in
bfloat16 (twice as fast on a CPU with AVX-512 bf16 or AMX), while the weights, their gradients, the optimizer state
and the loss stay float32. That keeps the update's math: an AdamW step at the paper's learning rate (1e-6) is far
below the spacing of bfloat16 numbers near a typical weight (about 1e-4), so with bfloat16 *weights* almost every
update rounds away (on SmolLM2-135M one step changed 0.4% of the weights, against 99.4% in float32).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from agents.llm.forward_args import accepts_logits_to_keep
from agents.llm.losses import policy_loss
from agents.llm.prefix import PrefixGroup, SharedPrefix, prefix_groups
from agents.llm.sampling import Generation

if TYPE_CHECKING:
    import torch

    from agents.llm.config import TrainConfig


@dataclass(frozen=True)
class TokenBatch:
    """A right-padded micro-batch; completion tokens are scored from position ``start`` on.

    Attributes:
        input_ids: ``(B, L)`` prompt + completion ids.
        attention_mask: ``(B, L)``.
        targets: ``(B, W)`` the ids predicted by positions ``start .. L - 2`` (``W = L - 1 - start``).
        mask: ``(B, W)`` 1.0 where the target is a completion token.
        rollout_logprobs: ``(B, W)`` the backend's logprobs aligned with ``targets`` (0 elsewhere).
        start: first scored position (the shortest prompt's last token).
    """

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    targets: torch.Tensor
    mask: torch.Tensor
    rollout_logprobs: torch.Tensor
    start: int


def pack(generations: Sequence[Generation], pad_id: int, device: Any, skip: int = 0) -> TokenBatch:
    """Right-pad ``prompt_ids + completion_ids`` of each generation, less its first ``skip`` tokens, into a batch.

    ``skip`` (a shared prefix forwarded apart) must be shorter than the shortest prompt.
    """
    import torch

    rows = [(g.prompt_ids + g.completion_ids)[skip:] for g in generations]
    width = max(len(r) for r in rows)
    start = min(len(g.prompt_ids) for g in generations) - 1 - skip
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attn = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width - 1 - start))
    old = torch.zeros((len(rows), width - 1 - start))
    for i, (g, row) in enumerate(zip(generations, rows, strict=True)):
        ids[i, : len(row)] = torch.tensor(row)
        attn[i, : len(row)] = 1
        first = len(g.prompt_ids) - 1 - skip - start  # column of the first completion target
        mask[i, first : first + len(g.completion_ids)] = 1.0
        old[i, first : first + len(g.completion_ids)] = torch.tensor(g.logprobs, dtype=torch.float32)
    targets = ids[:, start + 1 :]
    return TokenBatch(ids.to(device), attn.to(device), targets.to(device), mask.to(device), old.to(device), start)


def score_tokens(
    model: Any, batch: TokenBatch, temperature: float, with_entropy: bool, prefix: SharedPrefix | None = None
) -> tuple[Any, Any]:
    """Log-probabilities ``(B, W)`` of the targets under ``model`` at ``temperature``, and entropies (or None).

    With a ``prefix``, ``batch`` holds what follows it (``pack(..., skip=prefix.length)``) and attends to its cache.
    """
    import torch

    keep = batch.input_ids.shape[1] - batch.start  # positions start .. L-1: the lm head skips the shared prompt
    extra: dict[str, Any] = {"logits_to_keep": keep} if accepts_logits_to_keep(model) else {}
    if prefix is None:
        extra |= {"attention_mask": batch.attention_mask, "use_cache": False}
    else:
        extra |= {**prefix.forward_kwargs(batch.attention_mask), "use_cache": True}
    out = model(input_ids=batch.input_ids, **extra)
    logp = torch.log_softmax(out.logits[:, -keep:-1].float() / temperature, dim=-1)  # (B, W, V), computed once
    entropy = -(logp.exp() * logp).sum(-1) if with_entropy else None  # (B, W)
    return logp.gather(-1, batch.targets.unsqueeze(-1)).squeeze(-1), entropy


@contextlib.contextmanager
def autocast_to(model: Any, dtype: str | None) -> Iterator[None]:
    """``torch.autocast`` to ``dtype`` on the model's device type, or nothing when ``dtype`` is None."""
    if dtype is None:
        yield
        return
    import torch

    device_type = next(model.parameters()).device.type
    with torch.autocast(device_type=device_type, dtype=getattr(torch, dtype)):
        yield


def micro_batches(indices: np.ndarray, size: int) -> list[np.ndarray]:
    """Consecutive chunks of at most ``size`` indices."""
    return [indices[i : i + size] for i in range(0, len(indices), size)]


def update_policy(
    model: Any,
    optimizer: torch.optim.Optimizer,
    generations: Sequence[Generation],
    advantages: np.ndarray,
    config: TrainConfig,
    *,
    pad_id: int,
    ref_model: Any = None,
) -> dict[str, float]:
    """Take ``config.updates_per_step`` optimizer steps on the batch; return averaged loss statistics.

    With one update per step (the paper) the "old" log-probabilities are the detached current ones, so the ratio
    is exactly 1 and the step is on-policy REINFORCE with the given advantages, as in the paper's code. With more,
    they are computed once before the first step. ``config.update_autocast`` (for example ``"bfloat16"``) runs
    every forward pass under ``torch.autocast`` (see the module docstring).
    """
    import torch

    slices = np.array_split(np.arange(len(generations)), config.updates_per_step)
    with autocast_to(model, config.update_autocast):
        old = precompute_logprobs(model, generations, config, pad_id) if config.updates_per_step > 1 else None
    share = sharing_on(model, generations, config)
    totals: dict[str, float] = {}
    model.train()
    for part in slices:
        n_tokens = sum(len(generations[i].completion_ids) for i in part)
        rows = part.tolist()
        groups = merge_unshared(prefix_groups(generations, rows)) if share else [PrefixGroup(tuple(rows), 0)]
        for group in groups:
            for stats in backward_group(
                model, generations, group, advantages, config=config, n_tokens=n_tokens, pad_id=pad_id, old=old,
                ref_model=ref_model,
            ):  # fmt: skip
                add_into(totals, stats, 1.0 / len(slices))
        params = [p for p in model.parameters() if p.requires_grad]
        norm = torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
        add_into(totals, {"train/grad_norm": float(norm)}, 1.0 / len(slices))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return totals


def sharing_on(model: Any, generations: Sequence[Generation], config: TrainConfig) -> bool:
    """Whether the update forwards shared prompt prefixes once (``config.share_prompt_prefix``).

    Not with gradient checkpointing, which drops the KV cache, nor for a model whose cache is not a plain
    ``DynamicCache`` (``agents.llm.prefix``).
    """
    if not config.share_prompt_prefix or config.gradient_checkpointing or not generations:
        return False
    return SharedPrefix.supported(model, generations[0].prompt_ids)


def merge_unshared(groups: Sequence[PrefixGroup]) -> list[PrefixGroup]:
    """The groups that share a prefix, then one group of every generation that shares none (batched by length)."""
    alone = tuple(i for g in groups if g.shared == 0 for i in g.indices)
    return [g for g in groups if g.shared > 0] + ([PrefixGroup(alone, 0)] if alone else [])


def backward_group(
    model: Any,
    generations: Sequence[Generation],
    group: PrefixGroup,
    advantages: np.ndarray,
    *,
    config: TrainConfig,
    n_tokens: int,
    pad_id: int,
    old: list[Any] | None,
    ref_model: Any,
) -> list[dict[str, float]]:
    """Forward and backward of one group's micro-batches (after its shared prefix, forwarded once); their stats."""
    import torch

    device = next(model.parameters()).device
    prompt = generations[group.indices[0]].prompt_ids[: group.shared]
    prefix = ref_prefix = None
    if group.shared:
        with autocast_to(model, config.update_autocast):
            prefix = SharedPrefix(model, prompt)
            if ref_model is not None:
                with torch.no_grad():
                    ref_prefix = SharedPrefix(ref_model, prompt)
    by_length = sorted(group.indices, key=lambda i: len(generations[i].prompt_ids) + len(generations[i].completion_ids))
    out = []
    for idx in micro_batches(np.asarray(by_length), config.micro_batch_size):
        batch = pack([generations[i] for i in idx], pad_id, device, skip=group.shared)
        old_rows = None if old is None else [old[i] for i in idx]
        out.append(backward_micro(
            model, batch, advantages[idx], config=config, n_tokens=n_tokens, old_rows=old_rows, ref_model=ref_model,
            prefix=prefix, ref_prefix=ref_prefix,
        ))  # fmt: skip
    if prefix is not None:
        prefix.backward()
    return out


def backward_micro(
    model: Any,
    batch: TokenBatch,
    advantages: np.ndarray,
    *,
    config: TrainConfig,
    n_tokens: int,
    old_rows: list[Any] | None = None,
    ref_model: Any = None,
    prefix: SharedPrefix | None = None,
    ref_prefix: SharedPrefix | None = None,
) -> dict[str, float]:
    """Forward, loss and backward of one micro-batch; returns its share of the statistics.

    ``prefix`` and ``ref_prefix`` (the policy's and the reference's) are given when ``batch`` was packed without it.
    """
    import torch

    with autocast_to(model, config.update_autocast):
        logp, entropy = score_tokens(model, batch, config.temperature, config.entropy_coef != 0.0, prefix)
        ref = None
        if ref_model is not None:
            with torch.no_grad():
                ref, _ = score_tokens(ref_model, batch, config.temperature, False, ref_prefix)
    old_logp = logp.detach() if old_rows is None else pad_like(logp, old_rows, batch)
    adv = torch.as_tensor(advantages, dtype=torch.float32, device=logp.device)
    out = policy_loss(
        logp, old_logp, adv, batch.mask, num_tokens=n_tokens, clip_low=config.clip_low, clip_high=config.clip_high,
        entropy=entropy, entropy_coef=config.entropy_coef, ref_logprobs=ref, kl_coef=config.kl_coef,
    )  # fmt: skip
    out.loss.backward()
    drift = ((logp.detach() - batch.rollout_logprobs).abs() * batch.mask).sum() / max(n_tokens, 1)
    return {**out.stats, "train/rollout_logprob_drift": float(drift)}


def precompute_logprobs(model: Any, generations: Sequence[Generation], config: TrainConfig, pad_id: int) -> list[Any]:
    """Per-generation ``(len(completion),)`` log-probabilities under the current policy, without gradients."""
    import torch

    device = next(model.parameters()).device
    out: list[Any] = []
    with torch.no_grad():
        for idx in micro_batches(np.arange(len(generations)), config.micro_batch_size):
            batch = pack([generations[i] for i in idx], pad_id, device)
            logp, _ = score_tokens(model, batch, config.temperature, False)
            out += [row[m.bool()] for row, m in zip(logp, batch.mask, strict=True)]
    return out


def pad_like(like: Any, rows: Sequence[Any], batch: TokenBatch) -> Any:
    """Scatter per-generation logprob vectors into the ``(B, W)`` layout of ``batch``."""
    out = like.detach().clone()
    for i, row in enumerate(rows):
        out[i, batch.mask[i].bool()] = row
    return out


def add_into(totals: dict[str, float], stats: dict[str, float], weight: float) -> None:
    """``totals[k] += weight * stats[k]``."""
    for key, value in stats.items():
        totals[key] = totals.get(key, 0.0) + weight * value
