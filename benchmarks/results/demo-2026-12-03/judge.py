"""Judge ``azr demo`` runs by the demo's own signals; prints one JSON verdict per run directory.

Usage: ``python judge.py RUN_DIR [RUN_DIR ...]``. Reads each run's ``metrics.jsonl`` and ``config.json``; the
verdict has the steps, their seconds and ``agents.llm.summary.loop_signals`` / ``loop_turned``.
"""

import json
import sys
from pathlib import Path

from agents.llm.summary import loop_signals, loop_turned


def verdict(run: Path) -> dict:
    history = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    history = [h for h in history if "time/step_s" in h]
    types = json.loads((run / "config.json").read_text())["env"]["task_types"]
    signals = loop_signals(history, types)
    return {"run": run.name, "steps_run": len(history), "step_s": [round(h["time/step_s"], 1) for h in history],
            "update_s": [round(h["time/update_s"], 1) for h in history], "signals": signals,
            "all": loop_turned(signals, types)}  # fmt: skip


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(json.dumps(verdict(Path(arg))))
