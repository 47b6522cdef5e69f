"""Static rewriting of source programs with ``ast``: nothing here runs the code it reads.

Used at build time to turn packaged programs into ``def f`` programs (rename the entry point, drop docstrings) and
to pull literal call arguments out of test code without executing it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

ENTRY = "f"
"""The name every program's entry point gets."""


def imported_modules(tree: ast.AST) -> set[str]:
    """Return the top-level module names imported anywhere in ``tree`` (``os.path`` counts as ``os``)."""
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add("." if node.level else (node.module or "").split(".")[0])
    return modules


def identifiers(tree: ast.AST) -> set[str]:
    """Return every identifier bound or read in ``tree``: names, arguments, defs, classes, import aliases."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.Global | ast.Nonlocal):
            found.update(node.names)
    return found


class Rename(ast.NodeTransformer):
    """Rename one function (its def and every plain-name reference) to ``new`` (default ``f``)."""

    def __init__(self, old: str, new: str = ENTRY) -> None:
        self.old, self.new = old, new

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        """Rename the def (then visit its body)."""
        if node.name == self.old:
            node.name = self.new
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        """Rename a plain-name reference."""
        if node.id == self.old:
            node.id = self.new
        return node


def rename_entry_point(tree: ast.Module, old: str) -> ast.Module | None:
    """Rename the top-level function ``old`` to ``f`` in place.

    Returns:
        The tree, or ``None`` when the rename would be unsafe: ``old`` is not a top-level function, or the name
        ``f`` is already used anywhere in the program (a variable, argument, helper or alias could shadow it).
    """
    top_level = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    if old not in top_level:
        return None
    if old == ENTRY:
        return tree
    if ENTRY in identifiers(tree):
        return None
    return Rename(old).visit(tree)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def strip_docstrings(tree: ast.Module) -> ast.Module:
    """Remove the docstring of the module and of every function and class, in place."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        if node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:] or [ast.Pass()]
    return tree


def function_docstring(tree: ast.Module, name: str) -> str:
    """Return the cleaned docstring of the top-level function ``name``, or ``""``."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_docstring(node) or ""
    return ""


def parameter_names(tree: ast.Module, name: str) -> list[str] | None:
    """Return the positional parameter names of top-level ``name``, or ``None`` if it has ``*``/``**``/kw-only."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            args = node.args
            if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
                return None
            return [a.arg for a in args.args]
    return None


def literal_repr(node: ast.expr) -> str | None:
    """Return ``repr`` of a pure literal expression (round-tripping exactly), or ``None`` if it is not one."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    text = repr(value)
    try:
        return text if repr(ast.literal_eval(text)) == text else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def literal_calls(source: str, callee: str) -> Iterator[str]:
    """Yield the argument lists of calls ``callee(...)`` in ``source`` whose arguments are all literals.

    The code is parsed, never run. Each argument list is rendered as comma-separated literal reprs (keyword
    arguments as ``name=repr``), ready to splice into ``f(<input>)``. Calls with any non-literal argument are
    skipped. Order follows the source; duplicates are kept.
    """
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == callee
    ]
    for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
        parts = [literal_repr(arg) for arg in node.args]
        parts += [_keyword_repr(kw) for kw in node.keywords]
        if parts and all(part is not None for part in parts):
            yield ", ".join(part for part in parts if part is not None)


def _keyword_repr(keyword: ast.keyword) -> str | None:
    if keyword.arg is None:
        return None
    value = literal_repr(keyword.value)
    return None if value is None else f"{keyword.arg}={value}"
