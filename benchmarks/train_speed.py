"""``azr bench train``: rollout tokens/s and update samples/s of the reference agent, next to TRL's GRPO loss.

For each model (the tiny random model; SmolLM2-135M with ``--smollm``) and each rollout backend (``hf``; also
``vllm`` when a GPU is present): sample one batch, then time our update (``agents.llm.update.update_policy``:
micro-batched forward + backward + AdamW step) and, when ``trl`` is installed (``[bench]`` extra), TRL's
``GRPOTrainer.compute_loss`` with the same model weights, batch, token ids, micro-batch size and optimizer,
measured side by side in the same process. Numbers on a shared 2-core machine are noisy; compare the ratio.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

PROMPT = "Write a Python function f(x) and an input for it.\ndef f(x):\n    return sorted(set(x))[::-1]\n"


@dataclass
class Row:
    """One measured configuration."""

    model: str
    backend: str
    rollout_tok_s: float
    update_samples_s: float
    trl_samples_s: float | None
    note: str = ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Benchmark flags."""
    parser.add_argument("--smollm", action="store_true", help="also measure SmolLM2-135M (slower)")
    parser.add_argument("--batch", type=int, default=8, help="responses per batch (default: 8)")
    parser.add_argument("--prompt-chars", type=int, default=400, help="approximate prompt length in characters")
    parser.add_argument("--new-tokens", type=int, default=32, help="max new tokens per response (default: 32)")
    parser.add_argument("--micro-batch", type=int, default=4, help="micro-batch size of both updates (default: 4)")
    parser.add_argument("--repeats", type=int, default=2, help="timed repetitions, best kept (default: 2)")
    parser.add_argument("--no-trl", action="store_true", help="skip the TRL comparison")


def run(args: argparse.Namespace) -> int:
    """Measure and print the table."""
    import torch

    models = ["tiny-random", *(["smollm2-135m"] if args.smollm else [])]
    backends = ["hf", *(["vllm"] if torch.cuda.is_available() else [])]
    rows = [measure(name, backend, args) for name in models for backend in backends]
    print(format_rows(rows))
    return 0


