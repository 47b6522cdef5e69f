"""Hostile programs and inputs for the executor, each with the exact outcome it must get.

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


TIMEOUTS = [
    Case("while_true", body("while True:", "    pass"), S.TIMEOUT, pool=FAST),
    Case("long_c_call_sum", body("return sum(range(10**10))"), S.TIMEOUT, pool=FAST),
    Case(
        "regex_backtracking",
        "import re\n\ndef f(s):\n    return bool(re.match(r'(a+)+$', s))\n",
        S.TIMEOUT,
        input="'a' * 40 + 'b'",
        pool=FAST,
    ),
    Case("huge_pow", body("return pow(7, 10**9) % 10"), S.TIMEOUT, pool=FAST),
    Case(
        "catch_all_loop",
        body(
            "while True:",
            "    try:",
            "        while True:",
            "            pass",
            "    except BaseException:",
            "        pass",
        ),
        S.TIMEOUT,
        pool=FAST,
    ),
    Case(
        "evil_lt_in_sorted",
        prog("""
            class A:
                def __lt__(self, other):
                    while True:
                        pass

            def f():
                return sorted([A(), A()])
            """),
        S.TIMEOUT,
        pool=FAST,
    ),
    Case("input_long_c_call", "def f(x):\n    return x\n", S.TIMEOUT, input="sum(range(10**12))", pool=FAST),
    Case("input_huge_literal_power", "def f(x):\n    return 1\n", S.TIMEOUT, input="9**9**9", pool=FAST),
    # A generator's ``finally`` runs when the run's objects are torn down: that is still this program's time.
    Case(
        "generator_finally_loops_at_teardown",
        prog("""
            def g():
                try:
                    yield 1
                finally:
                    while True:
                        pass

            keep = []

            def f():
                it = g()
                next(it)
                keep.append(it)
                return 1
            """),
        S.TIMEOUT,
        pool=FAST,
        copies=4,
    ),
    Case("validate_while_true", body("while True:", "    pass"), S.TIMEOUT, mode="validate", pool=FAST),
]

MEMORY = [
    Case("list_times_huge", body("return len([0] * 10**10)"), S.MEMORY),
    Case("string_doubling", body("s = 'ab'", "while True:", "    s += s"), S.MEMORY, pool=LOW_MEMORY),
    Case(
        "chunked_growth",
        body("x = []", "while True:", "    x.append(bytearray(10**7))"),
        S.MEMORY,
        pool=LOW_MEMORY,
    ),
    Case(
        "program_catches_memory_error",
        body("try:", "    x = [0] * 10**10", "except MemoryError:", "    return 'caught'", "return 'allocated'"),
        S.OK,
        output="'caught'",
    ),
    Case("bytearray_huge", body("return len(bytearray(10**10))"), S.MEMORY),
    Case("list_of_range", body("return len(list(range(10**9)))"), S.MEMORY),
    Case("str_repeat_2_40", body("return len('x' * 2**40)"), S.MEMORY),
    Case("input_memory_bomb", "def f(x):\n    return len(x)\n", MEMORY_IN_INPUT, input="[0] * 10**10"),
]

OUTPUTS = [
    Case("huge_string", body("return 'a' * 10**6"), S.OUTPUT_TOO_LARGE),
    Case("huge_list", body("return list(range(10**5))"), S.OUTPUT_TOO_LARGE),
    Case("huge_dict", body("return {i: 'x' * 100 for i in range(1000)}"), S.OUTPUT_TOO_LARGE),
    Case("huge_int", body("return 10**20000"), S.OUTPUT_TOO_LARGE),
    Case("deep_nesting", body("x = []", "for _ in range(10000):", "    x = [x]", "return x"), S.OUTPUT_TOO_LARGE),
    Case("print_spam", body("for _ in range(10**5):", "    print('spam' * 100)", "return 1"), S.OK, output="1"),
    Case("huge_error_message", body("raise ValueError('x' * 10**7)"), S.ERROR),
    Case(
        "error_arg_too_deep_to_print",
        body("x = []", "for _ in range(100000):", "    x = [x]", "raise ValueError(x)"),
        S.ERROR,
    ),
    Case(
        "repr_raises_while_formatting_error",
        "class A:\n    def __repr__(self):\n        raise RuntimeError('no')\n\ndef f():\n    raise ValueError(A())\n",
        S.ERROR,
    ),
    Case(
        "repr_returns_non_str_in_error",
        "class A:\n    def __repr__(self):\n        return 1\n\ndef f():\n    raise ValueError(A())\n",
        S.ERROR,
    ),
    Case(
        "repr_huge_in_error",
        "class A:\n    def __repr__(self):\n        return 'x' * 10**7\n\ndef f():\n    raise ValueError(A())\n",
        S.ERROR,
    ),
    Case(
        "long_exception_class_name",
        f"class E{'x' * 3500}(Exception):\n    pass\n\ndef f():\n    raise E{'x' * 3500}('boom')\n",
        S.ERROR,
    ),
    # The message of a program's exception is the program's own code: if the executor formats it, the deadline
    # still governs that code, so "raised" (ERROR) or "ran out of time while formatting" (TIMEOUT) both hold.
    Case(
        "exception_str_loops",
        body("raise E()").replace(
            "def f", "class E(Exception):\n    def __str__(self):\n        while True:\n            pass\n\ndef f"
        ),
        (S.ERROR, S.TIMEOUT),
        pool=FAST,
    ),
    Case("surrogate_output", body("return chr(0xD800)"), S.OK, output="'\\ud800'"),
    Case("surrogate_error", body("raise ValueError(chr(0xD800))"), S.ERROR),
]

RECURSION = [
    Case("self_recursion", "def f(n):\n    return f(n + 1)\n", S.RECURSION, input="0"),
    Case(
        "mutual_recursion",
        "def g(n):\n    return h(n)\n\ndef h(n):\n    return g(n)\n\ndef f():\n    return g(0)\n",
        S.RECURSION,
    ),
    Case(
        "c_level_repr_recursion",
        body("x = []", "for _ in range(10**5):", "    x = [x]", "return len(str(x))"),
        S.RECURSION,
    ),
    Case(
        "program_catches_recursion_error",
        "def g(n):\n    return g(n + 1)\n\ndef f():\n    try:\n        return g(0)\n    except RecursionError:\n"
        "        return 'caught'\n",
        S.OK,
        output="'caught'",
    ),
    Case(
        "moderate_recursion_is_fine",
        "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n",
        S.OK,
        input="200",
        output="200",
    ),
]

IMPORTS = [
    Case(f"import_{name}", f"import {name}\n\ndef f():\n    return 1\n", S.FORBIDDEN_IMPORT)
    for name in ("os", "threading", "subprocess", "socket", "signal", "multiprocessing", "ctypes", "importlib")
] + [
    Case("import_sys_modules", "import sys\n\ndef f():\n    return len(sys.modules)\n", S.FORBIDDEN_IMPORT),
    Case("import_builtins", "import builtins\n\ndef f():\n    return 1\n", S.FORBIDDEN_IMPORT),
    Case("import_gc", "import gc\n\ndef f():\n    return len(gc.get_objects())\n", S.FORBIDDEN_IMPORT),
    Case("from_os_import_system", "from os import system\n\ndef f():\n    return system('true')\n", S.FORBIDDEN_IMPORT),
    Case("import_os_path", "import os.path\n\ndef f():\n    return 1\n", S.FORBIDDEN_IMPORT),
    Case("import_inside_f", body("import os", "return os.getpid()"), S.FORBIDDEN_IMPORT),
    Case("import_allowed_then_os", "import math, os\n\ndef f():\n    return 1\n", S.FORBIDDEN_IMPORT),
    Case("relative_import", "from . import secrets\n\ndef f():\n    return 1\n", S.FORBIDDEN_IMPORT),
    # Two independent static refusals in one program (the import and the "_exit" attribute); which is found
    # first is an implementation choice.
    Case("os_exit", "import os\n\ndef f():\n    os._exit(0)\n", (S.FORBIDDEN_IMPORT, S.FORBIDDEN_NAME)),
    Case("dunder_import", body("return __import__('os').getpid()"), S.FORBIDDEN_NAME),
    Case("module_loader_attribute", "import math\n\ndef f():\n    return math.__loader__\n", S.FORBIDDEN_NAME),
    # Two static refusals again: a name outside math's allow-list, and one starting with "_".
    Case(
        "from_math_import_dunder",
        "from math import __loader__\n\ndef f():\n    return 1\n",
        (S.FORBIDDEN_IMPORT, S.FORBIDDEN_NAME),
    ),
]

MODULE_ESCAPES = [
    Case(
        f"reexported_module_{module}_{attr}",
        f"import {module}\n\ndef f():\n    return {module}.{attr}.{tail}\n",
        S.ERROR,
    )
    for module, attr, tail in (
        ("typing", "sys", "modules['os'].getcwd()"),
        ("fractions", "sys", "modules['os'].getpid()"),
        ("statistics", "random", "random()"),
        ("dataclasses", "inspect", "currentframe()"),
        ("dataclasses", "builtins", "eval('1 + 1')"),
        ("re", "copyreg", "dispatch_table"),
    )
] + [
    Case(
        "reexported_builtins_open",
        f"import dataclasses\n\ndef f():\n    dataclasses.builtins.open('{MARKER}', 'w').write('x')\n    return 1\n",
        S.ERROR,
    ),
    Case(
        "type_hints_eval_escape",
        prog(f"""
            import typing

            def g(x: "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
                     ".__init__.__globals__['open']('{MARKER}', 65) and int"):
                return x

            def f():
                return str(typing.get_type_hints(g))
            """),
        S.ERROR,
    ),
    Case(
        "singledispatch_annotation_escape",
        prog("""
            import functools

            @functools.singledispatch
            def g(x):
                return 0

            def f():
                try:
                    @g.register
                    def h(x: "(leak := len(().__class__.__base__.__subclasses__())) and int"):
                        return 1
                except Exception:
                    pass
                return leak
            """),
        S.ERROR,
    ),
]

FILES = [
    Case("open_read", body("return open('/etc/passwd').read()"), UNAVAILABLE),
    Case("open_write", body(f"open('{MARKER}', 'w').write('x')", "return 1"), UNAVAILABLE),
    Case("print_to_file", body(f"print('x', file=open('{MARKER}', 'w'))", "return 1"), UNAVAILABLE),
    Case("builtins_dict_open", body(f"__builtins__['open']('{MARKER}', 'w')", "return 1"), S.FORBIDDEN_NAME),
]

INTROSPECTION = [
    Case("subclasses_walk", body("return len(().__class__.__bases__[0].__subclasses__())"), S.FORBIDDEN_NAME),
    Case("function_globals", body("return f.__globals__"), S.FORBIDDEN_NAME),
    Case("generator_frame_walk", body("g = (i for i in [1])", "return g.gi_frame.f_back"), S.FORBIDDEN_NAME),
    Case(
        "traceback_frame",
        body("try:", "    1 / 0", "except ZeroDivisionError as e:", "    return e.__traceback__.tb_frame"),
        S.FORBIDDEN_NAME,
    ),
    Case("fstring_dunder", body("return f'{(1).__class__}'"), S.FORBIDDEN_NAME),
    Case("type_dict", body("return type(1).__dict__"), S.FORBIDDEN_NAME),
    Case("format_attribute_walk", body("return '{0.__class__}'.format(1)"), S.ERROR),
    Case("format_map_attribute_walk", body("return '{x.__class__}'.format_map({'x': 1})"), S.ERROR),
    Case("unbound_str_format", body("return str.format('{0.__class__}', 1)"), S.ERROR),
    Case(
        "userstring_format",
        "import collections\n\ndef f():\n    return collections.UserString('{0.__class__.__name__}').format(1)\n",
        S.ERROR,
    ),
    Case(
        "string_formatter",
        "import string\n\ndef f():\n    return string.Formatter().format('{0.__class__}', 1)\n",
        STRING_MODULE,
    ),
    Case(
        "attrgetter_dunder",
        "import operator\n\ndef f():\n    return operator.attrgetter('__class__.__name__')(1)\n",
        S.ERROR,
    ),
    Case(
        "methodcaller_format",
        "import operator\n\ndef f():\n    return operator.methodcaller('format', 1)('{0.__class__.__name__}')\n",
        S.ERROR,
    ),
    Case("getattr_built_string", body("return getattr(1, '_' + '_class__')"), UNAVAILABLE),
    Case("globals_builtin", body("return sorted(globals())"), UNAVAILABLE),
    Case("vars_builtin", body("return sorted(vars())"), UNAVAILABLE),
    Case("breakpoint_builtin", body("breakpoint()", "return 1"), UNAVAILABLE),
    Case("mro_is_not_data", body("return int.mro()"), S.OUTPUT_NOT_DATA),
]

TAMPERING = [
    Case("write_math_pi", "import math\n\ndef f():\n    math.pi = 3\n    return 1\n", S.ERROR, copies=4, follow_up=PI),
    Case("delete_math_pi", "import math\n\ndef f():\n    del math.pi\n    return 1\n", S.ERROR, copies=4, follow_up=PI),
    Case(
        "replace_math_sqrt",
        "import math\n\ndef f():\n    math.sqrt = lambda x: 42\n    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=FollowUp("import math\n\ndef f():\n    return math.sqrt(16)\n", "", "4.0"),
    ),
    Case(
        "exception_obj_write",
        body("try:", "    math.nope", "except AttributeError as e:", "    m = e.obj", "m.pi = 3", "return 1").replace(
            "def f", "import math\n\ndef f"
        ),
        S.ERROR,
        copies=4,
        follow_up=PI,
    ),
    Case(
        "operator_setitem_module_dict",
        "import math, operator\n\ndef f():\n    operator.setitem(operator.attrgetter('__dict__')(math), 'pi', 3)\n"
        "    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=PI,
    ),
    Case(
        "class_method_of_library",
        "import collections\n\ndef f():\n    collections.Counter.most_common = None\n    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=FollowUp(
            "import collections\n\ndef f(s):\n    return collections.Counter(s).most_common(1)\n", "'aab'", "[('a', 2)]"
        ),
    ),
    Case(
        "library_class_method",
        "import fractions\n\ndef f():\n    fractions.Fraction.limit_denominator = None\n    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=FollowUp(
            "import fractions\n\ndef f():\n    return str(fractions.Fraction(1, 3).limit_denominator(2))\n", "", "'1/2'"
        ),
    ),
    Case("builtin_type_method", body("list.append = None", "return 1"), S.ERROR, copies=4),
    Case("builtins_dict_write", body("__builtins__['sorted'] = None", "return 1"), S.FORBIDDEN_NAME),
    Case(
        "shadow_builtin_in_own_globals",
        "sorted = lambda x: 'pwned'\n\ndef f(x):\n    return sorted(x)\n",
        S.OK,
        input="[2, 1]",
        output="'pwned'",
        copies=4,
    ),
    Case(
        "decimal_setcontext",
        body("import decimal", "decimal.setcontext(decimal.Context(prec=3))", "return 1"),
        TAMPER,
        copies=4,
        follow_up=DECIMAL,
    ),
    Case(
        "decimal_context_precision",
        body("import decimal", "decimal.getcontext().prec = 3", "return 1"),
        TAMPER,
        copies=4,
        follow_up=DECIMAL,
    ),
    Case(
        "decimal_traps",
        body("import decimal", "decimal.getcontext().traps[decimal.DivisionByZero] = False", "return 1"),
        TAMPER,
        copies=4,
        follow_up=FollowUp(
            body(
                "import decimal",
                "try:",
                "    decimal.Decimal(1) / decimal.Decimal(0)",
                "except decimal.DivisionByZero:",
                "    return 'raised'",
                "return 'not raised'",
            ),
            "",
            "'raised'",
        ),
    ),
    Case(
        "decimal_context_left_open_by_generator",
        prog("""
            import decimal

            def g():
                with decimal.localcontext(prec=3):
                    yield 1
                    yield 2

            keep = []

            def f():
                it = g()
                next(it)
                keep.append(it)
                return str(decimal.Decimal(1) / decimal.Decimal(7))
            """),
        TAMPER,
        copies=4,
        follow_up=DECIMAL,
    ),
    Case(
        "write_module_proxy_class",
        "import math\n\ndef f():\n    type(math).pi = 3\n    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=PI,
    ),
    Case(
        "setattr_on_module",
        "import math\n\ndef f():\n    setattr(math, 'pi', 3)\n    return 1\n",
        UNAVAILABLE,
        copies=4,
        follow_up=PI,
    ),
    Case(
        "setattr_on_module_proxy_class",
        "import math\n\ndef f():\n    setattr(type(math), 'pi', 3)\n    return 1\n",
        UNAVAILABLE,
        copies=4,
        follow_up=PI,
    ),
    Case(
        "abc_register_builtin",
        "import typing\n\ndef f():\n    typing.Sequence.register(dict)\n    return 1\n",
        TAMPER,
        copies=4,
        follow_up=FollowUp("import typing\n\ndef f():\n    return isinstance({}, typing.Sequence)\n", "", "False"),
    ),
    Case(
        "mutable_default_is_per_run",
        "def f(x, acc=[]):\n    acc.append(x)\n    return len(acc)\n",
        S.OK,
        input="1",
        output="1",
        copies=4,
    ),
    Case(
        "module_state_is_per_run",
        "calls = []\n\ndef f():\n    calls.append(1)\n    return len(calls)\n",
        S.OK,
        output="1",
        copies=4,
    ),
    Case(
        "own_class_state_is_per_run",
        "class C:\n    n = 0\n\ndef f():\n    C.n += 1\n    return C.n\n",
        S.OK,
        output="1",
        copies=4,
    ),
]

EVAL_EXEC = [
    Case("eval_call", body("return eval('1 + 1')"), S.FORBIDDEN_NAME),
    Case("exec_call", body("exec('x = 1')", "return 1"), S.FORBIDDEN_NAME),
    Case("compile_call", body("return compile('1', '<s>', 'eval')"), UNAVAILABLE),
    Case("eval_alias", body("g = eval", "return g('1')"), UNAVAILABLE),
    Case("exec_in_input", "def f(x):\n    return x\n", INPUT_REFUSED, input="exec('import os')"),
]

EXITS = [
    Case("system_exit", body("raise SystemExit(0)"), S.ERROR),
    Case("keyboard_interrupt", body("raise KeyboardInterrupt"), S.ERROR),
    Case("generator_exit", body("raise GeneratorExit"), S.ERROR),
    Case("exit_builtin", body("exit(0)"), UNAVAILABLE),
    Case("system_exit_validate", body("raise SystemExit(3)"), S.ERROR, mode="validate"),
]

NONDETERMINISM = [
    Case("set_of_str_order", body("return list({'w%d' % i for i in range(50)})"), S.NONDETERMINISTIC, mode="validate"),
    Case(
        "join_set_of_chars",
        body("return ''.join(set('abcdefghijklmnopqrstuvwxyz'))"),
        S.NONDETERMINISTIC,
        mode="validate",
    ),
    Case(
        "dict_from_set_order",
        body("return {s: i for i, s in enumerate({'k%d' % i for i in range(40)})}"),
        S.NONDETERMINISTIC,
        mode="validate",
    ),
    Case(
        "set_of_tuples_order",
        body("return [t for t in {('k%d' % i, i) for i in range(30)}]"),
        S.NONDETERMINISTIC,
        mode="validate",
    ),
    Case(
        "set_value_is_deterministic",
        body("return {'w%d' % i for i in range(3)}"),
        S.OK,
        mode="validate",
        output="{'w0', 'w1', 'w2'}",
    ),
    # Addresses differ between the two zygotes (separate interpreters, ASLR), so a repr with one is caught.
    Case("address_in_object_repr", body("return repr(object())"), S.NONDETERMINISTIC, mode="validate"),
    Case("address_in_function_repr", body("return str(f)"), S.NONDETERMINISTIC, mode="validate"),
    Case("random", "import random\n\ndef f():\n    return random.random()\n", S.FORBIDDEN_IMPORT, mode="validate"),
    Case("time", "import time\n\ndef f():\n    return time.time()\n", S.FORBIDDEN_IMPORT, mode="validate"),
    Case(
        "datetime",
        "import datetime\n\ndef f():\n    return str(datetime.datetime.now())\n",
        S.FORBIDDEN_IMPORT,
        mode="validate",
    ),
    Case("id_builtin", body("return id(object()) % 1000"), UNAVAILABLE, mode="validate"),
    Case("hash_builtin", body("return hash('abc')"), UNAVAILABLE, mode="validate"),
]

NON_DATA = [
    Case("generator", body("return (i for i in range(3))"), S.OUTPUT_NOT_DATA),
    Case("function", body("return f"), S.OUTPUT_NOT_DATA),
    Case("lambda", body("return lambda: 1"), S.OUTPUT_NOT_DATA),
    Case("builtin_function", body("return len"), S.OUTPUT_NOT_DATA),
    Case("class_object", "class A:\n    pass\n\ndef f():\n    return A\n", S.OUTPUT_NOT_DATA),
    Case("instance", "class A:\n    pass\n\ndef f():\n    return [A()]\n", S.OUTPUT_NOT_DATA),
    Case(
        "evil_eq_instance",
        "class A:\n    def __eq__(self, other):\n        return True\n\ndef f():\n    return A()\n",
        S.OUTPUT_NOT_DATA,
    ),
    Case(
        "int_subclass_evil_eq",
        "class I(int):\n    def __eq__(self, other):\n        return True\n\ndef f():\n    return I(3)\n",
        S.OUTPUT_NOT_DATA,
    ),
    Case("list_subclass", "class L(list):\n    pass\n\ndef f():\n    return L([1])\n", S.OUTPUT_NOT_DATA),
    Case("instance_as_dict_key", "class A:\n    pass\n\ndef f():\n    return {A(): 1}\n", S.OUTPUT_NOT_DATA),
    Case(
        "namedtuple",
        "import collections\n\ndef f():\n    return collections.namedtuple('P', 'x y')(1, 2)\n",
        S.OUTPUT_NOT_DATA,
    ),
    Case("list_cycle", body("x = []", "x.append(x)", "return x"), S.OUTPUT_NOT_DATA),
    Case("dict_cycle", body("d = {}", "d['self'] = d", "return d"), S.OUTPUT_NOT_DATA),
    Case("shared_reference_is_not_a_cycle", body("a = [1]", "return [a, a]"), S.OK, output="[[1], [1]]"),
    Case("complex", body("return 1j"), S.OUTPUT_NOT_DATA),
    Case("range_object", body("return range(3)"), S.OUTPUT_NOT_DATA),
    Case("module_object", "import math\n\ndef f():\n    return math\n", S.OUTPUT_NOT_DATA),
    Case("exception_object", body("return ValueError('x')"), S.OUTPUT_NOT_DATA),
    Case(
        "instance_with_repr_is_not_data",
        "class A:\n    def __repr__(self):\n        return '1'\n\ndef f():\n    return A()\n",
        S.OUTPUT_NOT_DATA,
    ),
    Case("nan_is_data", body("return float('nan')"), S.OK, output="float('nan')"),
    Case("type_strict_scalars", body("return [True, 1, 1.0, b'ab']"), S.OK, output="[True, 1, 1.0, b'ab']"),
]

INPUTS = [
    Case(
        "splice_breakout",
        "def evil():\n    return 'breakout'\n\ndef f(x):\n    return x\n",
        NOT_AN_ARGUMENT_LIST,
        input="0) or evil() or (0",
    ),
    Case("input_statement_injection", "def f(x):\n    return x\n", NOT_AN_ARGUMENT_LIST, input="1)\nimport os\nf(1"),
    Case("input_open", "def f(x):\n    return 1\n", INPUT_REFUSED, input=f"open('{MARKER}', 'w')"),
    Case("input_dunder_import", "def f(x):\n    return x\n", INPUT_REFUSED, input="__import__('os').getcwd()"),
    Case(
        "input_subclasses",
        "def f(x):\n    return 1\n",
        INPUT_REFUSED,
        input="().__class__.__bases__[0].__subclasses__()",
    ),
    Case("input_raises", "def f(x):\n    return x\n", S.BAD_INPUT, input="[1][5]"),
    Case("input_exit", "def f(x):\n    return x\n", INPUT_REFUSED, input="exit()"),
    Case("input_too_large", "def f(x):\n    return 1\n", S.INPUT_TOO_LARGE, input=repr("a" * 3000)),
    Case("program_too_large", "def f():\n    return 1\n" + "#" * 9000 + "\n", S.PROGRAM_TOO_LARGE),
    Case("starred_input", "def f(a, b, c):\n    return a + b + c\n", S.OK, input="*range(3)", output="3"),
    Case("surrogate_in_input", "def f(x):\n    return x\n", S.SYNTAX_ERROR, input="'\ud800'"),
]

PARSER = [
    Case("nested_parens", body("return " + "(" * 1000 + "1" + ")" * 1000), S.SYNTAX_ERROR),
    Case("nested_lists", body("return " + "[" * 1000 + "]" * 1000), S.SYNTAX_ERROR),
    Case("deep_indentation", deep_if(101), S.SYNTAX_ERROR),
    Case("unary_chain", body("return " + "-" * 7000 + "1"), TOO_DEEP_TO_COMPILE_M),
    Case("not_chain", body("return " + "not " * 1800 + "1"), TOO_DEEP_TO_COMPILE_R),
    Case("addition_chain", body("return " + "+".join(["1"] * 3500)), TOO_DEEP_TO_COMPILE_R),
    Case("lambda_chain", body("return " + "lambda: " * 900 + "1"), TOO_DEEP_TO_COMPILE_R),
    Case("input_nested_parens", "def f(x):\n    return x\n", S.SYNTAX_ERROR, input="(" * 1000 + "1" + ")" * 1000),
    Case("null_byte", "def f():\n    return 1\x00\n", S.SYNTAX_ERROR),
    Case("surrogate_in_source", "def f():\n    return '\ud800'\n", S.SYNTAX_ERROR),
    Case("no_f", "def g():\n    return 1\n", S.NO_F),
    Case("two_f", "def f():\n    return 1\n\ndef f():\n    return 2\n", S.NO_F),
    Case("f_is_lambda", "f = lambda: 1\n", S.NO_F),
]

GUARD_SHADOWING = [
    Case("posonly_getattr", "def f(_getattr_=None, /):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("posonly_getiter", "def f(x=[1], _getiter_=None, /):\n    return [i for i in x]\n", S.FORBIDDEN_NAME),
    Case("lambda_posonly_write", body("g = lambda _write_=None, /: 1", "return g()"), S.FORBIDDEN_NAME),
    Case("kwonly_print", "def f(*, _print_=None):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("vararg_apply", "def f(*_apply_):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("global_getattr_rebind", "_getattr_ = None\n\ndef f():\n    return 1\n", S.FORBIDDEN_NAME),
]

CASES: list[Case] = [
    *TIMEOUTS,
    *MEMORY,
    *OUTPUTS,
    *RECURSION,
    *IMPORTS,
    *MODULE_ESCAPES,
    *FILES,
    *INTROSPECTION,
    *TAMPERING,
    *EVAL_EXEC,
    *EXITS,
    *NONDETERMINISM,
    *NON_DATA,
    *INPUTS,
    *PARSER,
    *GUARD_SHADOWING,
]
