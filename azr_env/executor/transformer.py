"""The compile-time half of the sandbox's language policy: RestrictedPython's transformer, extended.

RestrictedPython (RP) refuses names and attributes starting with ``_``, frame and traceback attributes,
``exec``/``eval``, ``nonlocal``, ``match``, ``async``, ``except*``..., and rewrites every attribute access, item
access, iteration, unpacking, augmented assignment, print and write into a call to a hook that
:mod:`azr_env.executor.policy` supplies. :class:`SandboxTransformer` adds, to keep ordinary human code working:

- augmented assignment to items and attributes (``counts[k] += 1``, ``self.n += 1``) through the write guard;
- annotated assignments (``x: int = 0``, dataclass fields);
- ``super().__init__`` and ``Base.__init__`` (the run-time guard decides what they may re-initialize);
- reading ``__name__`` (``if __name__ == "__main__":``);
- class methods named in :data:`ALLOWED_DUNDER_METHODS`;
- names made only of underscores (``for _ in ...``, ``a, __ = pair``);

it also makes a caught resource error end the run (``try`` and ``with`` statements, :mod:`azr_env.executor.caught`),

and, for speed, a cheaper node walk and location fill (compiling is most of the cost of a fresh program).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from RestrictedPython import transformer as rp_transformer
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer

from azr_env.executor import caught

MAX_AST_DEPTH = 500
"""Deepest syntax-tree nesting compiled (human code stays far below; a deeper tree is a parser bomb)."""

ALLOWED_DUNDER_METHODS = frozenset(
    {
        "__init__", "__repr__", "__str__", "__hash__", "__len__", "__iter__", "__next__", "__contains__",
        "__getitem__", "__setitem__", "__delitem__", "__missing__", "__bool__", "__call__", "__enter__",
        "__exit__", "__post_init__", "__reversed__", "__index__", "__int__", "__float__", "__round__",
        "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__neg__", "__pos__", "__abs__", "__invert__",
        "__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__", "__matmul__",
        "__and__", "__or__", "__xor__", "__lshift__", "__rshift__", "__divmod__",
        "__radd__", "__rsub__", "__rmul__", "__rtruediv__", "__rfloordiv__", "__rmod__", "__rpow__",
        "__rand__", "__ror__", "__rxor__", "__iadd__", "__isub__", "__imul__", "__ior__", "__iand__",
    }
)  # fmt: skip
"""Special methods a program's classes may define. Never ``__del__``, ``__getattr__``, ``__getattribute__``,
``__setattr__``, ``__get__``/``__set__``, ``__new__``, ``__init_subclass__`` or ``__class_getitem__``: those change
how the interpreter or the guards treat an object behind the program's back."""


class SandboxTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus augmented item/attribute assignment, ``__init__`` calls, more dunders."""

    depth = 0
    routes: Mapping[type, Any] = MappingProxyType({})
    """Node class -> how this class visits it (see :func:`_routes`); built for each class when it is defined."""
    leaves: frozenset[type] = frozenset()
    """The node classes whose route is ``_LEAF``: a field holding one is not even visited."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.routes, cls.leaves = _routes(cls)

    def visit(self, node: ast.AST) -> Any:
        """Dispatch to ``visit_<NodeType>`` (as ``ast.NodeVisitor`` does) through the class's route table.

        Raises:
            RecursionError: the tree is nested deeper than ``MAX_AST_DEPTH`` (a parser bomb, refused as a syntax
                error by the compiler).
        """
        kind = type(node)
        route = self.routes.get(kind)
        if route is _LEAF:
            return node
        self.depth += 1
        try:
            if self.depth > MAX_AST_DEPTH:
                raise RecursionError(f"nested deeper than {MAX_AST_DEPTH}")
            if route is None:
                return getattr(self, "visit_" + kind.__name__, self.generic_visit)(node)
            if route is _CONTENTS:
                return self.node_contents_visit(node)
            return route(self, node)
        finally:
            self.depth -= 1

    def node_contents_visit(self, node: Any) -> Any:
        """``ast.NodeTransformer.generic_visit`` with the same result, minus most of its per-field overhead.

        Compiling is most of the cost of a fresh program, and this walk is most of the cost of compiling.
        """
        leaves = self.leaves
        for field in node._fields:
            old = getattr(node, field, None)
            kind = type(old)
            if kind is list:
                if old:
                    _visit_list(self, old)
            elif kind not in leaves and isinstance(old, ast.AST):
                new = self.visit(old)
                if new is None:
                    delattr(node, field)
                elif new is not old:
                    setattr(node, field, new)
        return node

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        """Accept data-model methods in ``ALLOWED_DUNDER_METHODS`` as method names, and all-underscore names.

        RestrictedPython knows only a few special methods. Names made only of underscores (``_``, ``__``: throwaway
        variables) can never be one of the policy's ``_hook_`` names. Attribute names starting with ``_`` stay
        refused (``visit_Attribute``).
        """
        if allow_magic_methods and name in ALLOWED_DUNDER_METHODS and getattr(node, "col_offset", 0) != 0:
            return
        if name and not name.strip("_"):
            return
        super().check_name(node, name, allow_magic_methods)

    def visit_Name(self, node: ast.Name) -> Any:
        """Let ``__name__`` be read (``if __name__ == "__main__":`` guards); it is ``"__sandbox__"``."""
        if node.id == "__name__" and isinstance(node.ctx, ast.Load):
            return node
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        """Route ``x.__init__`` reads through ``_getattr_``, which allows them on ``super()`` and classes only."""
        if node.attr == "__init__" and isinstance(node.ctx, ast.Load):
            call = ast.Call(ast.Name("_getattr_", ast.Load()), [self.visit(node.value), ast.Constant("__init__")], [])
            return _located(call, node)
        return super().visit_Attribute(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> Any:
        """Turn ``a.b op= v`` and ``a[k] op= v`` into guarded helper calls; names keep RP's treatment."""
        target = node.target
        op = ast.Constant(IOPERATOR_TO_STR[type(node.op)])
        if isinstance(target, ast.Attribute):
            if target.attr.startswith("_"):
                self.error(node, f'"{target.attr}" is an invalid attribute name because it starts with "_".')
                return node
            args = [self.visit(target.value), ast.Constant(target.attr), op, self.visit(node.value)]
            helper = "_aug_attr_"
        elif isinstance(target, ast.Subscript):
            args = [self.visit(target.value), _slice_expr(self.visit(target.slice)), op, self.visit(node.value)]
            helper = "_aug_item_"
        else:
            return super().visit_AugAssign(node)
        return _located(ast.Expr(ast.Call(ast.Name(helper, ast.Load()), args, [])), node)

    def visit_Try(self, node: ast.Try) -> Any:
        """Let no handler or ``finally`` of the program stop a resource error (``azr_env.executor.caught``)."""
        return caught.guard_try(self.node_contents_visit(node))

    def visit_With(self, node: ast.With) -> Any:
        """Let no ``__exit__`` stop a resource error unseen (``azr_env.executor.caught``)."""
        visited = super().visit_With(node)
        return caught.guard_with(visited) if isinstance(visited, ast.With) else visited

    def visit_AnnAssign(self, node: ast.AnnAssign) -> Any:
        """Allow annotated assignments (``x: int = 0``, dataclass fields); every part is still checked."""
        return self.node_contents_visit(node)


_LEAF = object()
"""Route of a node class with no fields whose visitor only visits its contents: nothing to do."""

_CONTENTS = object()
"""Route of a node class whose visitor only visits its contents (``return self.node_contents_visit(node)``)."""

_NODE_CLASSES = tuple(kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.AST))


def _contents_only(self: Any, node: Any) -> Any:
    return self.node_contents_visit(node)


