"""When two inputs make the same call: an argument list bound to the program's ``def f``, read without running it.

Two inputs with different values may still call ``f`` with the same arguments: for ``def f(x, scale=3)`` the inputs
``1``, ``x=1``, ``1, 3`` and ``scale=3, x=1`` are one call. Comparing argument values (``literals.arguments_key``)
would count them distinct, so an induction proposer could hide five re-spellings of the visible inputs, and a
lookup table of the visible pairs would pass every hidden one; a copied buffer task with its input re-spelled would
pass as new. ``call_key`` binds an input to the signature of the program's one top-level ``def f``, as Python would
(``inspect.Signature.bind``, then the defaults), and writes each parameter's canonical value in parameter order, as
``f(1, 3)`` (no argument-values key starts so; the names are the program's, which the duplicate rule renames).

The signature is read from the program's syntax tree: nothing runs. A default that is not data (``key=len``) is
kept as an opaque marker, so an input that passes a value for it is never taken for one that omits it. When the
program has no single undecorated top-level ``def f``, or the input does not bind (validation refuses it anyway),
the key is the input's argument values alone.
"""

from __future__ import annotations

import ast
import functools
import inspect
from typing import Any

from azr_env.executor.canonical import encode
from azr_env.executor.literals import Data, NotData, arguments_key, read_arguments, read_value

_KIND = inspect.Parameter


class _Opaque:
    """A default that is not data: written ``<default>``, never equal to a passed value."""


def call_key(program: str, expr: str) -> str:
    """Return a canonical text of the call ``f(<expr>)`` bound to the program's ``def f``: equal keys, one call."""
    values = arguments_key(expr)
    if isinstance(values, NotData):
        return expr
    signature = _signature(program)
    arguments = read_arguments(expr)
    if signature is None or isinstance(arguments, NotData):
        return values
    args, kwargs = arguments.values()
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return values
    bound.apply_defaults()
    return "f(" + ", ".join(_text(value) for value in bound.arguments.values()) + ")"  # no data text starts so


def _text(value: Any) -> str:
    if isinstance(value, _Opaque):
        return "<default>"
    return encode(value, max_chars=None, max_depth=None)[1]


@functools.lru_cache(maxsize=1024)
def _signature(program: str) -> inspect.Signature | None:
    """The signature of the program's one undecorated top-level ``def f``, or ``None`` (cached: 10 inputs each)."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "f"]
    if len(found) != 1 or found[0].decorator_list:
        return None
    try:
        return inspect.Signature(_parameters(found[0].args))
    except (ValueError, RecursionError):  # RecursionError: a default nested too deeply to unparse
        return None


def _parameters(spec: ast.arguments) -> list[inspect.Parameter]:
    positional = [*spec.posonlyargs, *spec.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(spec.defaults)) + list(spec.defaults)
    params = [
        _parameter(arg, _KIND.POSITIONAL_ONLY if i < len(spec.posonlyargs) else _KIND.POSITIONAL_OR_KEYWORD, default)
        for i, (arg, default) in enumerate(zip(positional, defaults, strict=True))
    ]
    if spec.vararg is not None:
        params.append(_KIND(spec.vararg.arg, _KIND.VAR_POSITIONAL))
    params += [_parameter(a, _KIND.KEYWORD_ONLY, d) for a, d in zip(spec.kwonlyargs, spec.kw_defaults, strict=True)]
    if spec.kwarg is not None:
        params.append(_KIND(spec.kwarg.arg, _KIND.VAR_KEYWORD))
    return params


def _parameter(arg: ast.arg, kind: Any, default: ast.expr | None) -> inspect.Parameter:
    if default is None:
        return _KIND(arg.arg, kind)
    value = read_value(ast.unparse(default))
    return _KIND(arg.arg, kind, default=value.value if isinstance(value, Data) else _Opaque())
