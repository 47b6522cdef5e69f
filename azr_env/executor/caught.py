"""A resource error a program catches still ends its run: the run's output would depend on the sandbox's limits.

A ``MemoryError`` or ``RecursionError`` says where the sandbox's limits lie, not what the program computes on its
input: ``try: [0] * 2 * 10**8 except MemoryError: return 'oom'`` returns ``'oom'`` in the sandbox and a list on a
machine with more memory, a counter of frames until ``RecursionError`` returns the sandbox's recursion depth (2987),
and near a limit the answer depends on the heap a worker has left. Such an output is no task: its gold is not what
a solver computes from the program, and near the limit it flips between runs. So a run in which a resource error
was raised ends with ``MEMORY`` or ``RECURSION`` whatever the program did with the error, as when it is not caught.

The compiler (``azr_env.executor.transformer``) rewrites every statement that could stop such an error:

- ``try``: two handlers come first, one per resource error, each marking the run and re-raising, so the program's
  own handlers never see one; with a ``finally``, the whole ``try`` is wrapped in one more ``try`` with the marking
  handlers, so an error from a handler or the ``else`` is marked before the ``finally`` runs (a ``return`` there
  would drop it);
- ``with``: the body is wrapped in the marking handlers, so an error is marked before ``__exit__`` may drop it.

A marking handler only stores a constant into a list slot and re-raises: no call, no allocation, so it runs even at
the recursion limit and out of memory. Its names start with an underscore, which no program may write, and the
error classes are bound under such names too (a program may rebind ``MemoryError``). An error that ends a generator
finalized during the run is dropped by CPython as unraisable; the tripwire marks the run then (``note``).
"""

from __future__ import annotations

import ast
from typing import Any

from azr_env.executor.result import ExecStatus

HITS_NAME = "_resource_hits_"
"""Global of a run: a one-slot list, ``""`` until a marking handler stores the status's value."""

_ERRORS = {
    "_memory_error_": (MemoryError, ExecStatus.MEMORY),
    "_recursion_error_": (RecursionError, ExecStatus.RECURSION),
}

_RUN: list[str] = [""]
"""The current run's slot, emptied by ``arm`` (one list for every run: a new one would shift the gc's timing)."""


def arm(scope: dict[str, Any]) -> None:
    """Empty the slot; give it to a run's globals with the error classes, under names no program can rebind."""
    _RUN[0] = ""
    scope[HITS_NAME] = _RUN
    scope.update({name: kind for name, (kind, _) in _ERRORS.items()})


def note(error: type[BaseException] | None) -> None:
    """Mark the current run when ``error`` is a resource error that CPython dropped (an unraisable exception)."""
    for kind, status in _ERRORS.values():
        if isinstance(error, type) and issubclass(error, kind):
            _RUN[0] = status.value


def hit() -> ExecStatus | None:
    """The status of a resource error the current run raised (the last one marked), or ``None``."""
    return ExecStatus(_RUN[0]) if _RUN[0] else None


def guard_try(node: ast.Try) -> ast.Try:
    """A ``try`` whose resource errors are marked and re-raised before its own handlers or ``finally`` see them."""
    inner = ast.Try(body=node.body, handlers=[*_handlers(), *node.handlers], orelse=node.orelse, finalbody=[])
    if node.finalbody:
        inner = ast.Try(body=[_located(inner, node)], handlers=_handlers(), orelse=[], finalbody=node.finalbody)
    return _located(inner, node)


def guard_with(node: ast.With) -> ast.With:
    """A ``with`` whose body's resource errors are marked before ``__exit__`` sees them."""
    node.body = [_located(ast.Try(body=node.body, handlers=_handlers(), orelse=[], finalbody=[]), node)]
    return node


def _handlers() -> list[ast.ExceptHandler]:
    return [_handler(name, status) for name, (_, status) in _ERRORS.items()]


def _handler(name: str, status: ExecStatus) -> ast.ExceptHandler:
    slot = ast.Subscript(ast.Name(HITS_NAME, ast.Load()), ast.Constant(0), ast.Store())
    mark = ast.Assign(targets=[slot], value=ast.Constant(status.value))
    return ast.ExceptHandler(type=ast.Name(name, ast.Load()), name=None, body=[mark, ast.Raise()])


def _located(new: Any, old: ast.AST) -> Any:
    return ast.fix_missing_locations(ast.copy_location(new, old))
