"""One ``azr demo`` trial with overrides, judged by the demo's own signals; writes ``NAME-sSEED.json``.

Usage: ``python demo_trial.py NAME SEED [KEY=JSON ...]``, for example ``t07a4 1 temperature=0.7``; ``first_steps``
and ``most_steps`` set ``--steps`` and ``--max-steps``. Runs and verdicts go under ``$OUT`` (default
``runs/demo-trials``). The trials of 2026-12-02 are the folders beside this file.
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
from agents.llm.summary import loop_signals, loop_turned


def main(name: str, seed: str, *pairs: str) -> None:
    overrides = {k: json.loads(v) for k, v in (p.split("=", 1) for p in pairs)}
    out = Path(os.environ.get("OUT", "runs/demo-trials"))
    args = argparse.Namespace(
        model="qwen2.5-coder-0.5b", steps=overrides.pop("first_steps", None), seed=int(seed),
        max_steps=overrides.pop("most_steps", None), run_dir=str(out / f"{name}-s{seed}"),
    )  # fmt: skip
    config = from_mapping(overrides, base=demo.demo_config(args))
    first, _ = demo.step_plan(args)
    start = time.perf_counter()
    trainer = build_trainer(config)
    try:
        history = trainer.run(stop=demo.stop_rule(first, config.env.task_types))
    finally:
        trainer.close()
    signals = loop_signals(history, config.env.task_types)
    verdict = {
        "name": name, "seed": int(seed), "overrides": overrides, "wall_s": time.perf_counter() - start,
        "steps_run": len(history), "step_s": [h["time/step_s"] for h in history], "signals": signals,
        "all": loop_turned(signals, config.env.task_types),
    }  # fmt: skip
    (out / f"{name}-s{seed}.json").write_text(json.dumps(verdict, indent=1))
    print(json.dumps(verdict))


if __name__ == "__main__":
    main(*sys.argv[1:])
