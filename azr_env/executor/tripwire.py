"""The audit-hook tripwire (PEP 578): while a program runs, refuse the interpreter events an escape needs.

CPython raises an audit event for the operations a program that got past the language policy would use: frame
and code access (``sys._getframe``, ``tb_frame``, ``gi_frame``, ``f_code``, ``__code__``), building code and
functions (``code.__new__``, ``function.__new__``), ``compile``/``exec``, heap walks (``gc.get_objects``,
``gc.get_referents``), imports, ``open``, ``os.*``, ``ctypes.*``, ``socket.*``, tracing hooks, changes to special
attributes of classes and functions (``object.__setattr__``). The hook is installed once per zygote, so every
worker has it, and it is *armed* only while a program runs (its module code, the call of ``f``, the
canonicalization of the output). Armed, it allows only:

- events that reveal nothing (``builtins.id``, which ``copy`` uses; ``sys.unraisablehook``, CPython reporting an
  exception it ignores, e.g. in a generator's ``finally``);
- ``exec`` of the run's own compiled code;
- the library-internal uses of ``compile``/``exec``/``sys._getframe``/code attributes made by the offered modules
  (``collections.namedtuple``, ``dataclasses``, ``typing``, ``inspect.signature``), recognised by the code object
  of the function that raised the event, which a program cannot forge (``typing.ForwardRef`` compiles a string
  annotation and never runs it);
- changes of special attributes on the program's own classes, instances and functions.

Every other event is refused: the hook raises (``ModuleNotFoundError`` for an import, so a codec lookup of an
unknown name fails as it does in CPython, ``RuntimeError`` otherwise) and marks the run: a marked run's result is
replaced by ``ERROR`` and its worker retires after answering. A program that catches the exception gains nothing.

This is a tripwire, not a boundary: not every operation is audited (reading ``__globals__`` or
``__subclasses__`` is not), and a program already outside the policy could avoid the audited ones. The kernel
layers (seccomp, rlimits, namespaces) hold either way; the tripwire makes an escape loud and ends its worker.
"""

from __future__ import annotations

import collections
import dataclasses
import inspect
import sys
import typing
from types import CodeType, FunctionType
from typing import Any

from azr_env.executor import caught
from azr_env.executor.modules import SANDBOX_MODULE, is_own

_HARMLESS = frozenset({"builtins.id", "sys.unraisablehook"})


class _State:
    """Whether the hook is armed, the code it lets ``exec`` run, and the first refused event of the run."""

    __slots__ = ("armed", "busy", "codes", "refused")

    def __init__(self) -> None:
        self.armed = False
        self.busy = False
        self.codes: tuple[CodeType, ...] = ()
        self.refused = ""


STATE = _State()


def _codes(*functions: Any) -> frozenset[CodeType]:
    return frozenset(function.__code__ for function in functions)


_GENERATED_CODE = _codes(collections.namedtuple, dataclasses._create_fn)  # type: ignore[attr-defined]
LIBRARY_CALLERS: dict[str, frozenset[CodeType]] = {
    "compile": _GENERATED_CODE | _codes(typing.ForwardRef.__init__),  # a string annotation, compiled, never run
    "exec": _GENERATED_CODE,
    "sys._getframe": _codes(collections.namedtuple, typing._caller),  # type: ignore[attr-defined]
    "object.__getattr__": _codes(inspect._signature_from_function),  # type: ignore[attr-defined]
    "object.__setattr__": _codes(
        collections.namedtuple,
        dataclasses._process_class,  # type: ignore[attr-defined]
        typing.NamedTupleMeta.__new__,  # type: ignore[attr-defined]
    ),
}
"""Event -> the code objects of the library functions allowed to raise it during a run."""


def _own_target(obj: Any) -> bool:
    if type(obj) is FunctionType:
        return obj.__module__ == SANDBOX_MODULE
    return is_own(obj)


def _verdict(event: str, args: tuple[Any, ...]) -> BaseException | None:
    """``None`` if the event may happen now, else the exception to raise."""
    if event == "exec" and args and any(args[0] is code for code in STATE.codes):
        return None
    if event in ("object.__setattr__", "object.__delattr__") and args and _own_target(args[0]):
        return None
    callers = LIBRARY_CALLERS.get(event)
    if callers is not None and sys._getframe(2).f_code in callers:
        return None
    if event == "import":
        return ModuleNotFoundError(f"No module named {args[0]!r}" if args and type(args[0]) is str else "import")
    return RuntimeError(f"{event} is refused in the sandbox")


def _hook(event: str, args: tuple[Any, ...]) -> None:
    state = STATE
    if event == "sys.unraisablehook" and state.armed and len(args) > 1:
        caught.note(getattr(args[1], "exc_type", None))  # CPython dropped an error: a resource error still counts
    if not state.armed or state.busy or event in _HARMLESS:
        return
    state.busy = True  # sys._getframe in _verdict raises an event of its own
    try:
        refusal = _verdict(event, args)
    finally:
        state.busy = False
    if refusal is None:
        return
    if not (event == "import" and args and type(args[0]) is str and args[0].startswith("encodings.")):
        state.refused = state.refused or event  # a codec lookup of an unknown name is not an escape
    raise refusal


def install() -> None:
    """Add the hook to this interpreter (once, in the zygote; forked workers inherit it). Irreversible."""
    sys.addaudithook(_hook)


def arm(*codes: CodeType) -> None:
    """Start watching: a program is about to run; ``codes`` are the run's own compiled code objects."""
    STATE.codes = codes
    STATE.refused = ""
    STATE.armed = True


def disarm() -> str:
    """Stop watching; return the first refused event of the run, or ``""``."""
    STATE.armed = False
    STATE.codes = ()
    return STATE.refused


def idle() -> bool:
    """Whether the hook is in its resting state (disarmed, not busy): checked after every run."""
    return not STATE.armed and not STATE.busy and not STATE.codes
