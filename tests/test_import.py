"""``import azr_env`` stays light: no torch, transformers, vllm, ray or sympy, and no executor processes."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("torch", "transformers", "vllm", "ray", "sympy", "math_verify")

PROBE = f"""
import json, os, sys
import gymnasium
import azr_env
import azr_env.suites, azr_env.tasks  # the task types (math among them) and suites stay light too

def children():
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{{name}}/stat") as stat:
                if name.isdigit() and int(stat.read().rsplit(")", 1)[1].split()[1]) == os.getpid():
                    found.append(name)
        except (OSError, ValueError, IndexError):
            pass
    return found

print(json.dumps({{
    "heavy": [m for m in {HEAVY!r} if m in sys.modules],
    "children": len(children()),
    "ids": sorted(k for k in gymnasium.registry if k.startswith("azr_env/")),
    "version": azr_env.__version__,
}}))
"""


def probe() -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_import_loads_no_heavy_module_and_starts_no_process() -> None:
    result = probe()
    assert result["heavy"] == []
    assert result["children"] == 0


def test_import_registers_the_env_ids() -> None:
    assert probe()["ids"] == ["azr_env/AbsoluteZero-v5", "azr_env/Solve-v5"]
