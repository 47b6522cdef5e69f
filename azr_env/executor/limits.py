"""Caps and limits shared by the env side and the sandbox: sizes, offered modules, CPU backstops.

Size caps are checked before anything runs (in the env) and again inside the sandbox.
"""

MAX_PROGRAM_CHARS = 8192
"""Longest program source accepted."""

MAX_INPUT_CHARS = 2048
"""Longest input expression accepted."""

MAX_OUTPUT_CHARS = 10_240
"""Longest canonical output accepted."""

ALLOWED_MODULES = (
    "__future__", "bisect", "collections", "collections.abc", "copy", "dataclasses", "decimal", "fractions",
    "functools", "heapq", "itertools", "math", "operator", "re", "statistics", "typing",
)  # fmt: skip
"""The modules programs may import by default (see ``azr_env.executor.modules`` for the names each offers)."""

VALIDATION_DEADLINE_SHARE = 0.5
"""The share of ``timeout_s`` a validation run may take. A task validates only if it finishes well inside the
deadline, so that the later runs that score solver answers on it (an abduction answer, an induction program on the
task's inputs) have headroom: a program tuned to just under the deadline would otherwise time out at random under
load, and a coin-flip verdict on a trivial task earns the proposer the learnability reward."""

CPU_LIMIT_S = 3600
"""RLIMIT_CPU of a worker: a backstop only (the wall-clock deadline is the real limit)."""

CPU_RECYCLE_S = 1800
"""A worker retires itself once it has used this much CPU time, well before the backstop."""
