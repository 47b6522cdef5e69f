"""The normal form of a program for the duplicate rule: its syntax tree, without docstrings, with its names renamed.

Two programs with the same normal form are one program written differently: comments, docstrings, layout and the
names it binds do not count. Bound names (variables, parameters, functions, classes, import aliases, exception
names; attributes and keyword arguments spelled like one of them) are renamed ``_0``, ``_1``, ... in order of first
appearance, a name the sandbox refuses, so no renamed name can meet a real one. Kept as written: ``f`` (the entry
point), names starting with an underscore (special methods), builtins (a shadowed ``len`` stays ``len``) and every
name the program does not bind (modules, methods of data). Renaming one name throughout a copied program (``def
f(x): return x`` as ``def f(y): return y``) then leaves it a copy.

A program can still see its own names (``getattr(obj, 'a')``, a dataclass's repr); the duplicate rule therefore
also compares outputs (``azr_env.buffer.dedup_key``), so a renaming that changes what the program returns makes a new
task. Everything here is iterative (``ast.walk`` and an explicit stack): any depth the parser accepts.
"""

from __future__ import annotations

import ast
import builtins
import functools

_BUILTINS = frozenset(dir(builtins))
_SCOPES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers")
_NAME_FIELDS: dict[type, str] = {
    ast.Name: "id",
    ast.arg: "arg",
    ast.FunctionDef: "name",
    ast.AsyncFunctionDef: "name",
    ast.ClassDef: "name",
    ast.alias: "asname",
    ast.ExceptHandler: "name",
    ast.Attribute: "attr",
    ast.keyword: "arg",
}
"""Where a node holds a name, by node type; the first seven bind it (a ``Name`` only when it is stored or deleted)."""
_BINDERS = frozenset(list(_NAME_FIELDS)[:7])
_END = object()
"""Marks the end of a node's or a list's children in ``_dump``'s stack (never a field value)."""


@functools.lru_cache(maxsize=8192)
def normal_form(source: str) -> str:
    """Return the normal form of a program (the source itself, stripped, when it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source.strip()
    _strip_docstrings(tree)
    _rename(tree)
    return _dump(tree)


def _rename(tree: ast.AST) -> None:
    """Rename every occurrence of a bound name, in order of first appearance (breadth first: set by the shape)."""
    sites: list[tuple[ast.AST, str]] = []
    bound = set()
    for node in ast.walk(tree):  # one walk: the sites that hold a name, and the names that are bound
        kind = type(node)
        field = _NAME_FIELDS.get(kind)
        if field is not None:
            sites.append((node, field))
            if kind in _BINDERS and not (kind is ast.Name and type(node.ctx) is ast.Load):  # type: ignore[attr-defined]
                bound.add(getattr(node, field))
        elif kind in (ast.Global, ast.Nonlocal):
            sites.append((node, "names"))
    bound = {name for name in bound if name and name != "f" and not name.startswith("_") and name not in _BUILTINS}
    renamed: dict[str, str] = {}

    def rename(name: str) -> str:
        return renamed.setdefault(name, f"_{len(renamed)}") if name in bound else name

    for node, field in sites:
        value = getattr(node, field)
        setattr(node, field, [rename(n) for n in value] if field == "names" else rename(value) if value else value)


def _strip_docstrings(tree: ast.AST) -> None:
    """Drop the docstring of every module, function and class, visiting statements only (expressions hold none)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and type(getattr(first.value, "value", None)) is str:
                node.body = node.body[1:] or [ast.Pass()]
        for field in _STATEMENT_LISTS:
            stack.extend(getattr(node, field, ()))


def _dump(tree: ast.AST) -> str:
    """A text of the tree's node types and field values (what ``ast.dump`` shows), from an explicit stack."""
    parts: list[str] = []
    stack: list[object] = [tree]
    while stack:
        item = stack.pop()
        if item is _END:
            parts.append(")")
        elif isinstance(item, ast.AST):
            parts.append(type(item).__name__ + "(")
            stack.append(_END)
            stack.extend(reversed([getattr(item, name, None) for name in item._fields]))
        elif isinstance(item, list):
            parts.append("[")
            stack.append(_END)
            stack.extend(reversed(item))
        else:
            parts.append(repr(item) + ",")
    return "".join(parts)
