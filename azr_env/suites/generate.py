"""Run CodeI/O ``input_generator`` functions at build time, in a separate plain-Python subprocess.

CodeI/O items ship no example inputs, only a ``generate_inputs(rng: Random) -> dict`` function. These are trusted
packaged data (reasoning-gym's own dataset code runs them in-process); we still never ``exec`` them in our process:
each generator runs in a fresh ``python -I -S`` child (no site-packages, empty environment, temporary working
directory, 1 GiB address space, no file writes, wall-clock timeout), seeded from a fixed string per call, so the
same seeds give the same inputs on every machine. Only values whose ``repr`` round-trips through
``ast.literal_eval`` come back; anything else (objects, NaN, infinities) counts as a failed draw.

This is a build-time tool only: ``load_suite`` never runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence

TIMEOUT_S = 20.0
"""Wall-clock limit for one generator subprocess (all its seeds)."""

MEMORY_BYTES = 1 << 30
"""Address-space limit of the generator subprocess."""

_CHILD = r"""
import ast, contextlib, io, json, sys
from random import Random

def render(value):
    text = repr(value)
    if repr(ast.literal_eval(text)) != text:
        raise ValueError("not a round-tripping literal")
    return text

def draw(generate, seed):
    with contextlib.redirect_stdout(io.StringIO()):
        value = generate(Random(seed))
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        return None
    return {key: render(item) for key, item in value.items()}

request = json.loads(sys.stdin.read())
namespace = {"Random": Random, "__name__": "input_generator"}
with contextlib.redirect_stdout(io.StringIO()):
    exec(compile(request["code"], "<input_generator>", "exec"), namespace)
results = []
for seed in request["seeds"]:
    try:
        results.append(draw(namespace["generate_inputs"], seed))
    except Exception:
        results.append(None)
sys.stdout.write(json.dumps(results))
"""


def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_generator(code: str, seeds: Sequence[str]) -> list[dict[str, str] | None]:
    """Call ``generate_inputs(Random(seed))`` once per seed in a sandboxed child process.

    Args:
        code: source defining ``generate_inputs(rng)``; ``Random`` is predefined, as in reasoning-gym.
        seeds: string seeds (``random.Random`` hashes strings with SHA-512, so they are stable everywhere).

    Returns:
        One entry per seed: a mapping from argument name to the literal ``repr`` of its value, or ``None`` when
        that draw failed. Every entry is ``None`` if the child crashed, timed out or printed garbage.
    """
    failed: list[dict[str, str] | None] = [None] * len(seeds)
    request = json.dumps({"code": code, "seeds": list(seeds)})
    with tempfile.TemporaryDirectory(prefix="azr-codeio-") as workdir:
        try:
            done = subprocess.run(
                [sys.executable, "-I", "-S", "-c", _CHILD],
                input=request,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                cwd=workdir,
                env={},
                preexec_fn=_limit_child,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return failed
    if done.returncode != 0:
        return failed
    try:
        results = json.loads(done.stdout)
    except json.JSONDecodeError:
        return failed
    return results if isinstance(results, list) and len(results) == len(seeds) else failed
