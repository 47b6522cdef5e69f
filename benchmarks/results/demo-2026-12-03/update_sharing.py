"""The update of real demo steps, timed with ``share_prompt_prefix`` on and off, side by side; writes ``$OUT``.

Usage: ``python update_sharing.py SEED [STEPS] [KEY=JSON ...]``: builds the demo's trainer (``azr demo`` settings,
overrides as in ``demo_trial.py``), collects STEPS (default 1) steps of self-play, and for each step's batch times
``update_policy`` on copies of the same weights, alternating off, on, off, on; prints and writes the best of each and
the prompt tokens each forwards. The weights are not trained between steps (the measurement is of the update only).
"""

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

from agents.llm import demo
from agents.llm.collect import collect
from agents.llm.config import from_mapping
from agents.llm.prefix import prefix_groups
from agents.llm.session import build_trainer
from agents.llm.trainer import advantage_inputs, pad_id
from agents.llm.update import update_policy


def timed(trainer, generations, advantages, share: bool) -> float:
    import torch

    model = copy.deepcopy(trainer.model)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=trainer.config.learning_rate)
    config = from_mapping({"share_prompt_prefix": share}, base=trainer.config)
    start = time.perf_counter()
    update_policy(model, optimizer, generations, advantages, config, pad_id=pad_id(trainer.tokenizer))
    return time.perf_counter() - start


def main(seed: str, steps: str = "1", *pairs: str) -> None:
    overrides = {k: json.loads(v) for k, v in (p.split("=", 1) for p in pairs)}
    out = Path(os.environ.get("OUT", "runs/update-sharing.json"))
    args = argparse.Namespace(model="qwen2.5-coder-0.5b", steps=None, max_steps=None, seed=int(seed),
                              run_dir=f"runs/update-sharing-s{seed}")  # fmt: skip
    trainer = build_trainer(from_mapping(overrides, base=demo.demo_config(args)))
    rows = []
    try:
        for step in range(int(steps)):
            seeds = trainer.rng.integers(2**31, size=3)
            rollout = collect(trainer.env, trainer.backend, trainer.solver, trainer.tokenizer, config=trainer.config,
                              seeds=seeds)  # fmt: skip
            samples = rollout.samples
            generations = [s.generation for s in samples]
            advantages = trainer.estimator(advantage_inputs(samples, trainer.config.advantage_level))
            groups = prefix_groups(generations, range(len(generations)))
            times: dict[str, list[float]] = {"off": [], "on": []}
            for share in (False, True, False, True):
                times["on" if share else "off"].append(timed(trainer, generations, advantages, share))
            off, on = min(times["off"]), min(times["on"])
            row = {
                "step": step + 1, "responses": len(generations),
                "prompt_tokens": sum(len(g.prompt_ids) for g in generations),
                "completion_tokens": sum(len(g.completion_ids) for g in generations),
                "prompt_tokens_skipped": sum((len(g.indices) - 1) * g.shared for g in groups),
                "groups": [[len(g.indices), g.shared] for g in groups if g.shared],
                "update_s_off": off, "update_s_on": on, "speedup": off / on, "all_s": times,
            }  # fmt: skip
            print(json.dumps(row), flush=True)
            rows.append(row)
    finally:
        trainer.close()
    out.write_text(json.dumps({"seed": int(seed), "overrides": overrides, "steps": rows}, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
