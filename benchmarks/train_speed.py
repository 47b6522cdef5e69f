"""``azr bench train``: rollout tokens/s and update samples/s of the reference agent, each next to a reference.

For each model (``--models``) and each CPU setup (``--setups``), on the env's own prompts (a proposer prompt and a
solver prompt per task type, in the model's chat format, repeated to ``--batch``):

- rollout: our ``HFBackend`` next to ``transformers``' own ``generate`` (plain sampling, ``top_p=None``) on the same
  model weights, prompts and budget, in tokens/s. EOS is banned until ``--new-tokens`` (``min_new_tokens`` on both
  sides), so every row of both runs is exactly that long: the two do identical work, and the ratio is not swayed by
  how long each random stream happens to run (the prefill is a fixed cost, so tokens/s would be). ``--shared``
  adds a batch of one solver prompt repeated, the n attempts at a proposal, where our backend prefills the prompt
  once;
- update: our ``update_policy`` (micro-batched forward and backward, clip, AdamW step) next to TRL's
  ``GRPOTrainer.compute_loss`` plus the same backward and step (``[bench]`` extra), on the same weights, token ids,
  micro-batch size and mixed precision, in samples/s; and ours with ``share_prompt_prefix`` off (every response's
  whole prompt forwarded, as TRL does), so the gain of forwarding a shared prefix once shows apart. The update of
  the ``--shared`` batch is timed too: there every response has the same prompt.

Setups (see ``SETUPS``): ``fp32`` (float32 everywhere, the default of ``azr train``), ``autocast`` (float32
weights; the update under bfloat16 autocast and rollouts from a bfloat16 copy synced after each update), ``lora``
(a frozen bfloat16 base with float32 LoRA adapters, ``[lora]`` extra). ``--sweep`` times our rollout at several
batch sizes. Each timing is the best of ``--repeats`` after a warm-up; on a shared machine compare the ratios.
"""

from __future__ import annotations

import argparse
import copy
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np


@dataclass(frozen=True)
class Setup:
    """How a CPU step runs.

    Attributes:
        weights: dtype of the trained weights.
        autocast: dtype of the update's autocast, or None.
        rollout: dtype of the rollout copy, or None (sample from the trained model itself).
        lora_rank: LoRA rank (0: train every weight).
    """

    weights: str
    autocast: Literal["bfloat16"] | None
    rollout: str | None
    lora_rank: int = 0


SETUPS = {
    "fp32": Setup("float32", None, None),
    "autocast": Setup("float32", "bfloat16", "bfloat16"),
    "lora": Setup("bfloat16", "bfloat16", None, lora_rank=16),
}


@dataclass
class Row:
    """One measured (model, setup)."""

    model: str
    setup: str
    prompts: str
    rollout_tok_s: float
    hf_tok_s: float
    update_samples_s: float | None = None
    trl_samples_s: float | None = None
    note: str = ""
    unshared_samples_s: float | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Benchmark flags."""
    parser.add_argument("--models", nargs="+", default=["tiny-random"], help="load_policy names")
    parser.add_argument("--smollm", action="store_true", help="also measure smollm2-135m")
    parser.add_argument("--setups", nargs="+", default=["fp32", "autocast"], choices=list(SETUPS), help="CPU setups")
    parser.add_argument("--batch", type=int, default=6, help="responses per batch (default: 6)")
    parser.add_argument("--new-tokens", type=int, default=32, help="max new tokens per response (default: 32)")
    parser.add_argument("--micro-batch", type=int, default=4, help="micro-batch size of both updates (default: 4)")
    parser.add_argument("--repeats", type=int, default=2, help="timed repetitions, best kept (default: 2)")
    parser.add_argument("--shared", action="store_true", help="also time one solver prompt repeated --batch times")
    parser.add_argument("--sweep", nargs="*", type=int, default=[], help="rollout batch sizes to time (ours only)")
    parser.add_argument("--no-trl", action="store_true", help="skip the TRL comparison")
    parser.add_argument("--device", default=None, help="torch device (default: cuda when available, else cpu)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")


def run(args: argparse.Namespace) -> int:
    """Measure and print the tables."""
    from benchmarks.models import set_threads

    set_threads(args.threads)
    models = [*args.models, *(["smollm2-135m"] if args.smollm and "smollm2-135m" not in args.models else [])]
    rows: list[Row] = []
    sweeps: list[tuple[str, int, float]] = []
    for name in models:
        for setup in args.setups:
            found, swept = measure(name, setup, args)
            rows += found
            sweeps += swept
            print(format_rows(rows[-len(found) :]), flush=True)
    print("\n" + format_rows(rows))
    if sweeps:
        print("\n" + format_sweep(sweeps))
    return 0


def env_prompts(tokenizer: Any) -> tuple[list[str], str]:
    """The env's prompt of every task type and role in chat format, and its deduction solver prompt."""
    from agents.llm.prompting import format_observation
    from benchmarks.models_prompts import env_prompts as prompt_records

    texts: list[str] = [format_observation(tokenizer, p.user, system_prompt=p.system) for _, _, p in prompt_records()]
    return texts, texts[1]


