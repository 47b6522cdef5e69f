"""Static checks and restricted compilation of programs and input expressions, with caches.

Runs inside the sandbox worker (parsing hostile text is itself a risk: parser bombs, huge literals). A program
passes, in order: the size cap, ``ast.parse`` (``SYNTAX_ERROR``), exactly one top-level ``def f`` (``NO_F``), the
import allow-list (``FORBIDDEN_IMPORT``), then RestrictedPython's policy (``FORBIDDEN_NAME``). An input expression
must make ``f(<input>)`` exactly one call of ``f`` (``BAD_INPUT`` otherwise, so ``1) or evil() or (1`` cannot
break out); its arguments are compiled under the same policy and evaluated in the sandbox.
"""

from __future__ import annotations

import ast
import json
import re
from collections import OrderedDict
from dataclasses import dataclass
from types import CodeType
from typing import Generic, TypeVar

from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from azr_env.executor.limits import MAX_INPUT_CHARS, MAX_PROGRAM_CHARS
from azr_env.executor.modules import MODULE_ATTRS
from azr_env.executor.result import ExecStatus
from azr_env.executor.transformer import SandboxTransformer

PACK_NAME = "f"
"""The name the input's call expression is compiled against (bound to an argument packer when evaluated)."""

_T = TypeVar("_T")
_MAX_JSON_BRACKETS = 100
_JSON_WORDS = re.compile("true|false|null")


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a program or input was refused before it ran."""

    status: ExecStatus
    error: str


@dataclass(frozen=True, slots=True)
class LiteralCall:
    """An input whose arguments are all literals: evaluated with ``ast.literal_eval``, no code runs at all.

    The common case (``[3, 1, 2]``, ``'abc', k=2``) skips the restricted compiler, which costs ~0.2 ms per text.
    """

    args: tuple[ast.expr, ...]
    kwargs: tuple[tuple[str, ast.expr], ...]

    @classmethod
    def of(cls, call: ast.Call) -> LiteralCall | None:
        """The literal form of ``call``, or ``None`` if any argument is more than a literal."""
        if any(isinstance(arg, ast.Starred) for arg in call.args) or any(kw.arg is None for kw in call.keywords):
            return None
        literal = cls(tuple(call.args), tuple((str(kw.arg), kw.value) for kw in call.keywords))
        try:
            literal.evaluate()
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        return literal

    def evaluate(self) -> tuple[list[object], dict[str, object]]:
        """Fresh argument values (a new object per call: nothing is shared between runs)."""
        return [ast.literal_eval(node) for node in self.args], {k: ast.literal_eval(v) for k, v in self.kwargs}


@dataclass(frozen=True, slots=True)
class JsonCall:
    r"""An input that is a comma-separated list of JSON values which mean the same in Python (``[3, 1, 2], 5``).

    ``json.loads`` is ~15x faster than parsing the call, and a JSON array cannot contain anything but data, so
    there is nothing to break out of. Inputs where JSON and Python could disagree take the parser path: any
    backslash (JSON's ``\/``), ``true``/``false``/``null``/``NaN``/``Infinity`` (names in Python), deep nesting
    (Python's parser caps it).
    """

    text: str

    @classmethod
    def of(cls, text: str) -> JsonCall | None:
        """The JSON form of ``text``, or ``None`` when only the Python parser may read it."""
        if "\\" in text or text.count("[") + text.count("{") > _MAX_JSON_BRACKETS or _JSON_WORDS.search(text):
            return None
        call = cls(text)
        try:
            call.evaluate()
        except (ValueError, RecursionError):
            return None
        return call

    def evaluate(self) -> tuple[list[object], dict[str, object]]:
        """Fresh argument values (new objects on every call)."""
        return json.loads(f"[{self.text}]", parse_constant=_refuse_constant), {}


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a Python literal")


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
Arguments = CodeType | LiteralCall | JsonCall
"""A checked input: restricted code evaluating to ``(args, kwargs)``, or data needing no code at all."""

_inputs: LruCache[Arguments | Refusal] = LruCache(1024)


def compile_program(source: str) -> CodeType | Refusal:
    """Check and compile a program (cached by its source)."""
    cached = _programs.get(source)
    if cached is None:
        cached = _programs.put(source, _compile_program(source))
    return cached


def compile_input(text: str) -> Arguments | Refusal:
    """Check and compile an input expression into code that evaluates ``f(<input>)`` (cached by its text)."""
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
    fast = JsonCall.of(text)
    if fast is not None:
        return fast
    source = f"{PACK_NAME}({text})"
    tree = _parse(source, "eval", "input")
    if isinstance(tree, Refusal):
        return tree
    assert isinstance(tree, ast.Expression)
    call = tree.body
    # The source starts with "f(" and the whole text is one expression, so a Call of the Name f is exactly
    # f(<input>); anything that closed the parenthesis early ("1) or g(") parses as another node type.
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == PACK_NAME):
        return Refusal(ExecStatus.BAD_INPUT, "the input must be the arguments of one call f(<input>)")
    literal = LiteralCall.of(call)
    return literal if literal is not None else _restricted(compile_restricted_eval, tree, "input")


def _restricted(compiler: object, tree: ast.AST, what: str) -> CodeType | Refusal:
    try:
        result = compiler(tree, filename=f"<{what}>", policy=SandboxTransformer)  # type: ignore[operator]
    except (SyntaxError, ValueError) as exc:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: {type(exc).__name__}: {exc}"[:300])
    except RecursionError:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: nested too deeply to compile")
    if result.errors:
        status = ExecStatus.FORBIDDEN_NAME if what == "program" else ExecStatus.BAD_INPUT
        return Refusal(status, f"{what}: {result.errors[0]}"[:300])
    if result.code is None:
        return Refusal(ExecStatus.SYNTAX_ERROR, f"{what}: does not compile")
    return result.code


def forget() -> None:
    """Drop every cached program and input: a new task starts, and no earlier task's text may stay visible."""
    _programs.items.clear()
    _inputs.items.clear()
