"""One ``azr demo`` run with config overrides, under the demo's own stop rule and deadline; writes its verdict.

Usage: ``python demo_trial.py NAME SEED MINUTES [KEY=JSON ...]``, for example ``b3 1 7.1 batch_size=3``;
``first_steps`` and ``most_steps`` set ``--steps`` and ``--max-steps``. Runs go
under ``$OUT`` (default ``runs/demo-trials``) as ``NAME-sSEED``; ``judge.py`` gives the verdict it prints.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

from agents.llm import demo
from agents.llm.config import from_mapping
from agents.llm.session import build_trainer


def main(name: str, seed: str, minutes: str, *pairs: str) -> None:
    start = time.perf_counter()
    overrides = {k: json.loads(v) for k, v in (p.split("=", 1) for p in pairs)}
    run = Path(os.environ.get("OUT", "runs/demo-trials")) / f"{name}-s{seed}"
    args = argparse.Namespace(
        model="qwen2.5-coder-0.5b", steps=overrides.pop("first_steps", None), seed=int(seed), run_dir=str(run),
        max_steps=overrides.pop("most_steps", None),
    )  # fmt: skip
    config = from_mapping(overrides, base=demo.demo_config(args))
    first, _ = demo.step_plan(args)
    trainer = build_trainer(config)
    try:
        trainer.run(stop=demo.stop_rule(first, config.env.task_types, deadline=start + 60 * float(minutes)))
    finally:
        trainer.close()
    print(f"wall {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:])
