"""PPO-clip surrogate, entropy and KL terms against hand-computed values."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from agents.llm.losses import entropy_from_logits, k3_kl, policy_loss  # noqa: E402


def one_token_loss(ratio, advantage, clip_low=0.2, clip_high=0.2):
    logp = torch.tensor([[math.log(ratio)]], requires_grad=True)
    out = policy_loss(
        logp, torch.zeros(1, 1), torch.tensor([advantage]), torch.ones(1, 1),
        num_tokens=1, clip_low=clip_low, clip_high=clip_high,
    )  # fmt: skip
    out.loss.backward()
    return out, float(logp.grad)


def test_ratio_above_the_clip_range_with_positive_advantage_has_zero_gradient():
    out, grad = one_token_loss(1.5, 1.0)
    assert out.stats["loss/pg"] == pytest.approx(-1.2)
    assert grad == 0.0
    assert out.stats["loss/clip_frac"] == 1.0


def test_ratio_below_the_clip_range_with_negative_advantage_has_zero_gradient():
    _, grad = one_token_loss(0.5, -1.0)
    assert grad == 0.0


def test_pessimistic_branch_keeps_the_gradient():
    out, grad = one_token_loss(1.5, -1.0)  # -A * ratio = 1.5 is the max; d/dlogp = 1.5
    assert out.stats["loss/pg"] == pytest.approx(1.5)
    assert grad == pytest.approx(1.5)


def test_inside_the_range_gradient_is_minus_advantage_times_ratio():
    _, grad = one_token_loss(1.0, 2.0)
    assert grad == pytest.approx(-2.0)


def test_clip_higher_widens_only_the_upper_bound():
    symmetric, _ = one_token_loss(1.25, 1.0)
    higher, _ = one_token_loss(1.25, 1.0, clip_high=0.28)
    assert symmetric.stats["loss/pg"] == pytest.approx(-1.2)
    assert higher.stats["loss/pg"] == pytest.approx(-1.25)


def test_token_mean_uses_the_batch_token_count_and_ignores_padding():
    logp = torch.zeros(2, 3)
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    out = policy_loss(logp, logp, torch.tensor([1.0, 4.0]), mask, num_tokens=6)
    assert out.stats["loss/pg"] == pytest.approx(-(1 + 1 + 4) / 6)


def test_entropy_of_uniform_logits_is_log_vocab():
    assert float(entropy_from_logits(torch.zeros(1, 1, 4))) == pytest.approx(math.log(4))


def test_k3_kl_hand_value():
    value = float(k3_kl(torch.tensor([0.0]), torch.tensor([math.log(0.5)])))
    assert value == pytest.approx(0.5 + math.log(2) - 1)


def test_entropy_bonus_and_kl_enter_the_total():
    logp = torch.zeros(1, 1)
    out = policy_loss(
        logp, logp, torch.tensor([0.0]), torch.ones(1, 1), num_tokens=1,
        entropy=torch.tensor([[2.0]]), entropy_coef=0.1, ref_logprobs=torch.tensor([[math.log(0.5)]]), kl_coef=1.0,
    )  # fmt: skip
    assert out.stats["loss/total"] == pytest.approx(-0.2 + (0.5 + math.log(2) - 1))
