r"""Whether a proposed program reads as Python reads it: the solver is shown the program's text, and runs nothing.

A deduction or abduction solver predicts from the text; a program whose text means one thing to a reader and
another to Python pays its proposer for a trick of rendering, not for a hard program. What Python reads differently
from the text, and so makes a proposal a format error (``misreading``):

- a form feed in a line's indentation after a space or tab: Python forgets the whitespace before it, so
  ``"    \f    y = 1"`` is indented 4 to Python and 8 to a reader (a statement shown inside an ``if`` ran after it);
- an identifier that is not ASCII: Python folds identifiers to NFKC, so a fullwidth ``ｙ`` is the variable ``y``
  (a line that seems to set another name rebinds ``y``), while a Cyrillic ``а`` is a name apart from the Latin
  ``a`` it looks like. String literals and comments may hold any text.

A carriage return is a line break to Python; the parser turns it into one before a program is read
(``azr_env.tasks.parsing.python_line_breaks``). Everything here is pure text work; a program that does not tokenize
is left to validation, which refuses it.
"""

from __future__ import annotations

import io
import re
import tokenize

_FORM_FEED_INDENT = re.compile(r"^[ \t\f]*[ \t][ \t]*\f", re.MULTILINE)


def misreading(program: str) -> str | None:
    """Return how a reader would misread ``program`` (the format error's reason), or ``None`` when it reads true."""
    if _FORM_FEED_INDENT.search(program):
        return "a form feed in a line's indentation resets Python's column count (remove the form feed)"
    name = _non_ascii_name(program)
    if name is not None:
        return f"the identifier {name!r} is not ASCII: Python reads it as another name than it looks (use ASCII names)"
    return None


def _non_ascii_name(program: str) -> str | None:
    if program.isascii():
        return None
    try:
        for token in tokenize.generate_tokens(io.StringIO(program).readline):
            if token.type == tokenize.NAME and not token.string.isascii():
                return token.string
    except (tokenize.TokenError, SyntaxError, ValueError):  # left to validation, which refuses it
        return None
    return None
