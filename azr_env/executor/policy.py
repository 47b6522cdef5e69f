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
- attribute reads through ``safer_getattr`` (no ``_names``, no frame/traceback attributes), with ``str.format``
  refusing attribute lookups in templates and ABC ``register`` refused;
- writes (attribute, item, augmented) only into containers and into classes and instances the program itself
  defined;
- a print that keeps at most :data:`MAX_PRINT_CHARS` characters.
"""

from __future__ import annotations

import _string
import builtins
import collections
import decimal
import functools
import operator
from collections.abc import Callable
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr_raise

from azr_env.executor.modules import MODULE_PROXIES, SANDBOX_MODULE, is_own

MAX_PRINT_CHARS = 4096
"""What ``print`` keeps per run; the rest is dropped (nothing printed ever leaves the sandbox)."""

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
