"""Hostile programs after internals: library functions that copy or fetch attributes by a name the program
chooses, the internals of our own guards, exceptions that carry the object that was probed, the real ``type``.
Contract: ``hostile_corpus.Case``. Every one must end as an error (never a value built from an internal object), and
the follow-up on the same workers must still be right.
"""

from __future__ import annotations

from azr_env.executor import ExecStatus as S

from .hostile_corpus import Case, FollowUp, body, prog

PROBE_MATH = "import math\n\ndef f():\n    try:\n        math.nope\n    except AttributeError as e:\n"
"""A program that catches the AttributeError of a missing module attribute; the case appends what it does with it."""

MATH_FLOOR = FollowUp("import math\n\ndef f():\n    return math.floor(2.5)\n", "", "2")

ATTRIBUTE_COPIERS = [
    Case(
        "wraps_copies_library_globals",
        prog("""
            import functools, typing

            def f():
                def g():
                    return 1
                h = functools.wraps(typing.cast, (), ('__globals__',))(g)
                return len(h())
            """),
        S.ERROR,
    ),
    Case(
        "wraps_updated_keyword",
        prog("""
            import functools, typing

            def f():
                def g():
                    return 1
                functools.wraps(typing.cast, updated=('__globals__', '__dict__'))(g)
                return 1
            """),
        S.ERROR,
    ),
    Case(
        "wraps_onto_a_library_function",
        "import functools, math\n\ndef f():\n    functools.wraps(len)(math.floor)\n    return 1\n",
        S.ERROR,
        copies=4,
        follow_up=MATH_FLOOR,
    ),
    Case(
        "deepcopy_memo_collects_ids",
        "import copy\n\ndef f():\n    memo = {}\n    copy.deepcopy([[1]], memo)\n    return sorted(memo)\n",
        S.ERROR,
    ),
    Case(
        "format_walks_through_a_field",
        body("class_name = '{0.__class__.__name__}'", "return class_name.format(1)"),
        S.ERROR,
    ),
    Case(
        "format_spec_nested_walk",
        body("return '{0:{1.__class__}}'.format(1, 2)"),
        S.ERROR,
    ),
    Case(
        "str_subclass_template_format",
        "class T(str):\n    pass\n\ndef f():\n    return T('{0.real}').format(1)\n",
        S.ERROR,
    ),
    Case(
        "str_subclass_attribute_name",
        prog("""
            class S(str):
                def __eq__(self, other):
                    return True

                def __hash__(self):
                    return 0

            def f():
                return hasattr([], S('__class__'))
            """),
        S.ERROR,
    ),
]

GUARD_INTERNALS = [
    Case("format_guard_func", body("return str('{0}'.format.func)"), S.ERROR),
    Case("format_guard_args", body("return str('{0}'.format.args)"), S.ERROR),
    Case("format_guard_keywords", body("return str(str.format.keywords)"), S.ERROR),
    Case("init_guard_func", body("return str(int.__init__.func)"), S.ERROR),
    Case("init_guard_args", body("return str(property.__init__.args)"), S.ERROR),
    Case(
        "init_guard_func_then_reinit_library_property",
        prog("""
            import fractions

            def f():
                raw = property.__init__.func
                raw(fractions.Fraction.numerator, lambda self: 42)
                return 1
            """),
        S.ERROR,
        copies=4,
        follow_up=FollowUp("import fractions\n\ndef f():\n    return fractions.Fraction(1, 3).numerator\n", "", "1"),
    ),
    Case("partial_func", "import functools\n\ndef f():\n    return str(functools.partial(len).func)\n", S.ERROR),
    Case("partial_args", "import functools\n\ndef f():\n    return functools.partial(len, 'a').args\n", S.ERROR),
    Case("property_fget", "import fractions\n\ndef f():\n    return str(fractions.Fraction.numerator.fget)\n", S.ERROR),
    Case("dict_view_mapping", body("return str({}.keys().mapping)"), S.ERROR),
    Case(
        "abc_register_on_own_abc",
        prog("""
            import collections.abc

            class A(collections.abc.Sized):
                def __len__(self):
                    return 0

            def f():
                A.register(int)
                return isinstance(1, A)
            """),
        S.ERROR,
    ),
]

EXCEPTION_PAYLOADS = [
    Case(
        "attribute_error_obj",
        PROBE_MATH + "        return str(e.obj)\n",
        S.ERROR,
    ),
    Case(
        "attribute_error_name",
        PROBE_MATH + "        return e.name\n",
        S.ERROR,
    ),
    Case(
        "real_type_from_a_library_attribute_error",
        prog("""
            import typing

            def f():
                try:
                    typing.Type.nope
                except AttributeError as e:
                    T = e.obj
                    return str(T('A', (), {}))
            """),
        S.ERROR,
    ),
    Case(
        "attribute_error_subclass_obj",
        "class E(AttributeError):\n    pass\n\ndef f():\n    return E('x', name='n', obj=[1]).obj\n",
        S.ERROR,
    ),
    Case(
        "probed_payloads_do_not_exist",
        PROBE_MATH + "        return [hasattr(e, 'obj'), hasattr(e, 'name'), hasattr(e, 'args')]\n",
        S.OK,
        output="[False, False, True]",
    ),
]

REAL_TYPE = [
    Case("type_of_a_class_is_not_type", body("return type(type(1))('A', (), {})"), S.ERROR),
    Case(
        "type_of_an_abc_is_not_abcmeta",
        "import typing\n\ndef f():\n    return str(type(typing.Sequence)('A', (), {}))\n",
        S.ERROR,
    ),
    Case("typing_type_forwards_to_type", "import typing\n\ndef f():\n    return str(typing.Type.mro)\n", S.ERROR),
    Case(
        "finalizer_class_through_typing_type",
        prog("""
            import typing

            def f():
                try:
                    typing.Type.x
                except AttributeError as e:
                    A = e.obj('A', (), {'__del__': lambda self: sum(iter(int, 1))})
                    a = A()
                    a.me = a
                return 1
            """),
        S.ERROR,
        copies=4,
        follow_copies=200,
    ),
    Case("function_type_without_code", body("g = lambda: 1", "return str(type(g)(1, {}))"), S.ERROR),
    Case(
        "namedtuple_module_keyword_keeps_it_the_programs",
        "import collections\n\nP = collections.namedtuple('P', 'x', module='math')\n\ndef f():\n    return P(1).x\n",
        S.OK,
        output="1",
    ),
]
