"""The test program of a code-generation answer: the solver's code and the problem's own test, in one sandbox run.

Everything here is static ``ast`` work on source text; nothing runs. ``test_program`` returns a program for the
executor (``run_many`` calls its ``f()``) that returns ``True`` exactly when the problem's ``check(candidate)``
finished without an exception. The layout, top to bottom:

1. the prompt's context: the prompt without the entry point's ``def`` (its imports and helper functions, so an
   answer may use them as the benchmark's ``prompt + completion`` does);
2. ``azr_suite(...)``, a function holding the problem's test code, called at once with every builtin and prompt
   name the test reads, so the test's ``check`` reads them from a closure the answer cannot reach;
3. the answer, its entry point renamed ``azr_entry`` (HumanEval/106's entry point is itself called ``f``);
4. ``def f(): return azr_run(azr_entry)``.

What a reward-hunting answer cannot do, and why:

- *redefine ``check``, ``abs``, ``round``, ``isinstance``, ``math`` or a prompt helper* to weaken the asserts: the
  test reads them from ``azr_suite``'s parameters, bound before the answer runs;
- *rebind the harness* (``azr_run``, ``azr_entry``'s wrapper): an answer naming any identifier that starts with
  ``azr_`` is refused before anything runs (``reserved_name``), and the last ``def f`` is the harness's own;
- *return an object that equals everything*: the compiler refuses dunder names, and the harness refuses any return
  value that is not plain data by exact type (``list``, not a subclass), nested at most 100 deep;
- *exit early with success, print a fake result, or raise*: success is only ``f()`` returning ``True`` after
  ``check`` returned; an exit, an exception, a timeout or a crash is a failed run, and printed text is never read;
- *skip the asserts*: the sandbox compiles without ``-O`` (a test checks that a wrong function fails).
"""

from __future__ import annotations

import ast
import functools

from azr_env.executor.policy import SAFE_BUILTINS
from azr_env.suites.rewrite import Rename, identifiers
from azr_env.tasks.parsing import ParseFailure

PREFIX = "azr_"
"""Identifiers starting with this are the harness's; an answer that names one is refused."""

ENTRY = "azr_entry"
"""What the answer's entry point is renamed to."""

_GUARD = """
PLAIN = (type(None), bool, int, float, complex, str, bytes)
def azr_plain(value, depth):
    kind = type(value)
    if depth > 100:
        raise TypeError('the function returned data nested more than 100 deep')
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        for item in value:
            azr_plain(item, depth + 1)
    elif kind is dict:
        for key in value:
            azr_plain(key, depth + 1)
            azr_plain(value[key], depth + 1)
    elif kind not in PLAIN:
        raise TypeError('the function returned something that is not plain data')
def azr_run(fn):
    def candidate(*args, **kwargs):
        value = fn(*args, **kwargs)
        azr_plain(value, 0)
        return value
    check(candidate)
    return True
return azr_run
"""
_GUARD_NAMES = frozenset({"type", "bool", "int", "float", "complex", "str", "bytes", "list", "tuple", "set"})
_GUARD_NAMES |= {"frozenset", "dict", "TypeError"}


def reserved_name(tree: ast.AST) -> str | None:
    """Return the first identifier of ``tree`` that starts with ``PREFIX`` (sorted), or ``None``."""
    attributes = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    reserved = sorted(name for name in identifiers(tree) | attributes if name.startswith(PREFIX))
    return reserved[0] if reserved else None


def _context(prompt: str, entry: str) -> tuple[str, set[str]]:
    """The prompt without the entry point's ``def``, and the names it binds at top level."""
    tree = ast.parse(prompt)
    tree.body = [node for node in tree.body if not (isinstance(node, ast.FunctionDef) and node.name == entry)]
    bound = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
    return ast.unparse(tree), bound


class _EntryAsCandidate(ast.NodeTransformer):
    """A test that calls the entry point by name calls the function under test (``candidate``) instead."""

    def __init__(self, entry: str) -> None:
        self.entry = entry

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if node.id == self.entry and isinstance(node.ctx, ast.Load):
            return ast.copy_location(ast.Name("candidate", ast.Load()), node)
        return node


@functools.lru_cache(maxsize=512)
def harness_prefix(prompt: str, test: str, entry: str) -> str:
    """Return parts 1 and 2 of the test program (see the module docstring) for one problem."""
    context, context_names = _context(prompt, entry)
    tree = _EntryAsCandidate(entry).visit(ast.parse(test))
    read = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    captured = ", ".join(sorted((read & (set(SAFE_BUILTINS) | context_names)) | _GUARD_NAMES))
    body = ast.unparse(tree) + "\n" + _GUARD.strip()
    indented = "\n".join("    " + line for line in body.split("\n"))
    return f"{context}\ndef azr_suite({captured}):\n{indented}\nazr_run = azr_suite({captured})\n"


def test_program(prompt: str, test: str, entry: str, answer: str) -> str | ParseFailure:
    """Return the sandbox program that runs ``test``'s ``check`` on ``answer``'s ``entry``, or why there is none.

    An answer is refused before anything runs when it does not parse or names an identifier that starts with
    ``PREFIX`` (``reserved_name``).
    """
    try:
        tree = ast.parse(answer)
        name = reserved_name(tree)
        candidate = ast.unparse(Rename(entry, ENTRY).visit(tree))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return ParseFailure(f"the program does not parse: {type(exc).__name__}")
    if name is not None:
        return ParseFailure(f"the program names {name!r}: identifiers starting with {PREFIX!r} are the test's")
    return f"{harness_prefix(prompt, test, entry)}{candidate}\ndef f():\n    return azr_run({ENTRY})\n"
