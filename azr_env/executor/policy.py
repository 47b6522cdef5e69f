"""The run-time half of the sandbox's language policy: the hooks and builtins a restricted program runs with.

:mod:`azr_env.executor.transformer` compiles programs so that every attribute access, item access, iteration,
unpacking, augmented assignment, print and write calls a hook; this module supplies strict hooks. It is a policy
layer that keeps results honest and shrinks the attack surface; the security boundary is the locked-down worker
process around it.

What programs get:
- builtins: an allow-list of pure functions and types (no ``id``, ``hash``, ``getattr``, ``setattr``, ``vars``,
  ``dir``, ``globals``, ``open``, ``input``, ``eval``, ``exec``, ``compile``, ``breakpoint``, ``memoryview``);
  ``type`` takes one argument only (and ``type(cls)`` is ``type`` itself) and ``hasattr`` goes through the
  attribute guard;
- imports of the modules in :mod:`azr_env.executor.modules` only, as read-only proxies;
- attribute reads through capabilities (:mod:`azr_env.executor.capabilities`): a foreign object's attribute is
  readable only if its class grants it, so nothing hands out frames, globals, raw callables or the real ``type``;
  ``str.format`` refuses attribute lookups in templates;
- writes (attribute, item, augmented) only into containers and into classes and instances the program itself
  defined;
- a print that keeps at most :data:`MAX_PRINT_CHARS` characters.
"""

from __future__ import annotations

import _string
import builtins
import collections
import decimal
import operator
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from azr_env.executor.capabilities import decide_super, readable
from azr_env.executor.modules import MODULE_PROXIES, SANDBOX_MODULE, is_own

MAX_PRINT_CHARS = 4096
"""What ``print`` keeps per run; the rest is dropped (nothing printed ever leaves the sandbox)."""

_WRITABLE_TYPES = frozenset(
    {
        list, dict, set, bytearray, collections.Counter, collections.defaultdict, collections.deque,
        collections.OrderedDict, collections.ChainMap, decimal.Context,
    }
)  # fmt: skip
_SPECIAL = frozenset({"__init__", "format", "format_map"})
_SUPER_SELF = vars(super)["__self__"].__get__
_INPLACE = MappingProxyType({
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow, "@=": operator.imatmul,
    "<<=": operator.ilshift, ">>=": operator.irshift, "&=": operator.iand, "|=": operator.ior,
    "^=": operator.ixor,
})  # fmt: skip


def write_guard(obj: Any) -> Any:
    """Return ``obj`` if the program may write into it, else raise ``TypeError`` (the ``_write_`` hook)."""
    kind = type(obj)
    if (type(kind) is type and kind in _WRITABLE_TYPES) or is_own(obj):  # plain metaclass: hashed by identity
        return obj
    raise TypeError(f"the sandbox does not allow writing to a {kind.__name__} object")


def guarded_getattr(obj: Any, name: str) -> Any:
    """The ``_getattr_`` hook: ``obj.name`` if the capability table grants it, else ``AttributeError``.

    Three names are special. ``__init__`` is readable on ``super()`` objects and on classes, and then
    re-initializes only objects the program may write to. ``format``/``format_map`` of ``str`` are offered in a
    form that refuses attribute lookups inside the template. Every other name goes to
    :func:`azr_env.executor.capabilities.readable`. What this returns for the special names is an opaque closure,
    never a ``functools.partial`` (whose ``func`` and ``args`` would hand out the unguarded callable).
    """
    if type(name) is not str:  # a str subclass could make a cached check and the real lookup disagree
        raise TypeError("attribute name must be a str")
    if name in _SPECIAL:
        return _special(obj, name)
    if type(obj) is super:
        if decide_super(obj, name):
            return getattr(obj, name)
    elif readable(obj, name):
        return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r} in the sandbox")


def _special(obj: Any, name: str) -> Any:
    if name == "__init__":
        if type(obj) is super:
            write_guard(_SUPER_SELF(obj))  # super(Base, x).__init__ re-initializes x: only the program's own x
            return obj.__init__  # type: ignore[misc]
        if isinstance(obj, type):
            return _guarded_init(obj.__init__)  # type: ignore[misc]
        raise AttributeError("__init__ may only be read on a class or on super()")
    if isinstance(obj, str):
        return _bound_format(str.__str__(obj), name)
    if isinstance(obj, type) and issubclass(obj, str):
        return _unbound_format(name)
    if readable(obj, name):
        return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r} in the sandbox")


def _guarded_init(init: Any) -> Callable[..., Any]:
    def __init__(target: Any, *args: Any, **kwargs: Any) -> Any:
        """``Base.__init__(target, ...)``, allowed only on an object the program may write to."""
        return init(write_guard(target), *args, **kwargs)

    return __init__


def _bound_format(template: str, method: str) -> Callable[..., str]:
    def format(*args: Any, **kwargs: Any) -> str:
        """``template.format(...)`` without attribute lookups in the template."""
        return safe_format(template, method, *args, **kwargs)

    return format


def _unbound_format(method: str) -> Callable[..., str]:
    def format(template: Any, *args: Any, **kwargs: Any) -> str:
        """``str.format(template, ...)`` without attribute lookups in the template."""
        if not isinstance(template, str):
            raise TypeError(f"descriptor '{method}' requires a 'str' object")
        return safe_format(str.__str__(template), method, *args, **kwargs)

    return format


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


def new_class(name: str, bases: tuple[Any, ...], namespace: dict[str, Any], **kwargs: Any) -> Any:
    """The metaclass every ``class`` statement gets (RestrictedPython passes ``metaclass=__metaclass__``).

    It picks the most derived metaclass of the bases, as ``type`` does, and calls it; so the real ``type`` is never
    in a program's globals, where a leak of ``__globals__`` would hand it out.
    """
    meta: Any = type
    for base in bases:
        kind = type(base)
        if issubclass(kind, meta):
            meta = kind
        elif not issubclass(meta, kind):
            raise TypeError("metaclass conflict: the metaclasses of the bases are unrelated")
    return meta(name, bases, namespace, **kwargs)


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
    "__metaclass__": new_class,
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
