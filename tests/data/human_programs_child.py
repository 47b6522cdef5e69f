"""Child process of ``build_human_programs.py``: run trusted human-written programs in plain CPython.

Reads items (``{"id", "program", "input", ...}`` JSON lines) on stdin and writes one JSON line per item on stdout:
``{"id", "expected"}`` with the canonical repr of ``f(<input>)``, or ``{"id", "problem"}`` naming the filter rule
it breaks. The build script starts it under a fixed ``PYTHONHASHSEED``; it never runs model-written code.
"""

from __future__ import annotations

import contextlib
import io
import json
import signal
import sys
import time
from typing import Any

from azr_env.executor.canonical import encode
from azr_env.executor.result import ExecStatus

SLOW_S = 0.05
ALARM_S = 2


class _Alarm(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Alarm


def outcome(program: str, input_text: str) -> dict[str, str]:
    """Run ``f(<input>)`` once in a fresh namespace; classify the result."""
    namespace: dict[str, Any] = {"__name__": "__human__"}
    signal.alarm(ALARM_S)
    start = time.process_time()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(program, "<program>", "exec"), namespace)  # trusted human code, build time only
            value = eval(f"f({input_text})", namespace)
    except _Alarm:
        return {"problem": "slow"}
    except BaseException:
        return {"problem": "raises"}
    finally:
        signal.alarm(0)
    if time.process_time() - start > SLOW_S:
        return {"problem": "slow"}
    status, text = encode(value)
    if status is not ExecStatus.OK:
        return {"problem": status.value}
    return {"expected": text}


def main() -> int:
    """Process stdin to stdout."""
    signal.signal(signal.SIGALRM, _on_alarm)
    out = sys.stdout
    for line in sys.stdin:
        item = json.loads(line)
        out.write(json.dumps({"id": item["id"], **outcome(item["program"], item["input"])}) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
