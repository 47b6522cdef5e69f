"""The language policy inside the sandbox: what ordinary code may do and what stays refused."""

from __future__ import annotations

import pytest

from azr_env.executor import ExecStatus, Executor


def _run(executor: Executor, body: str, prelude: str = "") -> tuple[ExecStatus, str | None]:
    result = executor.run(f"{prelude}def f():\n    {body}", "")
    return result.status, result.output


@pytest.mark.parametrize(
    ("prelude", "body", "output"),
    [
        ("", "return '{0} {x!r:>4}'.format(1, x='a')", "\"1  'a'\""),
        ("", "return type(type(1)) == type, type(1) == int", "(True, True)"),
        (
            "from collections import defaultdict\n",
            "d = defaultdict(int)\n    d['a'] += 2\n    return dict(d)",
            "{'a': 2}",
        ),
        ("from collections.abc import Sequence\n", "return isinstance([], Sequence)", "True"),
        ("class A:\n    def __init__(self):\n        self.n = 1\n        self.n += 1\n", "return A().n", "2"),
        ("", "x = [1, 2, 3]\n    x[0:2] += [9]\n    return x", "[1, 2, 9, 3]"),
        ("from dataclasses import dataclass\n@dataclass\nclass P:\n    x: int\n", "return P(3).x", "3"),
        ("class B:\n    def __init__(self, v):\n        self.v = v\n", "return C(2).v", "2"),
        ("", "try:\n        [0] * 10**10\n    except MemoryError:\n        return 'caught'", "'caught'"),
    ],
)
def test_ordinary_code_runs(executor: Executor, prelude: str, body: str, output: str) -> None:
    if "C(2)" in body:
        prelude += "class C(B):\n    def __init__(self, v):\n        super().__init__(v)\n"
    assert _run(executor, body, prelude) == (ExecStatus.OK, output)


@pytest.mark.parametrize(
    ("prelude", "body"),
    [
        ("", "return '{0.real}'.format(1)"),
        ("", "return type(int)('E', (), {'__del__': len})"),
        ("import typing\n", "typing.Sequence.register(dict)"),
        ("import math\n", "math.pi = 3"),
        ("import collections\nfrom dataclasses import dataclass\n", "dataclass(collections.Counter)"),
        ("", "return hash('a')"),
        ("", "return getattr(1, 'real')"),
    ],
)
def test_escapes_and_shared_state_changes_are_errors(executor: Executor, prelude: str, body: str) -> None:
    assert _run(executor, body, prelude)[0] is ExecStatus.ERROR


def test_each_run_gets_a_fresh_decimal_context(executor: Executor) -> None:
    setter = "import decimal\ndef f():\n    decimal.getcontext().prec = 3\n    return 1"
    reader = "import decimal\ndef f():\n    return str(decimal.Decimal(1) / decimal.Decimal(7))"
    results = executor.run_many([(setter, ""), (reader, "")] * 4)
    assert {r.output for r in results[1::2]} == {"'0.1428571428571428571428571429'"}


def test_input_arguments_may_use_restricted_expressions(executor: Executor) -> None:
    result = executor.run("def f(x, key):\n    return sorted(x, key=key)", "[3, -1, 2], key=lambda v: abs(v)")
    assert result.output == "[-1, 2, 3]"