def load_setup(name: str, setup: Setup, device: str | None = None) -> tuple[Any, Any]:
    """The model to train in ``setup`` (LoRA applied) on ``device`` (default: cuda if available), and its tokenizer."""
    import torch

    from agents.llm.models import load_policy

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    model, tokenizer = load_policy(name, dtype=setup.weights, device=device)
    if setup.lora_rank:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(r=setup.lora_rank, lora_alpha=32, target_modules="all-linear"))
    return model, tokenizer


def measure(name: str, setup_name: str, args: argparse.Namespace) -> tuple[list[Row], list[tuple[str, int, float]]]:
    """Rollout and update rows of one model in one setup, and its batch-size sweep."""
    from agents.llm.backends.hf import HFBackend

    setup = SETUPS[setup_name]
    model, tokenizer = load_setup(name, setup, args.device)
    texts, solver = env_prompts(tokenizer)
    batch = [texts[i % len(texts)] for i in range(args.batch)]
    backend = HFBackend(model, tokenizer, batch_size=args.batch, rollout_dtype=setup.rollout)
    params = rollout_params(args.new_tokens)
    generations, ours = rollout_rate(backend, batch, params, args.repeats)
    hf = hf_generate_rate(backend.model, tokenizer, batch, args.new_tokens, args.repeats)[1]
    row = Row(name, setup_name, "env", ours, hf)
    fill_update(row, model, tokenizer, generations, setup=setup, args=args)
    rows = [row]
    if args.shared:
        repeated = [solver] * args.batch
        attempts, shared = rollout_rate(backend, repeated, params, args.repeats)
        hf_shared = hf_generate_rate(backend.model, tokenizer, repeated, args.new_tokens, args.repeats)[1]
        rows.append(Row(name, setup_name, "1 solver prompt x batch", shared, hf_shared))
        fill_update(rows[-1], model, tokenizer, attempts, setup=setup, args=args)
    sweeps = []
    for size in args.sweep:
        sized = HFBackend(backend.model, tokenizer, batch_size=size)
        prompts = [texts[i % len(texts)] for i in range(size)]
        sweeps.append((f"{name} {setup_name}", size, rollout_rate(sized, prompts, params, 1)[1]))
    return rows, sweeps


def rollout_params(new_tokens: int) -> Any:
    """Our sampling settings: those of ``hf_generate_rate``, every row exactly ``new_tokens`` long."""
    from agents.llm.sampling import SamplingParams

    return SamplingParams(max_new_tokens=new_tokens, min_new_tokens=new_tokens, temperature=1.0, seed=0)


def best_of(repeats: int, fn: Callable[[], Any]) -> tuple[Any, float]:
    """The last result and fastest time of ``repeats`` timed calls (after one untimed warm-up)."""
    result = fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times)


