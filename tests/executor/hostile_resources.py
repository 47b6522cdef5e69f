"""Hostile programs that attack resources and the parser: time, memory, output size, recursion, hostile inputs,
source the compiler chokes on. Every case's contract is in ``hostile_corpus.Case``.
"""

from __future__ import annotations

from azr_env.executor import ExecStatus as S

from .hostile_corpus import (
    FAST,
    INPUT_REFUSED,
    LOW_MEMORY,
    MARKER,
    MEMORY_IN_INPUT,
    NOT_AN_ARGUMENT_LIST,
    TOO_DEEP_TO_COMPILE_M,
    TOO_DEEP_TO_COMPILE_R,
    Case,
    body,
    deep_if,
    prog,
)

TIMEOUTS = [
    Case("while_true", body("while True:", "    pass"), S.TIMEOUT, pool=FAST),
    Case("long_c_call_sum", body("return sum(range(10**10))"), S.TIMEOUT, pool=FAST),
    Case(
        "regex_backtracking",
        "import re\n\ndef f(s):\n    return bool(re.match(r'(a+)+$', s))\n",
        S.TIMEOUT,
        input="'" + "a" * 40 + "b'",
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
    # Inputs are data (azr_env.executor.literals): a computation in an input is refused before anything runs.
    Case("input_long_c_call", "def f(x):\n    return x\n", S.BAD_INPUT, input="sum(range(10**12))", pool=FAST),
    Case("input_huge_literal_power", "def f(x):\n    return 1\n", S.BAD_INPUT, input="9**9**9", pool=FAST),
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


# C recursion that CPython 3.11 does not check: the worker's stack overflows (SIGSEGV). The worker dies without
# answering, and the executor must say so and respawn it.
CRASHES = [
    Case(
        "segfault_nested_map",
        body("it = iter([1])", "for _ in range(2 * 10**5):", "    it = map(abs, it)", "return next(it)"),
        S.CRASHED,
    ),
    Case(
        "segfault_in_validate",
        body("it = iter([1])", "for _ in range(2 * 10**5):", "    it = map(abs, it)", "return next(it)"),
        S.CRASHED,
        mode="validate",
    ),
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
        S.MEMORY,
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
        S.RECURSION,
    ),
    # A caught resource error still ends the run (azr_env.executor.caught): the output would show the limits.
    Case(
        "program_counts_frames_to_the_limit",
        "def g(n):\n    try:\n        return g(n + 1)\n    except RecursionError:\n        return n\n\ndef f():\n"
        "    return g(0)\n",
        S.RECURSION,
    ),
    Case(
        "catch_all_after_rebinding_the_error_names",
        "MemoryError = ValueError\nRecursionError = ValueError\n\ndef g(n):\n    return g(n + 1)\n\ndef f():\n"
        "    try:\n        g(0)\n    except Exception:\n        return 'caught'\n",
        S.RECURSION,
    ),
    Case(
        "exit_drops_a_recursion_error",
        prog("""
            class Quiet:
                def __enter__(self):
                    return self

                def __exit__(self, kind, value, trace):
                    return True

            def g(n):
                return g(n + 1)

            def f():
                with Quiet():
                    g(0)
                return 'dropped'
            """),
        S.RECURSION,
    ),
    Case(
        "finally_return_drops_a_recursion_error",
        body("def g(n):", "    return g(n + 1)", "try:", "    g(0)", "finally:", "    return 'dropped'"),
        S.RECURSION,
    ),
    Case(
        "finally_continue_drops_an_error_raised_in_a_handler",
        body(
            "def g(n):",
            "    return g(n + 1)",
            "n = 0",
            "for _ in range(3):",
            "    try:",
            "        raise ValueError",
            "    except ValueError:",
            "        g(0)",
            "    finally:",
            "        n += 1",
            "        continue",
            "return n",
        ),
        S.RECURSION,
    ),
    Case(
        "generator_finalizer_drops_a_recursion_error",
        prog("""
            def g(n):
                return g(n + 1)

            def steps(seen):
                try:
                    yield 1
                finally:
                    g(0)
                    seen.append('after')

            def f():
                seen = []
                it = steps(seen)
                next(it)
                it = None
                return seen
            """),
        S.RECURSION,
    ),
    Case(
        "ordinary_handlers_else_finally_and_exit_still_run",
        prog("""
            class Log:
                def __init__(self):
                    self.lines = []

                def __enter__(self):
                    return self

                def __exit__(self, kind, value, trace):
                    self.lines.append('exit')
                    return True

            def f(items):
                log = Log()
                for item in items:
                    try:
                        log.lines.append(int(item))
                    except ValueError:
                        log.lines.append('bad')
                    else:
                        log.lines.append('good')
                    finally:
                        log.lines.append('next')
                with log:
                    raise KeyError('dropped by __exit__')
                return log.lines
            """),
        S.OK,
        input="['1', 'x']",
        output="[1, 'good', 'next', 'bad', 'next', 'exit']",
    ),
    Case(
        "moderate_recursion_is_fine",
        "def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\n",
        S.OK,
        input="200",
        output="200",
    ),
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
    # JSON-looking inputs must mean what they mean in Python, whatever parser the executor uses for data.
    Case("json_true_is_not_python", "def f(x):\n    return x\n", S.BAD_INPUT, input="[true, 1]"),
    Case("json_nan_is_not_python", "def f(x):\n    return x\n", S.BAD_INPUT, input="NaN"),
    Case("json_escape_slash", "def f(x):\n    return x\n", S.OK, input='"a\\/b"', output="'a\\\\/b'"),
    Case("input_raises", "def f(x):\n    return x\n", S.BAD_INPUT, input="[1][5]"),
    Case("input_exit", "def f(x):\n    return x\n", INPUT_REFUSED, input="exit()"),
    Case("input_too_large", "def f(x):\n    return 1\n", S.INPUT_TOO_LARGE, input=repr("a" * 3000)),
    Case("program_too_large", "def f():\n    return 1\n" + "#" * 9000 + "\n", S.PROGRAM_TOO_LARGE),
    Case("starred_input", "def f(a, b, c):\n    return a + b + c\n", S.BAD_INPUT, input="*range(3)"),
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
    Case("f_rebound_to_non_callable", "def f():\n    return 1\n\nf = 5\n", S.ERROR),
    Case("async_f", "async def f():\n    return 1\n", S.FORBIDDEN_NAME),
    # Identifiers are NFKC-normalized by the parser, so look-alike letters name the same thing to every check.
    Case("fullwidth_f_is_f", "def \uff46():\n    return 2\n", S.OK, output="2"),
    Case(
        "math_letters_spell_gi_frame",
        body(
            "g = (i for i in [1])", "return g.\U0001d5c0\U0001d5c2_\U0001d5bf\U0001d5cb\U0001d5ba\U0001d5c6\U0001d5be"
        ),
        S.FORBIDDEN_NAME,
    ),
    Case("two_f", "def f():\n    return 1\n\ndef f():\n    return 2\n", S.NO_F),
    Case("f_is_lambda", "f = lambda: 1\n", S.NO_F),
]
