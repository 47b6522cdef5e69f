"""``misreading``: a proposed program must read as Python reads it, since the solver is shown its text."""

from __future__ import annotations

import pytest

from azr_env.tasks import ParseFailure, ProposalContext, Task
from azr_env.tasks.legibility import input_misreading, misreading

from .helpers import fenced, parse, respond

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


@pytest.mark.parametrize("hidden", ["\u2028", "\u2029", "\x0b", "\x85", "\x1c", "\f"])
def test_a_line_break_python_does_not_break_at_is_a_misreading(hidden: str) -> None:
    # To Python the "return x * 2" is the rest of the comment; a reader that breaks the line there sees it run.
    assert misreading(f"def f(x):\n    # double it{hidden}    return x * 2\n    return x\n") is not None


@pytest.mark.parametrize("expr", ["3  # x is 7", "[1, 2]  # sorted", "'a',\n# the key\n'b'"])
def test_a_comment_in_an_input_is_a_misreading(expr: str) -> None:
    assert input_misreading(expr) is not None


@pytest.mark.parametrize("raw", ["\x01", "\x1b", "\u200b", "\u202e", "\xa0"])
def test_a_raw_character_that_does_not_print_in_an_input_is_a_misreading(raw: str) -> None:
    assert input_misreading(f"'a{raw}b'") is not None


@pytest.mark.parametrize("expr", ["'#', 3", "'caf\u00e9', '\\x1b'", "[1,\n 2]", "'a\tb'"])
def test_an_input_of_only_its_values_reads_true(expr: str) -> None:
    assert input_misreading(expr) is None


@pytest.mark.parametrize("hidden", ["\u2028", "\x0b", "\f"])
def test_a_line_break_python_does_not_break_at_inside_a_string_reads_true(hidden: str) -> None:
    assert misreading(f"def f(x):\n    return '''a{hidden}b\n    c{hidden}'''.split('{hidden}')  # split\n") is None


@pytest.mark.parametrize("name", ["deduction", "abduction"])
def test_a_proposal_whose_input_holds_a_comment_is_a_format_error(name: str) -> None:
    text = respond(fenced("python", "def f(x):\n    return x * 2"), fenced("input", "3  # x is 7"))
    assert isinstance(parse(name, text, ProposalContext()), ParseFailure)


def test_an_induction_proposal_whose_input_holds_a_comment_is_a_format_error() -> None:
    inputs = [*(str(i) for i in range(9)), "9  # x is 7"]
    text = respond(*(fenced("input", expr) for expr in inputs), fenced("message", "a hint"))
    context = ProposalContext(program=Task("deduction", "def f(x):\n    return x\n", ("1",), ("1",)))
    assert isinstance(parse("induction", text, context), ParseFailure)
