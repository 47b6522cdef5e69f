"""The HF backend and one policy update on CUDA, for ``benchmarks/gpu_check.sh``.

``python -m benchmarks.gpu_step MODEL --out DIR`` loads ``MODEL`` (a ``load_policy`` name or a converted model
directory) in float32 on the GPU (``--device cpu`` runs the same checks on a CPU, as the tests do), samples a
batch from a bfloat16 rollout copy (``HFBackend(rollout_dtype=...)``), checks the sampled tokens' log-probabilities
against a float32 forward pass, takes one ``update_policy`` step under bfloat16 autocast, and writes what it
measured to ``DIR/gpu_step-<model>.json``. It exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

PROMPTS = [
    "def f(x):\n    return sorted(set(x))[::-1]\n\nprint(f([3, 1, 3, 2]))  # prints",
    "Write a Python function f(numbers) that returns the running maximum of a list.",
]


def main(argv: list[str] | None = None) -> int:
    """Run the checks; print and save the result."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu_step", description=__doc__)
    parser.add_argument("model", help="load_policy name or model directory")
    parser.add_argument("--out", default=".", help="output directory")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args(argv)
    result = check(args.model, args.batch, args.new_tokens, args.device)
    out = Path(args.out) / f"gpu_step-{Path(args.model).name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0 if result["ok"] else 1


def check(name: str, batch: int, new_tokens: int, device: str = "cuda") -> dict[str, Any]:
    """Sample, compare log-probabilities, update once; the measurements and whether the checks held."""
    import numpy as np
    import torch

    from agents.llm.backends.hf import HFBackend
    from agents.llm.config import TrainConfig
    from agents.llm.models import load_policy
    from agents.llm.sampling import SamplingParams
    from agents.llm.trainer import pad_id
    from agents.llm.update import update_policy

    model, tokenizer = load_policy(name, dtype="float32", device=device)
    backend = HFBackend(model, tokenizer, batch_size=batch, rollout_dtype="bfloat16")
    prompts = [PROMPTS[i % len(PROMPTS)] for i in range(batch)]
    _sync(device)
    started = time.perf_counter()
    gens = backend.generate(prompts, SamplingParams(max_new_tokens=new_tokens, seed=0))
    _sync(device)
    rollout_s = time.perf_counter() - started
    drift = max_logprob_drift(model, gens)
    before = next(p for p in model.parameters() if p.requires_grad).detach().clone()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6)
    config = TrainConfig(micro_batch_size=4, device=device, update_autocast="bfloat16")
    started = time.perf_counter()
    advantages = np.random.default_rng(0).standard_normal(len(gens))
    stats = update_policy(model, optimizer, gens, advantages, config, pad_id=pad_id(tokenizer))
    _sync(device)
    update_s = time.perf_counter() - started
    changed = not torch.equal(before, next(p for p in model.parameters() if p.requires_grad))
    backend.sync_weights(model)
    tokens = sum(len(g.completion_ids) for g in gens)
    where = torch.cuda.get_device_name() if device.startswith("cuda") else device
    return {
        "model": name, "device": where, "torch": torch.__version__, "batch": batch,
        "rollout_tokens": tokens, "rollout_tok_s": tokens / rollout_s, "update_s": update_s,
        "update_samples_s": len(gens) / update_s, "max_logprob_drift_bf16_vs_fp32": drift,
        "loss_finite": bool(np.isfinite(stats["loss/total"])), "weights_changed": changed,
        "ok": bool(np.isfinite(stats["loss/total"])) and changed and drift < 1.0,
    }  # fmt: skip


def _sync(device: str) -> None:
    """Wait for queued CUDA work, so wall times are the work's."""
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def max_logprob_drift(model: Any, gens: Any) -> float:
    """Largest gap between the rollout's log-probabilities and a float32 forward pass over the same ids."""
    import torch

    worst = 0.0
    device = next(model.parameters()).device
    for g in gens:
        ids = torch.tensor([g.prompt_ids + g.completion_ids], device=device)
        with torch.no_grad():
            logits = model(input_ids=ids).logits[0, len(g.prompt_ids) - 1 : -1].float()
        expected = torch.log_softmax(logits, -1).gather(-1, ids[0, len(g.prompt_ids) :, None]).squeeze(-1)
        worst = max(worst, float((expected.cpu() - torch.tensor(g.logprobs)).abs().max()))
    return worst


if __name__ == "__main__":
    sys.exit(main())