def measure(name: str, backend_name: str, args: argparse.Namespace) -> Row:
    """Sample one batch with ``backend_name`` and time both updates on it."""
    import torch

    from agents.llm.backends import make_backend
    from agents.llm.models import load_policy
    from agents.llm.sampling import SamplingParams

    device = "cuda" if torch.cuda.is_available() else "cpu"
    model, tokenizer = load_policy(name, device=device)
    backend = make_backend(backend_name, model, tokenizer)
    prompts = [
        (PROMPT * (1 + args.prompt_chars // len(PROMPT)))[: args.prompt_chars] + str(i) for i in range(args.batch)
    ]
    params = SamplingParams(max_new_tokens=args.new_tokens, temperature=1.0, seed=0)
    start = time.perf_counter()
    generations = backend.generate(prompts, params)
    rollout_s = time.perf_counter() - start
    tokens = sum(len(g.completion_ids) for g in generations)
    advantages = np.random.default_rng(0).standard_normal(len(generations))
    policy = copy.deepcopy(model)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=1e-6)
    ours = best_of(args.repeats, lambda: our_update(policy, optimizer, tokenizer, generations, advantages, args=args))
    trl_s, note = None, ""
    if not args.no_trl:
        trl_s, note = trl_update_time(model, tokenizer, generations, advantages, args)
    backend.close()
    return Row(
        name, backend_name, tokens / rollout_s, len(generations) / ours, trl_s and len(generations) / trl_s, note
    )


def best_of(repeats: int, fn: Any) -> float:
    """Fastest of ``repeats`` timed calls (after one untimed warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def our_update(
    policy: Any, optimizer: Any, tokenizer: Any, generations: Sequence[Any], advantages: np.ndarray, *, args: Any
) -> None:
    """One ``update_policy`` call: micro-batched forward and backward, clip, AdamW step."""
    from agents.llm.config import TrainConfig
    from agents.llm.trainer import pad_id
    from agents.llm.update import update_policy

    config = TrainConfig(micro_batch_size=args.micro_batch, entropy_coef=0.001)
    update_policy(policy, optimizer, generations, advantages, config, pad_id=pad_id(tokenizer))


def trl_update_time(
    model: Any, tokenizer: Any, generations: Sequence[Any], advantages: np.ndarray, args: Any
) -> tuple[float | None, str]:
    """Best time of TRL's GRPO loss + backward + AdamW step over the same micro-batches, or why it was skipped."""
    try:
        trainer = trl_trainer(copy.deepcopy(model), tokenizer, len(generations), args)
    except ImportError:
        return None, "trl not installed (pip install 'azr-env[bench]')"
    except (TypeError, ValueError, AttributeError) as exc:
        return None, f"trl skipped: {type(exc).__name__}: {str(exc)[:80]}"
    batches = trl_inputs(generations, advantages, tokenizer, args.micro_batch, trainer.model.device)
    return best_of(args.repeats, lambda: trl_step(trainer, batches)), ""


def trl_trainer(model: Any, tokenizer: Any, batch: int, args: Any) -> Any:
    """A ``GRPOTrainer`` configured like our update: token-mean loss, no KL, clip 0.2, one iteration."""
    import torch
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    def zero_reward(completions: Sequence[Any], **_: Any) -> list[float | None]:
        return [0.0] * len(completions)

    config = GRPOConfig(
        output_dir=tempfile.mkdtemp(prefix="azr-trl-"), per_device_train_batch_size=args.micro_batch,
        num_generations=2, max_completion_length=args.new_tokens, beta=0.0, loss_type="bnpo", epsilon=0.2,
        learning_rate=1e-6, report_to="none", use_cpu=not torch.cuda.is_available(), save_strategy="no",
        logging_strategy="no", bf16=False,
    )  # fmt: skip
    data = Dataset.from_dict({"prompt": ["x"] * batch})
    trainer = GRPOTrainer(
        model=model, reward_funcs=zero_reward, args=config, train_dataset=data, processing_class=tokenizer
    )
    trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train(); trl_step accumulates itself
    return trainer


def trl_inputs(generations: Sequence[Any], advantages: np.ndarray, tokenizer: Any, micro: int, device: Any) -> list:
    """TRL's input dicts (left-padded prompts, right-padded completions) for each micro-batch."""
    import torch

    from agents.llm.trainer import pad_id

    pad = pad_id(tokenizer)
    out = []
    for start in range(0, len(generations), micro):
        part = generations[start : start + micro]
        p_len, c_len = max(len(g.prompt_ids) for g in part), max(len(g.completion_ids) for g in part)
        prompt = torch.full((len(part), p_len), pad, dtype=torch.long)
        completion = torch.full((len(part), c_len), pad, dtype=torch.long)
        p_mask, c_mask = torch.zeros_like(prompt), torch.zeros_like(completion)
        for i, g in enumerate(part):
            prompt[i, p_len - len(g.prompt_ids) :], p_mask[i, p_len - len(g.prompt_ids) :] = (
                torch.tensor(g.prompt_ids),
                1,
            )
            completion[i, : len(g.completion_ids)], c_mask[i, : len(g.completion_ids)] = (
                torch.tensor(g.completion_ids),
                1,
            )
        adv = torch.tensor(advantages[start : start + micro], dtype=torch.float32)
        tensors = {"prompt_ids": prompt, "prompt_mask": p_mask, "completion_ids": completion, "completion_mask": c_mask}
        out.append({k: v.to(device) for k, v in {**tensors, "advantages": adv}.items()})
    return out


def trl_step(trainer: Any, batches: Sequence[dict[str, Any]]) -> None:
    """Loss and backward per micro-batch, gradient clip 1.0, one AdamW step (what one GRPO update does)."""
    import torch

    model = trainer.model
    model.train()
    if trainer.optimizer is None:
        trainer.optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6)
    optimizer = trainer.optimizer
    for inputs in batches:
        (trainer.compute_loss(model, inputs) / len(batches)).backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def format_rows(rows: Sequence[Row]) -> str:
    """A fixed-width table with the ours/TRL speed ratio."""
    head = (
        f"{'model':<14} {'backend':<8} {'rollout tok/s':>14} {'update samples/s':>17} "
        f"{'TRL samples/s':>14} {'ours/TRL':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        trl = f"{r.trl_samples_s:14.2f}" if r.trl_samples_s else f"{'-':>14}"
        ratio = f"{r.update_samples_s / r.trl_samples_s:9.2f}" if r.trl_samples_s else f"{'-':>9}"
        line = f"{r.model:<14} {r.backend:<8} {r.rollout_tok_s:14.1f} {r.update_samples_s:17.2f} {trl} {ratio}"
        lines.append(line + (f"  ({r.note})" if r.note else ""))
    return "\n".join(lines)
