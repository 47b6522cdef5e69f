"""Static checks and restricted compilation of programs, checks of inputs, with caches.

Runs inside the sandbox worker (parsing hostile text is itself a risk: parser bombs, huge literals). A program
passes, in order: the size cap, ``ast.parse`` (``SYNTAX_ERROR``), exactly one top-level ``def f`` (``NO_F``), the
import allow-list (``FORBIDDEN_IMPORT``), then RestrictedPython's policy (``FORBIDDEN_NAME``). An input is never code:
it must be data under the rule of :mod:`azr_env.executor.literals` (``BAD_INPUT`` otherwise), exactly the arguments
of one call ``f(<input>)`` (so ``1) or evil() or (1`` cannot break out), and its values are built without running
anything.
"""

from __future__ import annotations

import ast
from collections import OrderedDict
from dataclasses import dataclass
from types import CodeType
from typing import Generic, TypeVar

from RestrictedPython import compile_restricted_exec

from azr_env.executor import literals
from azr_env.executor.limits import MAX_INPUT_CHARS, MAX_PROGRAM_CHARS
from azr_env.executor.modules import MODULE_ATTRS
from azr_env.executor.result import ExecStatus
from azr_env.executor.transformer import SandboxTransformer

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a program or input was refused before it ran."""

    status: ExecStatus
    error: str


class LruCache(Generic[_T]):
    """A small least-recently-used cache keyed by source text."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, _T] = OrderedDict()

    def get(self, key: str) -> _T | None:
        """Return the cached value and mark it recently used, or ``None``."""
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: str, value: _T) -> _T:
        """Store ``value``, evicting the least recently used entry when full."""
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


_programs: LruCache[CodeType | Refusal] = LruCache(256)
Arguments = literals.Arguments | literals.JsonArguments
"""A checked input: data under the rule of ``azr_env.executor.literals``, giving fresh ``(args, kwargs)`` per run."""

_inputs: LruCache[Arguments | Refusal] = LruCache(1024)


def compile_program(source: str) -> CodeType | Refusal:
    """Check and compile a program (cached by its source)."""
    cached = _programs.get(source)
    if cached is None:
        cached = _programs.put(source, _compile_program(source))
    return cached


def compile_input(text: str) -> Arguments | Refusal:
    """Check an input: the data-literal rule, read without running code (cached by its text)."""
    cached = _inputs.get(text)
    if cached is None:
        cached = _inputs.put(text, _compile_input(text))
    return cached


def _parse(source: str, mode: str, what: str) -> ast.AST | Refusal:
    try:
        return ast.parse(source, filename=f"<{what}>", mode=mode)
    except (SyntaxError, ValueError) as exc:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: {type(exc).__name__}: {exc}"[:300])
    except RecursionError:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: nested too deeply to parse")


def _compile_program(source: str) -> CodeType | Refusal:
    if len(source) > MAX_PROGRAM_CHARS:
        return Refusal(ExecStatus.PROGRAM_TOO_LARGE, f"program has {len(source)} chars, over {MAX_PROGRAM_CHARS}")
    tree = _parse(source, "exec", "program")
    if isinstance(tree, Refusal):
        return tree
    assert isinstance(tree, ast.Module)
    n_f = sum(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == "f" for node in tree.body)
    if n_f != 1:
        return Refusal(ExecStatus.NO_F, f"the program must define exactly one top-level function f, found {n_f}")
    forbidden = _forbidden_import(tree) if "import" in source else None  # no walk when no import can exist
    if forbidden:
        return Refusal(ExecStatus.FORBIDDEN_IMPORT, f"import of {forbidden!r} is not allowed")
    return _restricted(compile_restricted_exec, tree, "program")


def _forbidden_import(tree: ast.AST) -> str | None:
    """The first import outside the allow-list, or ``None``; expands ``from m import *`` in place."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name not in MODULE_ATTRS:
                    return alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module not in MODULE_ATTRS:
                return "." * node.level + (node.module or "")
            offered = MODULE_ATTRS[node.module]
            if [alias.name for alias in node.names] == ["*"]:
                # Star imports (RestrictedPython refuses them) become explicit imports of the offered names.
                star = node.names[0]
                public = sorted(name for name in offered if not name.startswith("_"))
                node.names = [ast.copy_location(ast.alias(name), star) for name in public]
            for alias in node.names:
                if alias.name not in offered:
                    return f"{node.module}.{alias.name}"
    return None


def _compile_input(text: str) -> Arguments | Refusal:
    if len(text) > MAX_INPUT_CHARS:
        return Refusal(ExecStatus.INPUT_TOO_LARGE, f"input has {len(text)} chars, over {MAX_INPUT_CHARS}")
    arguments = literals.read_arguments(text)
    if isinstance(arguments, literals.NotData):
        status = ExecStatus.SYNTAX_ERROR if arguments.syntax_error else ExecStatus.BAD_INPUT
        return Refusal(status, f"input: {arguments.reason}"[:300])
    return arguments


def _restricted(compiler: object, tree: ast.AST, what: str) -> CodeType | Refusal:
    try:
        result = compiler(tree, filename=f"<{what}>", policy=SandboxTransformer)  # type: ignore[operator]
    except (SyntaxError, ValueError) as exc:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: {type(exc).__name__}: {exc}"[:300])
    except RecursionError:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: nested too deeply to compile")
    if result.errors:
        return Refusal(ExecStatus.FORBIDDEN_NAME, f"{what}: {result.errors[0]}"[:300])
    if result.code is None:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: does not compile")
    return result.code


def forget() -> None:
    """Drop every cached program and input: a new task starts, and no earlier task's text may stay visible."""
    _programs.items.clear()
    _inputs.items.clear()
