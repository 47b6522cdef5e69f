"""The policy update on the tiny random model."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from agents.llm.backends.hf import HFBackend  # noqa: E402
from agents.llm.config import TrainConfig  # noqa: E402
from agents.llm.sampling import SamplingParams  # noqa: E402
from agents.llm.tiny import tiny_policy  # noqa: E402
from agents.llm.update import pack, score_tokens, update_policy  # noqa: E402

PROMPTS = ["def f(x):", "Assistant: <think>", "print(1)", "abc"]


@pytest.fixture
def rollout():
    model, tok = tiny_policy(seed=0)
    gens = HFBackend(model, tok).generate(PROMPTS, SamplingParams(max_new_tokens=6, seed=1))
    return model, tok, gens


def run_update(model, tok, gens, **overrides):
    cfg = TrainConfig(micro_batch_size=3, learning_rate=1e-3, weight_decay=0.0, **overrides)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.learning_rate, weight_decay=0.0)
    adv = np.array([1.0, -1.0, 0.5, -0.5])
    return update_policy(model, opt, gens, adv, cfg, pad_id=tok.pad_token_id)


def test_one_update_changes_every_trainable_parameter(rollout):
    model, tok, gens = rollout
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    run_update(model, tok, gens)
    unchanged = [n for n, p in model.named_parameters() if torch.equal(p, before[n])]
    assert unchanged == []


def test_recomputed_logprobs_match_the_backends(rollout):
    model, tok, gens = rollout
    batch = pack(gens, tok.pad_token_id, "cpu")
    with torch.no_grad():
        logp, _ = score_tokens(model, batch, 1.0, False)
    drift = ((logp - batch.rollout_logprobs).abs() * batch.mask).max()
    assert float(drift) < 1e-4


def test_micro_batch_size_does_not_change_the_gradient(rollout):
    model_a, tok, gens = rollout
    model_b, _ = tiny_policy(seed=0)
    adv = np.array([1.0, -1.0, 0.5, -0.5])
    for model, micro in ((model_a, 4), (model_b, 1)):
        cfg = TrainConfig(micro_batch_size=micro, max_grad_norm=1e9)
        update_policy(model, torch.optim.SGD(model.parameters(), lr=1.0), gens, adv, cfg, pad_id=tok.pad_token_id)
    for (_, a), (_, b) in zip(model_a.named_parameters(), model_b.named_parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)


def test_several_updates_per_step_use_precomputed_old_logprobs(rollout):
    model, tok, gens = rollout
    stats = run_update(model, tok, gens, updates_per_step=2, batch_size=64)
    assert stats["loss/approx_kl"] != 0.0


def test_autocast_keeps_float32_weights_and_follows_the_float32_gradient(rollout):
    model, tok, gens = rollout
    twin, _ = tiny_policy(seed=0)
    adv = np.array([1.0, -1.0, 0.5, -0.5])
    grads = []
    for m, autocast in ((model, None), (twin, "bfloat16")):
        cfg = TrainConfig(micro_batch_size=4, max_grad_norm=1e9, entropy_coef=0.0, update_autocast=autocast)
        opt = torch.optim.SGD(m.parameters(), lr=1.0)
        before = [p.detach().clone() for p in m.parameters()]
        update_policy(m, opt, gens, adv, cfg, pad_id=tok.pad_token_id)
        steps = [(b - p.detach()).flatten() for b, p in zip(before, m.parameters(), strict=True)]  # SGD lr 1: grad
        grads.append(torch.cat(steps))
    assert {p.dtype for p in twin.parameters()} == {torch.float32}
    cosine = torch.nn.functional.cosine_similarity(grads[0], grads[1], dim=0)
    assert float(cosine) > 0.99 and not torch.equal(grads[0], grads[1])


def test_lora_update_trains_only_the_adapters(rollout):
    pytest.importorskip("peft")
    from agents.llm.session import prepare

    model, tok, gens = rollout
    lora = prepare(model, TrainConfig(lora_rank=4))
    before = {n: p.detach().clone() for n, p in lora.named_parameters()}
    run_update(lora, tok, gens)
    changed = {n for n, p in lora.named_parameters() if not torch.equal(p, before[n])}
    assert changed and all("lora_" in n for n in changed)
