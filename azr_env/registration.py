"""Gymnasium ids of azr-env, registered on ``import azr_env`` (entry points are strings: nothing heavy loads).

Ids are versioned: any change to rewards or verification semantics gets a new ``-vN``, and the old id is no longer
registered, so ``gymnasium.make`` of it raises Gymnasium's ``DeprecatedEnv`` naming the current id (the old
semantics are not kept: results under different ids are not comparable).

Versions:

- ``v5``: the validation runs no longer share the reference run's heap layout: odd hash-seed groups use the C
  allocator (``spawn.zygote_environment``) and every validation run holds a random padding of small blocks
  (``worker.Variant.padding``), so an output made of an address's low bits (one hex digit of an object's ``repr``,
  the order of a set of builtin functions), which passed every validation, is ``NONDETERMINISTIC``.
- ``v4``: an answer whose steadiness rerun in some hash-seed zygote is stopped by a limit (a timeout, the memory or
  recursion cap, a crashed worker) is wrong, not left as scored (``azr_env.tasks.steadiness``; the reruns have the
  whole deadline): a program that stalls in every zygote but the scoring one was paid; of the proposals of one step,
  one that duplicates an earlier one is invalid (``TaskBuffer.novel``), as a copy of a buffer task already was; a
  proposed program is a format error when it holds a character that breaks a line for a reader but not for Python
  (U+2028, a vertical tab, a form feed after a line's start: ``legibility.misreading``), and a proposed input when it
  holds a comment or a raw character that does not print, or when its values written out (``literals.arguments_key``)
  are longer than the input cap (``answers.checked_input``); a run in which the program caught a ``MemoryError`` or
  ``RecursionError`` ends ``MEMORY`` or ``RECURSION`` as an uncaught one does (``azr_env.executor.caught``).
- ``v3``: an induction answer (the solver's program) is correct only if it reproduces every pair in every
  hash-seed zygote, and a codegen answer only if its tests pass in every one, not in the scoring zygote alone
  (``azr_env.tasks.steadiness``); a proposal that duplicates a buffer task is invalid (``TaskBuffer.novel``);
  induction's distinct inputs and the buffer's duplicates compare inputs as calls of ``f`` (``azr_env.tasks.calls``);
  the duplicate rule ignores the names a program binds (``azr_env.tasks.normal_form``), compares outputs, and
  ignores abduction's inputs (``TaskType.inputs_shown``); a carriage return is a line break
  (``parsing.python_line_breaks``), and a proposed program with a form feed in its indentation or an identifier
  that is not ASCII is a format error (``azr_env.tasks.legibility``), and so is an input's keyword name that is not
  ASCII (``azr_env.executor.literals``); an induction message that states a hidden pair
  makes the proposal invalid (``leaks.states_hidden_pair``).
- ``v2``: validation runs get half of ``timeout_s`` (scoring runs on a valid task have headroom), an abduction
  answer other than the proposed input must give the gold output in every hash-seed zygote, the induction leak check
  matches any piece of the program's code under any names (``azr_env.tasks.leaks``), a percent sign is dropped
  before math answers are compared, ``frozenset(<display>)`` nests one level.
- ``v1``: answers and proposed inputs are data (``azr_env.executor.literals``; a computed answer is a format error),
  the one answer parser with its chat rules (``EnvConfig.answer_rule``), fences that close only on a fence line,
  zero-argument programs (an empty input), ``_`` and ``__`` as variable names.
- ``v0``: the first release (answers evaluated in the sandbox, strict envelope only).
"""

from __future__ import annotations

from typing import Any

import gymnasium

JUDGE_VERSION = "v5"
"""The current rewards and verification semantics: the suffix of every id, stamped on saved task buffers."""

SELF_PLAY_ID = f"azr_env/AbsoluteZero-{JUDGE_VERSION}"
"""The self-play env's current id."""

SOLVE_ID = f"azr_env/Solve-{JUDGE_VERSION}"
"""The held-out solve env's current id."""

ENV_IDS: dict[str, dict[str, Any]] = {
    SELF_PLAY_ID: {
        "entry_point": "azr_env.env:AbsoluteZeroEnv",
        "vector_entry_point": "azr_env.vector:AZRVectorEnv",
    },
    SOLVE_ID: {"entry_point": "azr_env.solve_env:SolveEnv"},
}
"""Every registered id and its entry points."""


def register_envs() -> None:
    """Register every id in ``ENV_IDS`` with Gymnasium; ids already registered are left alone (re-imports)."""
    for env_id, entry_points in ENV_IDS.items():
        if env_id not in gymnasium.registry:
            gymnasium.register(id=env_id, disable_env_checker=False, **entry_points)
