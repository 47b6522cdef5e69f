"""Hostile programs against isolation between tasks (state one task plants for a later one on the same worker) and
against validation (outputs that depend on history, heap layout, gc timing or hash order). No escape is needed for
any of them. Contract: ``hostile_corpus.Case``; the follow-up is the later task that must not see the plant.
"""

from __future__ import annotations

from azr_env.executor import ExecStatus as S

from .hostile_corpus import FAST, Case, FollowUp, body, prog

GC_TIMING = prog("""
    def f():
        out = []

        def g(i):
            try:
                yield i
            finally:
                out.append(i)

        for i in range(3000):
            it = g(i)
            next(it)
            cycle = [it]
            cycle.append(cycle)
        return len(out)
    """)
"""The output counts generators whose ``finally`` ran during the call: how many gc passes happened before the
return, so it depends on gc timing (and on what ran before in the process, without a reset)."""

RE_PLAIN_MATCH = FollowUp("import re\n\ndef f():\n    return bool(re.compile('abc').match('ABC'))\n", "", "False")

PLANTED_STATE = [
    Case(
        "re_cache_entry_with_an_int_subclass_flag",
        prog("""
            import re

            class E(int):
                def __eq__(self, other):
                    return True

                def __hash__(self):
                    return 0

            def f():
                return bool(re.compile('abc', E(2)).match('ABC'))
            """),
        S.OK,
        output="True",
        copies=4,
        follow_up=RE_PLAIN_MATCH,
    ),
    Case(
        "re_cache_entry_whose_eq_never_returns",
        prog("""
            import re

            class E(int):
                def __eq__(self, other):
                    return sum(iter(int, 1))

                def __hash__(self):
                    return 0

            def f():
                re.compile('abc', E(0))
                return 1
            """),
        S.OK,
        output="1",
        pool=FAST,
        copies=4,
        follow_up=RE_PLAIN_MATCH,
    ),
    # The typing cache keeps a suspended generator; emptied at the end of this run, its endless finally runs here.
    Case(
        "typing_cache_keeps_a_generator_with_an_endless_finally",
        prog("""
            import typing

            def g():
                try:
                    yield 1
                finally:
                    sum(iter(int, 1))

            def f():
                it = g()
                next(it)
                typing.Literal[it]
                return 1
            """),
        S.TIMEOUT,
        pool=FAST,
        copies=4,
        follow_copies=40,
    ),
    Case(
        "typing_cache_keeps_an_instance_with_a_lying_eq",
        prog("""
            import typing

            class K:
                def __eq__(self, other):
                    return True

                def __hash__(self):
                    return 1

            def f():
                return str(typing.Literal[K()]) != ''
            """),
        S.OK,
        output="True",
        copies=4,
        follow_up=FollowUp("import typing\n\ndef f():\n    return str(typing.Literal[1])\n", "", "'typing.Literal[1]'"),
    ),
    Case(
        "filled_re_cache_does_not_change_a_later_identity_test",
        body("import re", "for i in range(500):", "    re.compile('p%d' % i)", "return 1"),
        S.OK,
        output="1",
        copies=4,
        follow_up=FollowUp(
            body(
                "import re",
                "first = re.compile('p0')",
                "for i in range(1, 300):",
                "    re.compile('q%d' % i)",
                "return re.compile('p0') is first",
            ),
            "",
            "True",
        ),
    ),
    Case(
        "allocations_before_do_not_change_gc_timing_after",
        body("return len([[i] for i in range(12345)])"),
        S.OK,
        output="12345",
        copies=4,
        follow_up=FollowUp(GC_TIMING, "", "2676"),
    ),
]

HISTORY_DEPENDENT = [
    Case("gc_timing_of_suspended_generators", GC_TIMING, S.NONDETERMINISTIC, mode="validate"),
    Case(
        "small_set_of_one_letter_strings", body("return ''.join({'x', 'y', 'z'})"), S.NONDETERMINISTIC, mode="validate"
    ),
    Case(
        "small_set_of_short_words",
        body("return ' '.join({'apple', 'kiwi', 'fig'})"),
        S.NONDETERMINISTIC,
        mode="validate",
    ),
    Case(
        "set_of_instances_by_address",
        "class A:\n    pass\n\ndef f():\n    xs = [A() for _ in range(12)]\n"
        "    order = {x: i for i, x in enumerate(xs)}\n    return [order[x] for x in set(xs)]\n",
        S.NONDETERMINISTIC,
        mode="validate",
        copies=8,
    ),
    Case(
        "re_cache_identity_is_reproducible",
        body("import re", "return re.compile('a+b') is re.compile('a+b')"),
        S.OK,
        mode="validate",
        output="True",
    ),
]
