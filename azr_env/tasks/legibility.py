r"""Whether a proposed program or input reads as Python reads it: the solver is shown their text, and runs nothing.

A deduction or abduction solver predicts from the text; a program whose text means one thing to a reader and
another to Python pays its proposer for a trick of rendering, not for a hard program. What Python reads differently
from the text, and so makes a proposal a format error (``misreading``):

- a form feed in a line's indentation after a space or tab: Python forgets the whitespace before it, so
  ``"    \f    y = 1"`` is indented 4 to Python and 8 to a reader (a statement shown inside an ``if`` ran after it);
- a character that breaks a line for a reader but not for Python (``str.splitlines`` breaks at it: a vertical tab,
  a form feed after the start of a line, ``\x1c``-``\x1e``, ``\x85``, U+2028, U+2029) outside a string literal:
  in a comment, ``# double it\u2028    return x * 2`` shows a statement that Python reads as the rest of the
  comment (inside a string literal it is the string's data, which the output shows escaped);
- an identifier that is not ASCII: Python folds identifiers to NFKC, so a fullwidth ``ｙ`` is the variable ``y``
  (a line that seems to set another name rebinds ``y``), while a Cyrillic ``а`` is a name apart from the Latin
  ``a`` it looks like. String literals and comments may otherwise hold any text.

A proposed input is data shown as written, so it reads true only when it is its values and nothing else
(``input_misreading``): a comment is not part of the data and can say anything (``3  # x is 7``), and a raw
character that does not print (a control character, a zero-width space, a bidirectional override, a no-break space)
shows another string than the one the program gets: such characters are written as escapes (``'\x1b'``).

A carriage return is a line break to Python; the parser turns it into one before a program is read
(``azr_env.tasks.parsing.python_line_breaks``). Everything here is pure text work; a program that does not tokenize
is left to validation, which refuses it.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator

_FORM_FEED_INDENT = re.compile(r"^[ \t\f]*[ \t][ \t]*\f", re.MULTILINE)
_HIDDEN_BREAK = re.compile("[\x0b\x1c\x1d\x1e\x85\u2028\u2029]|[^\n\f]\f")
"""A line break to ``str.splitlines`` that Python does not break at (a form feed only at a line's start is none)."""

_SHOWN_AS_IS = frozenset("\n\t")
"""Characters of an input's text that do not print but show what they are."""


def misreading(program: str) -> str | None:
    """Return how a reader would misread ``program`` (the format error's reason), or ``None`` when it reads true."""
    if _FORM_FEED_INDENT.search(program):
        return "a form feed in a line's indentation resets Python's column count (remove the form feed)"
    hidden = _HIDDEN_BREAK.search(program) and _HIDDEN_BREAK.search(_outside_strings(program))
    if hidden:
        return f"{hidden.group()[-1]!a} breaks the line for a reader but not for Python (remove it)"
    name = _non_ascii_name(program)
    if name is not None:
        return f"the identifier {name!r} is not ASCII: Python reads it as another name than it looks (use ASCII names)"
    return None


def _outside_strings(program: str) -> str:
    """``program`` with the text of its string literals blanked (line feeds kept); ``""`` when it does not tokenize."""
    lines = [list(line) for line in program.split("\n")]
    try:
        for token in _tokens(program):
            if token.type == tokenize.STRING:
                _blank(lines, token.start, token.end)
    except (tokenize.TokenError, SyntaxError, ValueError):  # left to validation, which refuses it
        return ""
    return "\n".join("".join(line) for line in lines)


def _blank(lines: list[list[str]], start: tuple[int, int], end: tuple[int, int]) -> None:
    for row in range(start[0], end[0] + 1):
        line = lines[row - 1]
        first = start[1] if row == start[0] else 0
        last = end[1] if row == end[0] else len(line)
        line[first:last] = " " * (last - first)


def input_misreading(expr: str) -> str | None:
    """Return why a proposed input's text shows more or less than its values, or ``None`` when it reads true."""
    unseen = sorted(ch for ch in set(expr) if not ch.isprintable() and ch not in _SHOWN_AS_IS)
    if unseen:
        return f"the raw character {unseen[0]!a} does not show what it is (write it as an escape in the string)"
    if "#" in expr and _has_comment(expr):
        return "a comment is not part of an input's data (remove it)"
    return None


def _has_comment(expr: str) -> bool:
    try:
        return any(token.type == tokenize.COMMENT for token in _tokens(expr))
    except (tokenize.TokenError, SyntaxError, ValueError):  # not data anyway: the data rule refuses it
        return False


def _tokens(text: str) -> Iterator[tokenize.TokenInfo]:
    return tokenize.generate_tokens(io.StringIO(text).readline)


def _non_ascii_name(program: str) -> str | None:
    if program.isascii():
        return None
    try:
        for token in _tokens(program):
            if token.type == tokenize.NAME and not token.string.isascii():
                return token.string
    except (tokenize.TokenError, SyntaxError, ValueError):  # left to validation, which refuses it
        return None
    return None