def rollout_rate(backend: Any, prompts: Sequence[str], params: Any, repeats: int) -> tuple[list[Any], float]:
    """Our backend's generations and sampled tokens per second."""
    generations, seconds = best_of(repeats, lambda: backend.generate(prompts, params))
    return generations, sum(len(g.completion_ids) for g in generations) / seconds


def hf_generate_rate(
    model: Any, tokenizer: Any, prompts: Sequence[str], new_tokens: int, repeats: int
) -> tuple[list[list[int]], float]:
    """``model.generate`` sampling ``new_tokens`` tokens per row on the same prompts.

    Returns the completions (each cut after its EOS, though none comes before ``new_tokens``) and tokens per second.
    """
    import torch

    device = next(model.parameters()).device
    inputs = {k: v.to(device) for k, v in tokenizer(list(prompts), padding=True, return_tensors="pt").items()}
    eos = model.generation_config.eos_token_id
    eos_ids = set([eos] if isinstance(eos, int) else eos or [tokenizer.eos_token_id])

    def sample() -> Any:
        with torch.no_grad():
            return model.generate(
                **inputs, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=True, temperature=1.0,
                top_p=None, top_k=None, pad_token_id=tokenizer.pad_token_id,
            )  # fmt: skip

    out, seconds = best_of(repeats, sample)
    completions = [row[: _through_eos(row, eos_ids)] for row in out[:, inputs["input_ids"].shape[1] :].tolist()]
    return completions, sum(len(row) for row in completions) / seconds


def _through_eos(row: Sequence[int], eos_ids: set[int]) -> int:
    for i, token in enumerate(row):
        if token in eos_ids:
            return i + 1
    return len(row)


def fill_update(row: Row, model: Any, tokenizer: Any, generations: Sequence[Any], *, setup: Setup, args: Any) -> None:
    """Set ``row``'s update samples/s: ours with and without prefix sharing, and TRL's (or why it was skipped)."""
    advantages = np.random.default_rng(0).standard_normal(len(generations))

    def rate(share: bool) -> float:
        seconds = our_update_time(
            copy.deepcopy(model), tokenizer, generations, advantages, setup=setup, args=args, share=share
        )
        return len(generations) / seconds

    row.update_samples_s, row.unshared_samples_s = rate(True), rate(False)
    if not args.no_trl:
        trl_s, row.note = trl_update_time(model, tokenizer, generations, advantages, setup=setup, args=args)
        row.trl_samples_s = trl_s and len(generations) / trl_s


def our_update_time(
    policy: Any,
    tokenizer: Any,
    generations: Sequence[Any],
    advantages: np.ndarray,
    *,
    setup: Setup,
    args: Any,
    share: bool = True,
) -> float:
    """Best time of one ``update_policy`` call (forward, backward, clip, AdamW step) in ``setup``."""
    import torch

    from agents.llm.config import TrainConfig
    from agents.llm.trainer import pad_id
    from agents.llm.update import update_policy

    optimizer = torch.optim.AdamW([p for p in policy.parameters() if p.requires_grad], lr=1e-6)
    config = TrainConfig(
        micro_batch_size=args.micro_batch, entropy_coef=0.001, update_autocast=setup.autocast, share_prompt_prefix=share
    )

    def step() -> None:
        update_policy(policy, optimizer, generations, advantages, config, pad_id=pad_id(tokenizer))

    return best_of(args.repeats, step)[1]


TRL_GENERATIONS = 2
"""TRL's ``num_generations``: GRPO groups completions by prompt, and a micro-batch must hold whole groups."""


def trl_update_time(
    model: Any, tokenizer: Any, generations: Sequence[Any], advantages: np.ndarray, *, setup: Setup, args: Any
) -> tuple[float | None, str]:
    """Best time of TRL's GRPO loss + backward + AdamW step over the same micro-batches, or why it was skipped."""
    if args.micro_batch % TRL_GENERATIONS:
        return None, f"trl skipped: its micro-batch must hold whole groups of {TRL_GENERATIONS}: use --micro-batch 2"
    try:
        trainer = trl_trainer(copy.deepcopy(model), tokenizer, len(generations), args)
    except ImportError:
        return None, "trl not installed (pip install 'azr-env[bench]')"
    except (TypeError, ValueError, AttributeError) as exc:
        return None, f"trl skipped: {type(exc).__name__}: {str(exc)[:80]}"
    batches = trl_inputs(generations, advantages, tokenizer, args.micro_batch, trainer.model.device)
    return best_of(args.repeats, lambda: trl_step(trainer, batches, setup.autocast))[1], ""


