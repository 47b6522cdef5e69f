"""The language policy of the sandbox: static checks, RestrictedPython compile and the guarded run-time namespace.

RestrictedPython (RP) rewrites every attribute access, item access, iteration, unpacking, augmented assignment,
print and write into a call to a hook; this module supplies strict hooks. It is a policy layer that keeps results
honest and shrinks the attack surface; the security boundary is the locked-down worker process around it.

What programs get:
- builtins: an allow-list of pure functions and types (no ``id``, ``hash``, ``getattr``, ``setattr``, ``vars``,
  ``dir``, ``globals``, ``open``, ``input``, ``eval``, ``exec``, ``compile``, ``breakpoint``, ``memoryview``);
  ``type`` takes one argument only and ``hasattr`` goes through the attribute guard;
- imports of the modules in :mod:`azr_env.executor.modules` only, as read-only proxies;
- attribute reads through ``safer_getattr`` (no ``_names``, no frame/traceback attributes, no ``str.format``);
- writes (attribute, item, augmented) only into ``list``/``dict``/``set``/``bytearray`` and into classes and
  instances the program itself defined;
- a print that keeps at most :data:`MAX_PRINT_CHARS` characters.

Two extensions over stock RP keep ordinary human code working: augmented assignment to items and attributes
(``counts[k] += 1``, ``self.n += 1``) through the same write guard, and ``super().__init__``/``Base.__init__``.
Classes may also define the ordinary data-model methods in :data:`ALLOWED_DUNDER_METHODS`.
"""

from __future__ import annotations

import _string
import ast
import builtins
import collections
import decimal
import functools
import operator
from collections.abc import Callable
from typing import Any

from RestrictedPython import transformer as rp_transformer
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr_raise
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer

from azr_env.executor.modules import MODULE_PROXIES, SANDBOX_MODULE, is_own

MAX_AST_DEPTH = 500
"""Deepest syntax-tree nesting compiled (human code stays far below; a deeper tree is a parser bomb)."""

MAX_PRINT_CHARS = 4096
"""What ``print`` keeps per run; the rest is dropped (nothing printed ever leaves the sandbox)."""

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

_WRITABLE_TYPES = (
    list, dict, set, bytearray, collections.Counter, collections.defaultdict, collections.deque,
    collections.OrderedDict, collections.ChainMap, decimal.Context,
)  # fmt: skip
_WRITABLE_IDS = frozenset(id(kind) for kind in _WRITABLE_TYPES)  # compared by identity, never by a class's __eq__
_FORMAT_METHODS = ("format", "format_map")
_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "@=": operator.imatmul,
    "<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior,
    "^=": operator.ixor,
}  # fmt: skip


class SandboxTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy plus augmented item/attribute assignment, ``__init__`` calls, more dunders."""

    depth = 0

    def visit(self, node: ast.AST) -> Any:
        """Dispatch to ``visit_<NodeType>`` (as ``ast.NodeVisitor`` does) through a per-class cache.

        Raises:
            RecursionError: the tree is nested deeper than ``MAX_AST_DEPTH`` (a parser bomb, refused as a syntax
                error by the compiler).
        """
        kind = type(node)
        name = _VISIT_NAMES.get(kind)
        if name is None:
            name = _VISIT_NAMES.setdefault(kind, "visit_" + kind.__name__)
        self.depth += 1
        try:
            if self.depth > MAX_AST_DEPTH:
                raise RecursionError(f"nested deeper than {MAX_AST_DEPTH}")
            return getattr(self, name, self.generic_visit)(node)
        finally:
            self.depth -= 1

    def node_contents_visit(self, node: Any) -> Any:
        """``ast.NodeTransformer.generic_visit`` with the same result, minus most of its per-field overhead.

        Compiling is most of the cost of a fresh program, and this walk is most of the cost of compiling.
        """
        for field in node._fields:
            old = getattr(node, field, None)
            if type(old) is list:
                if old:
                    _visit_list(self, old)
            elif isinstance(old, ast.AST):
                new = self.visit(old)
                if new is None:
                    delattr(node, field)
                elif new is not old:
                    setattr(node, field, new)
        return node

    def check_name(self, node: Any, name: str | None, allow_magic_methods: bool = False) -> None:
        """Accept the data-model methods in ``ALLOWED_DUNDER_METHODS`` as method names (RP knows only a few)."""
        if allow_magic_methods and name in ALLOWED_DUNDER_METHODS and getattr(node, "col_offset", 0) != 0:
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

    def visit_AnnAssign(self, node: ast.AnnAssign) -> Any:
        """Allow annotated assignments (``x: int = 0``, dataclass fields); every part is still checked."""
        return self.node_contents_visit(node)


_VISIT_NAMES: dict[type, str] = {}
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
    for child in ast.iter_child_nodes(node):
        if "lineno" not in child._attributes:
            _fill(child, position)
        elif getattr(child, "lineno", None) is None:
            for name, value in zip(_LOCATION, position, strict=True):
                setattr(child, name, value)
            _fill(child, position)


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


def write_guard(obj: Any) -> Any:
    """Return ``obj`` if the program may write into it, else raise ``TypeError`` (the ``_write_`` hook)."""
    if id(type(obj)) in _WRITABLE_IDS or is_own(obj):
        return obj
    raise TypeError(f"the sandbox does not allow writing to a {type(obj).__name__} object")


def guarded_getattr(obj: Any, name: str) -> Any:
    """``safer_getattr`` (raising on a missing attribute) with three exceptions.

    ``__init__`` is readable on ``super()`` objects and classes, and then re-initializes only objects the program
    may write to; ``str.format``/``format_map`` are offered in a form
    that refuses attribute lookups inside the template; ``register`` (which mutates an ABC's process-wide
    registry) is refused on anything the program did not define.
    """
    if name == "__init__" and type(obj) is super:
        # super(Base, x).__init__ re-initializes x: allowed only on the program's own objects
        write_guard(obj.__self__)  # type: ignore[attr-defined]
        return obj.__init__  # type: ignore[misc]
    if name == "__init__" and isinstance(obj, type):
        return functools.partial(_guarded_init, obj.__init__)  # type: ignore[misc]
    if type(obj) is str and name in _FORMAT_METHODS:
        return functools.partial(safe_format, obj, name)
    if name == "register" and not is_own(obj):
        raise AttributeError("register() would change state shared with other runs; not allowed in the sandbox")
    return safer_getattr_raise(obj, name)


def _guarded_init(init: Any, target: Any, *args: Any, **kwargs: Any) -> Any:
    """``Base.__init__(target, ...)``, allowed only on an object the program may write to."""
    return init(write_guard(target), *args, **kwargs)


def safe_format(template: str, method: str, *args: Any, **kwargs: Any) -> str:
    """``template.format(...)`` / ``format_map``, refusing ``{x.attr}`` fields (CVE-2023-41039's attribute walk)."""
    _check_template(template, depth=0)
    return getattr(template, method)(*args, **kwargs)


def _check_template(template: str, depth: int) -> None:
    if depth > 2:
        raise ValueError("format specification nested too deeply")
    for _, field, spec, _ in _string.formatter_parser(template):
        if field is not None and "." in field:
            raise NotImplementedError("attribute lookups in format strings are not allowed in the sandbox")
        if spec:
            _check_template(spec, depth + 1)


def inplace(op: str, x: Any, y: Any) -> Any:
    """The ``_inplacevar_`` hook: ``x op= y`` for the 13 augmented operators."""
    return _INPLACE[op](x, y)


def aug_attr(obj: Any, name: str, op: str, value: Any) -> None:
    """``obj.name op= value`` under the write guard."""
    write_guard(obj)
    setattr(obj, name, inplace(op, guarded_getattr(obj, name), value))


def aug_item(obj: Any, key: Any, op: str, value: Any) -> None:
    """``obj[key] op= value`` under the write guard."""
    write_guard(obj)
    obj[key] = inplace(op, obj[key], value)


class BoundedPrint:
    """The ``_print_`` hook: collects printed text up to ``MAX_PRINT_CHARS`` and drops the rest unformatted."""

    def __init__(self, _getattr_: Any = None) -> None:
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> None:
        """Keep ``text`` while under the cap."""
        if self.size < MAX_PRINT_CHARS:
            self.parts.append(text[: MAX_PRINT_CHARS - self.size])
            self.size += len(text)

    def __call__(self) -> str:
        """The text kept so far (RP's ``printed``)."""
        return "".join(self.parts)

    def _call_print(self, *objects: Any, sep: Any = " ", end: Any = "\n", file: Any = None, flush: Any = False) -> None:
        if self.size >= MAX_PRINT_CHARS:
            return
        if file is not None:
            raise TypeError("the sandbox does not allow print(file=...)")
        print(*objects, sep=sep, end=end, file=self)


def one_arg_type(obj: Any) -> Any:
    """``type(obj)``, except that the type of a class is this function again, never the real ``type``.

    The real ``type`` (reachable as ``type(int)``) would build classes from a dict whose keys RestrictedPython
    never sees, e.g. a ``__del__`` that runs during a later task; so inside the sandbox ``type(int) is type``.
    """
    kind = type(obj)
    return one_arg_type if issubclass(kind, type) else kind


def guarded_hasattr(obj: Any, name: str) -> bool:
    """``hasattr`` through the attribute guard."""
    try:
        guarded_getattr(obj, name)
    except AttributeError:
        return False
    return True


def apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The ``_apply_`` hook for ``f(*a, **k)`` calls."""
    return func(*args, **kwargs)


def guarded_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    """The ``__import__`` of the sandbox: allow-listed modules, as read-only proxies.

    Like ``__import__``, ``import a.b`` gets the proxy of ``a`` (whose attribute ``b`` is the proxy of ``a.b``)
    and ``from a.b import c`` the proxy of ``a.b``.
    """
    proxy = MODULE_PROXIES.get(name) if level == 0 else None
    if proxy is not None and not fromlist:
        proxy = MODULE_PROXIES.get(name.partition(".")[0])
    if proxy is None:
        raise ImportError(f"import of {name!r} is not allowed in the sandbox")
    return proxy


_BUILTIN_NAMES = (
    "abs all any ascii bin bool bytearray bytes callable chr classmethod complex dict divmod enumerate filter float "
    "format frozenset hex int isinstance issubclass iter len list map max min next object oct ord pow property range "
    "repr reversed round set slice sorted staticmethod str sum super tuple zip "
    "ArithmeticError AssertionError AttributeError BaseException Exception IndexError KeyError LookupError NameError "
    "MemoryError NotImplementedError OverflowError RecursionError RuntimeError StopIteration TypeError "
    "UnboundLocalError "
    "UnicodeError ValueError ZeroDivisionError"
)

SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _BUILTIN_NAMES.split()}
SAFE_BUILTINS.update(
    {
        "None": None, "True": True, "False": False, "NotImplemented": NotImplemented, "Ellipsis": Ellipsis,
        "type": one_arg_type, "hasattr": guarded_hasattr, "__import__": guarded_import,
        "__build_class__": builtins.__build_class__,
    }
)  # fmt: skip

_BASE_GLOBALS: dict[str, Any] = {
    "__builtins__": SAFE_BUILTINS,
    "__name__": SANDBOX_MODULE,
    "__metaclass__": type,
    "_getattr_": guarded_getattr,
    "_getitem_": operator.getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_inplacevar_": inplace,
    "_aug_attr_": aug_attr,
    "_aug_item_": aug_item,
    "_write_": write_guard,
    "_print_": BoundedPrint,
    "_apply_": apply,
}


def new_globals() -> dict[str, Any]:
    """Fresh globals for one run: nothing a run defines is visible to the next."""
    return dict(_BASE_GLOBALS)
