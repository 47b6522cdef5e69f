"""The contract of a hostile case (``Case``), shared helpers and the outcome tuples, with why each tuple holds.

The cases themselves live in ``hostile_resources``, ``hostile_escapes`` and ``hostile_state``; ``test_hostile``
runs them all.

A case names the status (or, where two statuses are truly the same refusal, a tuple with a comment saying why),
the pool it needs (``FAST`` or ``LOW_MEMORY``, else the shared session executor), whether it goes through ``run`` or
``validate``, and the benign follow-up that must still answer right on the same executor afterwards (by default a
plain sort; tampering cases check the very thing they tried to tamper with). ``MARKER`` in a program or input is
replaced by the absolute path of a file in the test's watched folder: the file must never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import dedent

from azr_env.executor import ExecStatus as S

MARKER = "@MARKER@"

FAST, LOW_MEMORY = "fast", "low_memory"
"""Dedicated pools: a 0.5 s deadline for the timeout cases; a 160 MB address space for the memory bombs that fill
memory gradually (page faults are slow in a VM: filling 1 GB can take longer than the 2 s deadline)."""

UNAVAILABLE = (S.FORBIDDEN_NAME, S.ERROR)
"""A builtin left out of the curated builtins (``open``, ``getattr``, ``id``, ...). The executor may refuse the
name statically (FORBIDDEN_NAME) or let the lookup fail with NameError at run time (ERROR): the same refusal,
found at two points of one policy, and in both the call never happens."""

INPUT_REFUSED = (S.FORBIDDEN_NAME, S.BAD_INPUT)
"""A hostile input expression: refused statically by the restricted compiler (FORBIDDEN_NAME) or failing when it
is evaluated as call arguments (BAD_INPUT). Both mean the input never produced arguments."""

NOT_AN_ARGUMENT_LIST = (S.SYNTAX_ERROR, S.BAD_INPUT)
"""Input text that is not an argument list on its own (a breakout attempt through the ``f(<input>)`` splice):
refused when parsing it (SYNTAX_ERROR) or when checking the parsed call's shape (BAD_INPUT); nothing runs."""

TOO_DEEP_TO_COMPILE_R = (S.SYNTAX_ERROR, S.RECURSION)
"""Source nested deeper than a compiler stage can recurse: CPython itself reports it as SyntaxError or as
RecursionError depending on the stage (parser, RestrictedPython's AST walk, code generator). Refused before
anything ran, either way."""

TOO_DEEP_TO_COMPILE_M = (S.SYNTAX_ERROR, S.MEMORY)
"""As above, where CPython 3.11's parser reports its stack overflow as MemoryError."""

TAMPER = (S.OK, S.ERROR)
"""A state change made through plain method calls (no attribute store the write guard sees): the executor either
refuses it (ERROR) or confines it to this run (OK). The follow-up on the same workers proves which."""

STRING_MODULE = (S.FORBIDDEN_IMPORT, S.ERROR)
"""``string`` is on DESIGN.md's allow-list, but its ``Formatter`` is a known escape (CVE-2023-41039): the executor
may leave the whole module out (FORBIDDEN_IMPORT) or offer it without the dangerous names (ERROR when used)."""

MEMORY_IN_INPUT = (S.MEMORY, S.BAD_INPUT)
"""The memory limit hit while evaluating the input: both statuses describe it by the contract's own words
("hit the memory limit", "the input failed to evaluate"); the worker must survive either way."""


@dataclass(frozen=True)
class FollowUp:
    """A benign job run after the hostile one, with the canonical output it must give."""

    program: str
    input: str
    expected: str


SORT = FollowUp("def f(x):\n    return sorted(x)[::-1]\n", "[3, 1, 2]", "[3, 2, 1]")
PI = FollowUp("import math\n\ndef f():\n    return math.pi\n", "", "3.141592653589793")
DECIMAL = FollowUp(
    "import decimal\n\ndef f():\n    return str(decimal.Decimal(1) / decimal.Decimal(7))\n",
    "",
    "'0.1428571428571428571428571429'",
)


@dataclass(frozen=True)
class Case:
    """One hostile job and what must happen."""

    id: str
    program: str
    expect: S | tuple[S, ...]
    input: str = ""
    output: str | None = None
    mode: str = "run"
    pool: str = "shared"
    copies: int = 1
    follow_up: FollowUp = SORT
    follow_copies: int = 4
    known_bug: str = ""
    flaky_bug: bool = False
    """An open executor bug this case shows, by its id in ``tests/executor/KNOWN_BUGS.md``: the test is then a
    strict xfail, so it turns red the day the bug is fixed, to have this field removed. ``flaky_bug``: the bug
    shows only by chance, so the xfail is not strict."""

    @property
    def statuses(self) -> tuple[S, ...]:
        """The acceptable statuses as a tuple."""
        return self.expect if isinstance(self.expect, tuple) else (self.expect,)


def prog(text: str) -> str:
    """Dedent a program written as an indented triple-quoted string."""
    return dedent(text).lstrip("\n")


def body(*lines: str) -> str:
    """A program whose ``def f()`` body is the given lines."""
    return "def f():\n" + "".join(f"    {line}\n" for line in lines)


def deep_if(levels: int) -> str:
    """A ``def f`` with ``levels`` nested ``if`` blocks, indented by one space each (small source, deep blocks)."""
    lines = ["def f():"] + [" " * (i + 1) + "if 1:" for i in range(levels)] + [" " * (levels + 1) + "return 1"]
    return "\n".join(lines) + "\n"