def trl_trainer(model: Any, tokenizer: Any, batch: int, args: Any) -> Any:
    """A ``GRPOTrainer`` configured like our update: token-mean loss, no KL, clip 0.2, one iteration."""
    import torch
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    def zero_reward(completions: Sequence[Any], **_: Any) -> list[float | None]:
        return [0.0] * len(completions)

    config = GRPOConfig(
        output_dir=tempfile.mkdtemp(prefix="azr-trl-"), per_device_train_batch_size=args.micro_batch,
        num_generations=TRL_GENERATIONS, max_completion_length=args.new_tokens, beta=0.0, loss_type="bnpo", epsilon=0.2,
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
        prompt = _padded([g.prompt_ids for g in part], pad, left=True)
        completion = _padded([g.completion_ids for g in part], pad, left=False)
        adv = torch.tensor(advantages[start : start + micro], dtype=torch.float32)
        tensors = {"prompt_ids": prompt[0], "prompt_mask": prompt[1], "completion_ids": completion[0],
                   "completion_mask": completion[1], "advantages": adv}  # fmt: skip
        out.append({k: v.to(device) for k, v in tensors.items()})
    return out


def _padded(rows: Sequence[Sequence[int]], pad: int, *, left: bool) -> tuple[Any, Any]:
    """``(ids, mask)`` of ``rows`` padded to one width, on the left or the right."""
    import torch

    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for i, row in enumerate(rows):
        cols = slice(width - len(row), width) if left else slice(0, len(row))
        ids[i, cols], mask[i, cols] = torch.tensor(row), 1
    return ids, mask


def trl_step(trainer: Any, batches: Sequence[dict[str, Any]], autocast: str | None) -> None:
    """Loss and backward per micro-batch, gradient clip 1.0, one AdamW step (what one GRPO update does)."""
    import torch

    from agents.llm.update import autocast_to

    model = trainer.model
    model.train()
    if trainer.optimizer is None:
        trainer.optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-6)
    optimizer = trainer.optimizer
    for inputs in batches:
        with autocast_to(model, autocast):
            loss = trainer.compute_loss(model, inputs) / len(batches)
        loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def format_rows(rows: Sequence[Row]) -> str:
    """A markdown table with the ours/reference ratios."""
    lines = [
        "| model | setup | prompts | rollout tok/s (ours) | HF generate tok/s | ours/HF | update samples/s (ours) "
        "| TRL GRPO samples/s | ours/TRL | ours, prefix sharing off | sharing on/off |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.model} | {r.setup} | {r.prompts} | {r.rollout_tok_s:.1f} | {r.hf_tok_s:.1f} | "
            f"{r.rollout_tok_s / r.hf_tok_s:.2f}x | {_num(r.update_samples_s)} | {_num(r.trl_samples_s)} | "
            f"{_ratio(r.update_samples_s, r.trl_samples_s)} | {_num(r.unshared_samples_s)} | "
            f"{_ratio(r.update_samples_s, r.unshared_samples_s)} |" + (f" {r.note}" if r.note else "")
        )
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(top: float | None, bottom: float | None) -> str:
    return f"{top / bottom:.2f}x" if top and bottom else "-"


def format_sweep(sweeps: Sequence[tuple[str, int, float]]) -> str:
    """Rollout tokens/s by batch size."""
    lines = ["| model and setup | batch | rollout tok/s |", "|---|---:|---:|"]
    lines += [f"| {label} | {size} | {rate:.1f} |" for label, size, rate in sweeps]
    return "\n".join(lines)
