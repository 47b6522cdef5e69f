"""``normal_form``: a program without docstrings and with the names it binds renamed, for the duplicate rule."""

from __future__ import annotations

import pytest

from azr_env.tasks.normal_form import normal_form

HELPER = "def g(a):\n    return a * 2\n\n\ndef f(x):\n    t = g(x)\n    return t + len(x)\n"
RENAMED = "def twice(b):\n    return b * 2\n\n\ndef f(v):\n    res = twice(v)\n    return res + len(v)\n"


def test_a_program_with_its_names_changed_has_the_same_form() -> None:
    assert normal_form(HELPER) == normal_form(RENAMED)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "def g(len):\n    return len\n\n\ndef f(x):\n    return g(len(x))\n",
            "def g(sum):\n    return sum\n\n\ndef f(x):\n    return g(sum(x))\n",
        ),  # a builtin stays itself, even where the program also binds its name
        ("def f(x):\n    a = 1\n    b = 2\n    return a - b\n", "def f(x):\n    b = 1\n    a = 2\n    return a - b\n"),
        (
            "def g(a, b):\n    return a - b\n\n\ndef f(x):\n    return g(b=1, a=x)\n",
            "def g(b, a):\n    return b - a\n\n\ndef f(x):\n    return g(b=1, a=x)\n",
        ),  # keyword arguments follow their parameters
        (
            "class C:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n\n\n"
            "def f(x):\n    return C().a()\n",
            "class C:\n    def b(self):\n        return 1\n\n    def a(self):\n        return 2\n\n\n"
            "def f(x):\n    return C().a()\n",
        ),  # attributes follow the methods they name
        ("def f(x):\n    return x\n", "def g(x):\n    return x\n"),  # f is the entry point
    ],
)
def test_programs_that_differ_beyond_names_have_different_forms(first: str, second: str) -> None:
    assert normal_form(first) != normal_form(second)
