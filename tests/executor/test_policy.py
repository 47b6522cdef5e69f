"""The language policy inside the sandbox: what ordinary code may do and what stays refused."""

from __future__ import annotations

import ast

import pytest

from azr_env.executor import ExecStatus, Executor
from azr_env.executor.canonical import canonical_repr


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
        ("", "try:\n        int('x')\n    except ValueError:\n        return 'caught'", "'caught'"),
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


def test_input_arguments_are_data_never_code(executor: Executor) -> None:
    result = executor.run("def f(x, key):\n    return sorted(x, key=key)", "[3, -1, 2], key=lambda v: abs(v)")
    assert result.status is ExecStatus.BAD_INPUT


@pytest.mark.parametrize(
    "text",
    ['[1, 2.5, -3, 1e400, "a\\/b"]', '"x", [1]', "1, 2", "", "-0", "1E5, 0.1", '{"a": 1, "a": 2}', '"\\u00e9", []'],
)
@pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
def test_json_shaped_inputs_mean_what_python_says(executor: Executor, text: str) -> None:
    expected = canonical_repr(ast.literal_eval(f"({text},)") if text else ())
    assert executor.run("def f(*args):\n    return args", text).output == expected


@pytest.mark.parametrize("text", ["[true]", "null", "NaN", "-Infinity", "[1, false]"])
def test_json_words_are_python_names(executor: Executor, text: str) -> None:
    assert executor.run("def f(*args):\n    return args", text).status is ExecStatus.BAD_INPUT


def test_a_star_import_brings_the_offered_names(executor: Executor) -> None:
    result = executor.run("from math import *\ndef f(x):\n    return floor(sqrt(x))", "17")
    assert result.output == "4"


def test_the_real_type_is_in_no_sandbox_namespace() -> None:
    from azr_env.executor import policy

    assert all(value is not type for value in (*policy.SAFE_BUILTINS.values(), *policy.new_globals().values()))


def test_a_class_still_gets_the_metaclass_of_its_bases(executor: Executor) -> None:
    program = (
        "import collections.abc\nclass A(collections.abc.Sized):\n    pass\n"
        "def f():\n    try:\n        A()\n    except TypeError:\n        return 'abstract'\n    return 'made'"
    )
    assert executor.run(program, "").output == "'abstract'"
