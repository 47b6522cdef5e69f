"""Shared prompt prefixes in the update: the grouping, and gradients equal to those of full forward passes."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from agents.llm.backends.hf import HFBackend  # noqa: E402
from agents.llm.config import TrainConfig  # noqa: E402
from agents.llm.prefix import PrefixGroup, prefix_groups  # noqa: E402
from agents.llm.sampling import Generation, SamplingParams  # noqa: E402
from agents.llm.session import prepare  # noqa: E402
from agents.llm.tiny import tiny_policy  # noqa: E402
from agents.llm.update import update_policy  # noqa: E402

INSTRUCTIONS = "Write a new Python program and one input for it. The entry point is f. "
PROMPTS = [
    INSTRUCTIONS + "Reference: def f(x): return x",
    INSTRUCTIONS + "Reference: def f(a, b): return a + b",
    "Solve: f(3) where def f(x): return x * 2",
    "Solve: f(3) where def f(x): return x * 2",
    "Solve: f(3) where def f(x): return x * 2",
    "unrelated",
]
ADVANTAGES = np.array([1.0, -1.0, 0.5, -0.5, 0.25, 2.0])


def gen(prompt: list[int]) -> Generation:
    return Generation(prompt_ids=prompt, completion_ids=[7], logprobs=[0.0], text="", finish_reason="stop")


@pytest.fixture(scope="module")
def gens():
    model, tok = tiny_policy(seed=0)
    return HFBackend(model, tok).generate(PROMPTS, SamplingParams(max_new_tokens=8, seed=3))


def covered(groups: list[PrefixGroup]) -> list[int]:
    return sorted(i for g in groups for i in g.indices)


def test_identical_prompts_and_common_instructions_form_groups():
    rows = [gen([1, 2, 3, 4, 5, 9]), gen([1, 2, 3, 4, 5, 8]), gen([6, 6, 6]), gen([6, 6, 6]), gen([4])]
    groups = {g.indices: g.shared for g in prefix_groups(rows, range(5))}
    assert groups == {(1, 0): 5, (2, 3): 2, (4,): 0}


def test_the_grouping_skips_the_most_tokens():
    a, b = [1, 1, 1] + [2] * 10, [1, 1, 1] + [3] * 10  # all four share 3 tokens; each pair shares 13
    rows = [gen([*a, 0]), gen([*a, 5]), gen([*b, 0]), gen([*b, 5])]
    groups = prefix_groups(rows, range(4))
    assert [(g.indices, g.shared) for g in groups] == [((0, 1), 13), ((2, 3), 13)]


def test_a_prefix_stops_before_the_shortest_prompt_ends():
    rows = [gen([1, 2, 3]), gen([1, 2, 3]), gen([1, 2, 3, 4, 5])]
    groups = prefix_groups(rows, range(3))
    assert covered(groups) == [0, 1, 2]
    assert all(g.shared <= 2 for g in groups)


def test_only_the_given_indices_are_grouped():
    rows = [gen([1, 2, 3]), gen([1, 2, 3]), gen([1, 2, 3])]
    assert covered(prefix_groups(rows, [0, 2])) == [0, 2]


def gradient(gens, *, lora: bool = False, ref: bool = False, **overrides) -> torch.Tensor:
    """One SGD step of lr 1 (the step is the gradient) from the same weights."""
    model, _ = tiny_policy(seed=1)
    ref_model = tiny_policy(seed=2)[0] if ref else None
    if lora:
        torch.manual_seed(0)  # peft draws the adapters' initial weights from the global generator
        model = prepare(model, TrainConfig(lora_rank=4))
    cfg = TrainConfig(max_grad_norm=1e9, **overrides)
    params = [p for p in model.parameters() if p.requires_grad]
    before = [p.detach().clone() for p in params]
    update_policy(model, torch.optim.SGD(params, lr=1.0), gens, ADVANTAGES, cfg, pad_id=0, ref_model=ref_model)
    return torch.cat([(b - p.detach()).flatten() for b, p in zip(before, params, strict=True)])


@pytest.mark.parametrize("micro", [1, 2, 8])
def test_sharing_keeps_the_gradient_of_full_passes(gens, micro):
    shared = gradient(gens, micro_batch_size=micro, share_prompt_prefix=True)
    full = gradient(gens, micro_batch_size=micro, share_prompt_prefix=False)
    assert float(full.abs().max()) > 0
    torch.testing.assert_close(shared, full, rtol=1e-4, atol=1e-6)


def test_sharing_keeps_the_gradient_with_a_reference_model_and_several_updates(gens):
    extra = {"ref": True, "kl_coef": 0.1, "updates_per_step": 2, "batch_size": 64, "micro_batch_size": 2}
    torch.testing.assert_close(
        gradient(gens, share_prompt_prefix=True, **extra), gradient(gens, share_prompt_prefix=False, **extra),
        rtol=1e-4, atol=1e-6,
    )  # fmt: skip


def test_sharing_keeps_the_lora_gradient(gens):
    pytest.importorskip("peft")
    torch.testing.assert_close(
        gradient(gens, lora=True, share_prompt_prefix=True), gradient(gens, lora=True, share_prompt_prefix=False),
        rtol=1e-4, atol=1e-6,
    )  # fmt: skip


def forwarded_tokens(gens, **overrides) -> int:
    model, _ = tiny_policy(seed=1)
    seen = []
    model.register_forward_pre_hook(lambda _m, args, kw: seen.append(kw["input_ids"].numel()), with_kwargs=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0)
    update_policy(model, optimizer, gens, ADVANTAGES, TrainConfig(**overrides), pad_id=0)
    return sum(seen)


def test_a_shared_prefix_is_forwarded_once(gens):
    full = forwarded_tokens(gens, micro_batch_size=1, share_prompt_prefix=False)
    shared = forwarded_tokens(gens, micro_batch_size=1, share_prompt_prefix=True)
    skipped = len(INSTRUCTIONS) + 2 * (len(PROMPTS[2]) - 1)  # one instructions prefix, two attempt prompts
    assert full - shared >= skipped


def test_gradient_checkpointing_turns_sharing_off(gens):
    assert forwarded_tokens(gens, micro_batch_size=1, gradient_checkpointing=True) == forwarded_tokens(
        gens, micro_batch_size=1, share_prompt_prefix=False
    )
