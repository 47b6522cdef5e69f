"""Whether an induction message gives away the program it describes.

The message is the proposer's hint to the solver and must not contain the program or any of its code. Copying the
program into the message turns induction into copying, and it pays: against a solver that rarely finds the rule, a
leaked program lifts the solve rate from 0 (no reward) into the learnability band. A text comparison alone misses
a copy whose names were changed or that leaves out the ``def`` line, so ``message_leaks`` also compares code:

- the whole program or its ``def f`` line, whitespace aside, anywhere in the message;
- any statement of the program, or the value a statement returns or assigns, of at least ``MIN_NODES`` syntax
  nodes, written as code in the message (a fenced block, an inline code span, a line of its own, or the whole
  message), with every name erased: ``out.append(v * v)`` gives away ``out.append(x * x)``.

Prose that explains the rule ("square the multiples of three") holds no code and never leaks, and short generic
statements (``return out``, ``total += x``) are too small to count. All of it is ``ast`` work on capped text;
nothing runs.

A message must not state a hidden pair either (``states_hidden_pair``): the hidden pairs test that the solver found
the rule, and a message listing them (``f(7) = 48, f(9) = 80``) lets a lookup table of the shown values pass. A pair
is stated when its input is written (as the proposer wrote it, or as its canonical values; as a call ``f(2)`` when
the pair is short) and its output follows within ``PAIR_WINDOW`` characters, each as a whole token (``7`` is not
in ``17`` or ``7.5``).
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator, Sequence
from typing import TypeGuard

from azr_env.executor.literals import Data, arguments_key, read_value
from azr_env.tasks.parsing import parse_blocks

MIN_NODES = 6
"""Statement and expression nodes a statement or value needs to count as a piece of the program:
``out.append(x * x)`` and ``sorted(xs)[::-1]`` have 7; ``a * b * c`` (a formula prose may state) has 5,
``return out`` 2 and ``out = []`` 3."""

PAIR_WINDOW = 40
"""How far after a hidden input its output may be written for the message to state the pair (``f(7) = 48``,
``7 -> 48``, ``the input 7 gives 48``)."""

SHORT_PAIR = 3
"""A pair written in fewer characters (``2`` and ``5``) counts only with its input as a call, ``f(2) = 5``: "multiply
by 2 and add 5" states no pair."""

_DEF_F = re.compile(r"\s*def\s+f\s*\(")
_INLINE = re.compile(r"`([^`\n]+)`")
_NAMES = re.compile(r"\b(id|arg|name)='[^']*'")


def message_leaks(message: str, program: str) -> bool:
    """Whether the message contains the program, its ``def f`` line or a piece of its code (module docstring)."""
    said = _normalized_whitespace(message)
    def_lines = [line for line in program.split("\n") if _DEF_F.match(line)]
    leaked = [_normalized_whitespace(program), *(_normalized_whitespace(line) for line in def_lines)]
    if any(piece and piece in said for piece in leaked):
        return True
    tree = _parse(program)
    pieces: dict[tuple[type, int], set[str]] = {}
    for part in _parts(tree) if tree is not None else ():
        pieces.setdefault((type(part), _size(part)), set()).add(_dump(part))
    return bool(pieces) and any(_holds(code, pieces) for code in _code(message))


def _normalized_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _code(message: str) -> Iterator[ast.Module]:
    """The parts of a message that parse as code: the whole, else its fenced blocks, inline spans and lines."""
    whole = _parse(message)
    if whole is not None:  # every line's statements are among the whole's
        yield whole
        return
    snippets = [block.body for block in parse_blocks(message)]
    snippets += [match.group(1) for match in _INLINE.finditer(message)] + message.split("\n")
    for snippet in dict.fromkeys(snippets):  # each distinct text once
        tree = _parse(snippet)
        if tree is not None:
            yield tree


def _parts(tree: ast.AST) -> Iterator[ast.AST]:
    """Every large enough statement of ``tree``, and the value each returns, assigns or evaluates."""
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            yield from (part for part in (node, getattr(node, "value", None)) if _large(part))


def _holds(tree: ast.AST, pieces: dict[tuple[type, int], set[str]]) -> bool:
    """Whether ``tree`` holds one of the program's pieces (the dump is made only for a part of a piece's size)."""
    for part in _parts(tree):
        same_size = pieces.get((type(part), _size(part)))
        if same_size is not None and _dump(part) in same_size:
            return True
    return False


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(text).strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _size(node: ast.AST) -> int:
    return sum(1 for part in ast.walk(node) if isinstance(part, ast.stmt | ast.expr))


def _large(node: object) -> TypeGuard[ast.AST]:
    return isinstance(node, ast.AST) and _size(node) >= MIN_NODES


def _dump(node: ast.AST) -> str:
    """``ast.dump`` with every name a copy could change erased: variables, parameters, functions and classes."""
    return _NAMES.sub(r"\1='_'", ast.dump(node))


def states_hidden_pair(message: str, pairs: Sequence[tuple[str, str]]) -> bool:
    """Whether the message writes one of the ``(input, canonical output)`` pairs (module docstring)."""
    said = _normalized_whitespace(message)
    for expr, output in pairs:
        written, results = _forms(expr, arguments_key(expr)), _forms(output)
        calls = [f"f({form})" for form in written]
        short = max(map(len, written), default=0) + max(map(len, results), default=0) < SHORT_PAIR
        outputs = [_token(form) for form in results]
        for form in calls if short else written + calls:
            for found in _token(form).finditer(said):
                window = said[found.end() : found.end() + PAIR_WINDOW]
                if any(pattern.search(window) for pattern in outputs):
                    return True
    return False


def _forms(text: str, *more: object) -> list[str]:
    """The spellings of a value a message may use: as written, canonical, a string's bare content; spaced or not."""
    forms = [_normalized_whitespace(text), *(str(m) for m in more if isinstance(m, str))]
    value = read_value(text)
    if isinstance(value, Data) and type(value.value) is str and len(value.value.strip()) > 1:
        forms.append(_normalized_whitespace(value.value))
    forms += [re.sub(r"\s+", "", form) for form in forms]
    return [form for form in dict.fromkeys(forms) if form]


def _token(form: str) -> re.Pattern[str]:
    """``form`` as a whole token: not inside a longer word or number."""
    return re.compile(rf"(?<![\w.\-]){re.escape(form)}(?!\w|\.\d)")
