"""``misreading``: a proposed program must read as Python reads it, since the solver is shown its text."""

from __future__ import annotations

import pytest

from azr_env.tasks.legibility import misreading

FULLWIDTH = "def f(x):\n    y = x\n    \uff59 = x + 100\n    return y\n"  # to Python the fullwidth y is y
CYRILLIC = "def f(x):\n    a = x\n    \u0430 = x + 100\n    return a\n"  # Python: a Cyrillic a is another name


@pytest.mark.parametrize("program", [FULLWIDTH, CYRILLIC, "def f(x):\n    return x.\uff59\n"])
def test_an_identifier_that_is_not_ascii_is_a_misreading(program: str) -> None:
    assert misreading(program) is not None


def test_any_text_in_strings_and_comments_reads_true() -> None:
    assert misreading("def f(x):\n    return 'caf\u00e9 \uff59'  # \u0430\n") is None


@pytest.mark.parametrize("indent", ["    \f    ", "\t\f", " \f\f  "])
def test_a_form_feed_after_indentation_is_a_misreading(indent: str) -> None:
    assert misreading(f"def f(x):\n    if x:\n        x = 1\n{indent}x = 2\n    return x\n") is not None


def test_a_form_feed_that_starts_a_line_reads_true() -> None:
    assert misreading("def f(x):\n\f    return x\n") is None
