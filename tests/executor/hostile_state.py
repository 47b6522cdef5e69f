"""Hostile programs against results and shared state: tampering that must not reach the next run, nondeterminism
that validation must catch, outputs that are not plain data. Contract: ``hostile_corpus.Case``.
"""

from __future__ import annotations

from azr_env.executor import ExecStatus as S

from .hostile_corpus import (
    DECIMAL,
    FAST,
    PI,
    TAMPER,
    UNAVAILABLE,
    Case,
    FollowUp,
    body,
    prog,
)

TAMPERING = [
    Case(
        "property_init_on_library_class",
        "import fractions\n\ndef f():\n    property.__init__(fractions.Fraction.numerator, lambda self: 42)\n"
        "    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=FollowUp("import fractions\n\ndef f():\n    return fractions.Fraction(1, 3).numerator\n", "", "1"),
    ),
    # A finalizer is the program's own code: it may not be creatable (ERROR), or it runs inside this job's deadline
    # (TIMEOUT). It must never run during a later job (the follow-ups, enough of them to trigger the gc).
    Case(
        "finalizer_via_real_type",
        body(
            "T = type(type(1))",
            "A = T('A', (), {'__del__': lambda self: sum(iter(int, 1))})",
            "a = A()",
            "a.me = a",
            "return 1",
        ),
        (S.ERROR, S.TIMEOUT),
        pool=FAST,
        copies=4,
        follow_copies=400,
    ),
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
        "set_of_bytes_order",
        body("return list({b'w%d' % i for i in range(50)})"),
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
    # Instances hash by address: a set of them iterates in heap order, which differs from run to run.
    Case(
        "set_of_own_objects_order",
        "class A:\n    def __init__(self, n):\n        self.n = n\n\ndef f():\n"
        "    return [a.n for a in {A(i) for i in range(30)}]\n",
        S.NONDETERMINISTIC,
        mode="validate",
        copies=16,
    ),
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
    Case("f_is_a_generator_function", "def f():\n    yield 1\n", S.OUTPUT_NOT_DATA),
    Case("ellipsis", body("return ..."), S.OUTPUT_NOT_DATA),
    Case("infinities_and_negative_zero", body("return [float('inf'), -0.0]"), S.OK, output="[float('inf'), 0.0]"),
    *[
        Case(
            f"subclass_inside_{name}",
            "class I(int):\n    pass\n\nclass S(str):\n    pass\n\ndef f():\n    return " + expr + "\n",
            S.OUTPUT_NOT_DATA,
        )
        for name, expr in (
            ("flat_list", "[1, I(3)]"),
            ("tuple", "(1, I(2))"),
            ("dict_value", "{1: [I(1)]}"),
            ("set", "{S('k')}"),
        )
    ],
    Case("flat_list_over_cap", body("return list(range(3000))"), S.OUTPUT_TOO_LARGE),
    Case("nan_is_data", body("return float('nan')"), S.OK, output="float('nan')"),
    Case("type_strict_scalars", body("return [True, 1, 1.0, b'ab']"), S.OK, output="[True, 1, 1.0, b'ab']"),
]