def _is_contents_only(method: Any) -> bool:
    """Whether ``method`` is exactly ``return self.node_contents_visit(node)`` (compared by bytecode)."""
    code, reference = getattr(method, "__code__", None), _contents_only.__code__
    if code is None:
        return False
    same = (code.co_code, code.co_names, code.co_varnames)
    return same == (reference.co_code, reference.co_names, reference.co_varnames)


def _routes(cls: type) -> tuple[Mapping[type, Any], frozenset[type]]:
    """How ``cls`` visits each node class: its visitor function, or a shortcut where the visitor does nothing else.

    RestrictedPython defines most visitors as ``return self.node_contents_visit(node)``; only those, recognised
    by their bytecode, are shortcut, so a visitor that checks anything (in RestrictedPython or here) always runs.
    Read-only: a changed entry would skip a policy check.
    """
    routes: dict[type, Any] = {}
    for kind in _NODE_CLASSES:
        method = getattr(cls, "visit_" + kind.__name__, None)
        if method is None:
            routes[kind] = cls.generic_visit  # type: ignore[attr-defined]
        elif _is_contents_only(method):
            routes[kind] = _LEAF if not kind._fields else _CONTENTS
        else:
            routes[kind] = method
    return MappingProxyType(routes), frozenset(kind for kind, route in routes.items() if route is _LEAF)


SandboxTransformer.routes, SandboxTransformer.leaves = _routes(SandboxTransformer)
_LOCATION = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def copy_locations(new_node: ast.AST, old_node: ast.AST) -> None:
    """RestrictedPython's ``copy_locations`` without its full ``fix_missing_locations`` walk of the subtree.

    A node the transformer builds gets ``old_node``'s position, and so do its descendants that have none; the walk
    stops at nodes that already have a position, because the parser and this function give every node of their
    subtrees one. Installed into ``RestrictedPython.transformer`` when this module loads: a third of the cost of
    compiling was the repeated full walk.
    """
    position = [getattr(old_node, name) for name in _LOCATION]
    for name, value in zip(_LOCATION, position, strict=True):
        setattr(new_node, name, value)
    _fill(new_node, position)


def _fill(node: ast.AST, position: list[Any]) -> None:
    for child in _children(node):
        if "lineno" not in child._attributes:
            _fill(child, position)
        elif getattr(child, "lineno", None) is None:
            for name, value in zip(_LOCATION, position, strict=True):
                setattr(child, name, value)
            _fill(child, position)


def _children(node: ast.AST) -> list[ast.AST]:
    children = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif type(value) is list:
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


rp_transformer.copy_locations = copy_locations


def _visit_list(visitor: SandboxTransformer, values: list[Any]) -> None:
    """Visit a list field in place: a ``None`` result drops the item, a non-node result is spliced in."""
    new_values: list[Any] = []
    changed = False
    for value in values:
        if not isinstance(value, ast.AST):
            new_values.append(value)
            continue
        new = visitor.visit(value)
        changed = changed or new is not value
        if isinstance(new, ast.AST):
            new_values.append(new)
        elif new is not None:
            new_values.extend(new)
    if changed:
        values[:] = new_values


def _located(new: ast.AST, old: ast.AST) -> ast.AST:
    """Give a node built by the transformer (and its children) the source position of the node it replaces."""
    return ast.fix_missing_locations(ast.copy_location(new, old))


def _slice_expr(node: ast.expr) -> ast.expr:
    """Rewrite slice syntax (valid only inside brackets) into ``slice(...)`` calls."""
    if isinstance(node, ast.Slice):
        parts = [p if p is not None else ast.Constant(None) for p in (node.lower, node.upper, node.step)]
        return ast.Call(ast.Name("slice", ast.Load()), parts, [])
    if isinstance(node, ast.Tuple):
        return ast.Tuple([_slice_expr(e) for e in node.elts], ast.Load())
    return node
