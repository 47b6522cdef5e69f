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
"""

from __future__ import annotations

import ast
import copy
import re
import textwrap
from collections.abc import Iterable, Iterator
from typing import TypeGuard

MIN_NODES = 6
"""Statement and expression nodes a statement or value needs to count as a piece of the program:
``out.append(x * x)`` and ``sorted(xs)[::-1]`` have 7; ``a * b * c`` (a formula prose may state) has 5,
``return out`` 2 and ``out = []`` 3."""

_DEF_F = re.compile(r"\s*def\s+f\s*\(")
_INLINE = re.compile(r"`([^`\n]+)`")
_FENCED = re.compile(r"^[ \t]*(`{3,})[^\n]*\n(.*?)^[ \t]*\1[ \t]*$", re.MULTILINE | re.DOTALL)


def message_leaks(message: str, program: str) -> bool:
    """Whether the message contains the program, its ``def f`` line or a piece of its code (module docstring)."""
    said = _normalized_whitespace(message)
    def_lines = [line for line in program.split("\n") if _DEF_F.match(line)]
    leaked = [_normalized_whitespace(program), *(_normalized_whitespace(line) for line in def_lines)]
    if any(piece and piece in said for piece in leaked):
        return True
    pieces = _pieces([program])
    return bool(pieces) and not pieces.isdisjoint(_pieces(_snippets(message)))


def _normalized_whitespace(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _snippets(message: str) -> Iterator[str]:
    """The parts of a message that may be code: the whole, its fenced blocks, inline code spans, each line."""
    yield message
    yield from (match.group(2) for match in _FENCED.finditer(message))
    yield from (match.group(1) for match in _INLINE.finditer(message))
    yield from message.split("\n")


def _pieces(texts: Iterable[str]) -> set[str]:
    """The name-erased dumps of every large enough statement, and statement value, of the texts that parse."""
    found: set[str] = set()
    for text in texts:
        tree = _parse(text)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.stmt):
                found.update(_dump(part) for part in (node, getattr(node, "value", None)) if _large(part))
    return found


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(textwrap.dedent(text).strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _large(node: object) -> TypeGuard[ast.AST]:
    if not isinstance(node, ast.AST):
        return False
    return sum(1 for part in ast.walk(node) if isinstance(part, ast.stmt | ast.expr)) >= MIN_NODES


def _dump(node: ast.AST) -> str:
    return ast.dump(_Erase().visit(copy.deepcopy(node)))


class _Erase(ast.NodeTransformer):
    """Erases every name a copy could change: variables, parameters, and the names of functions and classes."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.copy_location(ast.Name("_", node.ctx), node)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.copy_location(ast.arg("_"), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = "_"
        return self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.name = "_"
        return self.generic_visit(node)
