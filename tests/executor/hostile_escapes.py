"""Hostile programs that try to get out of the policy: forbidden imports, modules re-exported by allowed ones,
files, introspection walks, eval/exec, exit paths, shadowed guard hooks. Contract: ``hostile_corpus.Case``.
"""

from __future__ import annotations

from azr_env.executor import ExecStatus as S

from .hostile_corpus import (
    INPUT_REFUSED,
    MARKER,
    STRING_MODULE,
    UNAVAILABLE,
    Case,
    body,
    prog,
)

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
    Case("locals_builtin", body("return sorted(locals())"), UNAVAILABLE),
    Case("input_builtin", body("return input()"), UNAVAILABLE),
    Case("memoryview_builtin", body("return memoryview(b'x')[0]"), UNAVAILABLE),
    # CPython refuses this at compile time ("not a chance"); the import allow-list refuses it first. Both static.
    Case(
        "future_braces",
        "from __future__ import braces\n\ndef f():\n    return 1\n",
        (S.SYNTAX_ERROR, S.FORBIDDEN_IMPORT),
    ),
    Case("breakpoint_builtin", body("breakpoint()", "return 1"), UNAVAILABLE),
    Case("mro_is_not_data", body("return int.mro()"), S.OUTPUT_NOT_DATA),
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


GUARD_SHADOWING = [
    Case("posonly_getattr", "def f(_getattr_=None, /):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("posonly_getiter", "def f(x=[1], _getiter_=None, /):\n    return [i for i in x]\n", S.FORBIDDEN_NAME),
    Case("lambda_posonly_write", body("g = lambda _write_=None, /: 1", "return g()"), S.FORBIDDEN_NAME),
    Case("kwonly_print", "def f(*, _print_=None):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("vararg_apply", "def f(*_apply_):\n    return 1\n", S.FORBIDDEN_NAME),
    Case("global_getattr_rebind", "_getattr_ = None\n\ndef f():\n    return 1\n", S.FORBIDDEN_NAME),
]
