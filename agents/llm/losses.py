"""The policy loss: PPO-clip surrogate, entropy bonus and optional KL to a reference, as pure torch functions.

Shapes: ``B`` responses, ``T`` completion tokens (right padded), ``V`` vocabulary. Every token-level term is summed
over the valid tokens and divided by ``num_tokens``, the number of valid tokens of the *whole* batch, so losses of
micro-batches add up to the batch's token mean (veRL ``loss_agg_mode="token-mean"``, as in the paper's code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class LossOutput:
    """A differentiable loss and its detached parts.

    Attributes:
        loss: scalar to backpropagate: ``pg - entropy_coef * entropy + kl_coef * kl``.
        stats: ``loss/pg``, ``loss/entropy``, ``loss/kl``, ``loss/clip_frac``, ``loss/approx_kl`` (each a token mean
            scaled by ``tokens / num_tokens``, so micro-batch values sum to batch values), ``loss/total``.
    """

    loss: torch.Tensor
    stats: dict[str, float]


def token_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Log-probability of each target token: logits ``(B, T, V)``, targets ``(B, T)`` -> ``(B, T)``."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)  # (B, T, V)
    return logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)  # (B, T)


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Entropy of each next-token distribution: ``(B, T, V)`` -> ``(B, T)``."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)  # (B, T, V)
    return -(logp.exp() * logp).sum(-1)  # (B, T)


def clipped_surrogate(
    logprobs: torch.Tensor, old_logprobs: torch.Tensor, advantages: torch.Tensor, clip_low: float, clip_high: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token PPO-clip loss ``-min(r A, clip(r, 1 - clip_low, 1 + clip_high) A)`` and where clipping bound.

    Args:
        logprobs: ``(B, T)`` under the current policy (differentiable).
        old_logprobs: ``(B, T)`` under the policy that sampled the tokens.
        advantages: ``(B, T)`` (or ``(B, 1)``, broadcast).
        clip_low: ``eps_low``; symmetric PPO uses ``clip_low == clip_high`` (paper: 0.2).
        clip_high: ``eps_high``; clip-higher (DAPO, AZR master) uses a larger value, e.g. 0.28.

    Returns:
        ``(loss, clipped)``, both ``(B, T)``; ``clipped`` is 1.0 where the clipped branch was taken.
    """
    import torch

    ratio = torch.exp(logprobs - old_logprobs)  # (B, T)
    unclipped = -advantages * ratio  # (B, T)
    clipped = -advantages * torch.clamp(ratio, 1.0 - clip_low, 1.0 + clip_high)  # (B, T)
    return torch.maximum(unclipped, clipped), (clipped > unclipped).float()


def k3_kl(logprobs: torch.Tensor, ref_logprobs: torch.Tensor) -> torch.Tensor:
    """Schulman's k3 estimator of KL(pi || ref) per token: ``exp(d) - d - 1`` with ``d = ref - logprobs``."""
    import torch

    delta = (ref_logprobs - logprobs).clamp(-20.0, 20.0)  # (B, T)
    return torch.exp(delta) - delta - 1.0


def policy_loss(
    logprobs: torch.Tensor,
    old_logprobs: torch.Tensor,
    advantages: torch.Tensor,
    mask: torch.Tensor,
    *,
    num_tokens: int,
    clip_low: float = 0.2,
    clip_high: float = 0.2,
    entropy: torch.Tensor | None = None,
    entropy_coef: float = 0.0,
    ref_logprobs: torch.Tensor | None = None,
    kl_coef: float = 0.0,
) -> LossOutput:
    """Combine the surrogate, entropy bonus and KL penalty into one token-mean loss.

    Args:
        logprobs: ``(B, T)`` current log-probabilities of the sampled tokens.
        old_logprobs: ``(B, T)`` sampling-time log-probabilities.
        advantages: ``(B,)`` one advantage per response, applied to each of its tokens.
        mask: ``(B, T)`` 1.0 on valid completion tokens, 0.0 on padding.
        num_tokens: valid tokens in the whole batch (the token-mean denominator).
        clip_low: PPO ``eps_low``.
        clip_high: PPO ``eps_high``.
        entropy: ``(B, T)`` per-token entropy, needed when ``entropy_coef != 0``.
        entropy_coef: weight of the entropy bonus (paper: 0.001).
        ref_logprobs: ``(B, T)`` reference-policy log-probabilities, needed when ``kl_coef != 0``.
        kl_coef: weight of the k3 KL penalty (paper: 0, no reference model).

    Returns:
        The loss and its stats.
    """
    mask = mask.float()
    pg, clipped = clipped_surrogate(logprobs, old_logprobs, advantages.unsqueeze(-1), clip_low, clip_high)

    def tmean(x: torch.Tensor) -> torch.Tensor:
        return (x * mask).sum() / max(num_tokens, 1)

    pg_loss = tmean(pg)
    loss = pg_loss
    stats = {"loss/pg": pg_loss, "loss/clip_frac": tmean(clipped), "loss/approx_kl": tmean(old_logprobs - logprobs)}
    if entropy is not None:
        stats["loss/entropy"] = tmean(entropy)
        loss = loss - entropy_coef * stats["loss/entropy"]
    if ref_logprobs is not None:
        stats["loss/kl"] = tmean(k3_kl(logprobs, ref_logprobs))
        loss = loss + kl_coef * stats["loss/kl"]
    stats["loss/total"] = loss
    return LossOutput(loss=loss, stats={k: float(v.detach()) for k, v in stats.items()})
