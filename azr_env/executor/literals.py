"""The data-literal rule: which texts are plain data, and their values, read without running any code.

Answers and inputs are data, never computations: a deduction answer ``sum(ord(c) * 7 % 13 for c in 'banana')``
(the program's body inlined) must not score, and an abduction answer must not run in the program's globals. One
rule, applied twice:

- in the env, before anything runs: a deduction answer's canonical value is computed here, in-process; an
  abduction answer or a proposed input that is not data is refused before it reaches the executor;
- in the sandbox's input compiler (``azr_env.executor.compiler``): an input is only ever read by this module, never
  evaluated as code.

**The rule.** A *value* is

- ``None``, ``True``, ``False``, or an int, float, str or bytes literal (no complex numbers, no ``...``);
- one sign (``-`` or ``+``) before an int or float literal or before one of the special floats below;
- a list, tuple, set or dict display of values (set items and dict keys hashable);
- ``set()``, ``frozenset()`` or ``frozenset(<value>)`` of an iterable value;
- ``float('nan')``, ``float('inf')`` or ``float('-inf')`` (any case, ``'infinity'`` too, optionally signed).

An *argument list* (an input: what goes between the parentheses of ``f(...)``) is zero or more values separated by
commas, then zero or more keyword arguments ``name=value`` with distinct ASCII names (Python folds a name to NFKC:
a fullwidth ``ｘ=1`` would be shown as one name and passed as ``x``); no ``*``/``**`` unpacking. An empty
argument list means "no arguments". Comments and line breaks are allowed. Containers nest at most ``MAX_DEPTH``
levels (the cap on outputs); callers cap the text's length before calling.

This is what ``ast.literal_eval`` takes, minus complex numbers, ``...`` and signed booleans, plus the constructors
plain data needs. Every canonical output (``azr_env.executor.canonical``) is a value under this rule.

Nothing here raises on model text: every refusal is a ``NotData`` naming the rule. The module imports only the
standard library and the canonical repr, so the env process and the sandbox workers share it.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from azr_env.executor.canonical import MAX_DEPTH, encode
from azr_env.executor.result import ExecStatus

RULE = (
    "answers and inputs are data: literals (numbers, strings, bytes, True, False, None, and lists, tuples, dicts "
    "and sets of literals), set(), frozenset(<literal>), float('nan'), float('inf'), float('-inf'); nothing computed"
)
"""The rule in one sentence, quoted in every refusal (the prompts state the same rule)."""

_SPECIAL_FLOATS = frozenset(sign + word for sign in ("", "+", "-") for word in ("nan", "inf", "infinity"))
_SCALARS = (type(None), bool, int, float, str, bytes)
_NUMBERS = (int, float)
_MAX_JSON_BRACKETS = MAX_DEPTH  # fewer brackets than the depth cap: the fast path never needs a depth check
_JSON_WORDS = re.compile("true|false|null")
_CALL = "f"


@dataclass(frozen=True, slots=True)
class NotData:
    """Why a text is not data under the rule (the reason names the offending part and quotes the rule).

    Attributes:
        reason: what is not data, and the rule.
        syntax_error: the text is not even valid Python syntax, or nests too deeply to parse.
        computation: the text is valid in its place (one expression, or the arguments of one call) but computes
            instead of being data: what an expression-scoring benchmark may evaluate in the sandbox.
    """

    reason: str
    syntax_error: bool = False
    computation: bool = False


@dataclass(frozen=True, slots=True)
class Data:
    """A value read from a text under the rule."""

    value: Any


@dataclass(frozen=True, slots=True)
class Arguments:
    """A checked argument list read by the parser; ``values()`` builds fresh objects on every call.

    Fresh objects matter: a program may mutate its input, and the same input text recurs across runs and tasks.
    """

    positional: tuple[ast.expr, ...]
    keywords: tuple[tuple[str, ast.expr], ...]

    def values(self) -> tuple[list[Any], dict[str, Any]]:
        """Return new ``(args, kwargs)`` objects."""
        return [_build(node, 0) for node in self.positional], {name: _build(node, 0) for name, node in self.keywords}


@dataclass(frozen=True, slots=True)
class JsonArguments:
    r"""A checked argument list of JSON values that mean the same in Python (``[3, 1, 2], "a"``): the fast path.

    ``json.loads`` is much faster than parsing the call. Texts where JSON and Python could disagree take the parser:
    any backslash (JSON's ``\/``), ``true``/``false``/``null``, ``NaN``/``Infinity`` (names in Python), non-ASCII
    text (a lone surrogate is a JSON string but not Python source), and more brackets than the depth cap.
    """

    text: str

    def values(self) -> tuple[list[Any], dict[str, Any]]:
        """Return new ``(args, kwargs)`` objects."""
        return json.loads(f"[{self.text}]", parse_constant=_refuse_constant), {}


class _Refused(Exception):
    """Raised inside the walk at the first part that is not data."""


def read_value(text: str) -> Data | NotData:
    """Read one value (a bare ``1, 2`` is one tuple, as in ``return 1, 2``; a trailing comment is harmless)."""
    fast = _json_arguments(text)
    if fast is not None:
        args, _ = fast.values()
        if len(args) == 1:  # one JSON value; "1, 2" is a tuple in Python, so it takes the parser
            return Data(args[0])
    tree = _parse(f"(\n{text}\n)")
    if isinstance(tree, NotData):
        return tree
    try:
        return Data(_build(tree.body, 0))
    except _Refused as refused:
        return NotData(str(refused), computation=True)


@functools.lru_cache(maxsize=1024)  # answers are capped at 16 KB by the caller: at most ~16 MB held
def canonical_value(text: str) -> str | NotData:
    """Return the canonical repr (``azr_env.executor.canonical``) of the value ``text`` holds, or why it has none.

    Cached by text: the n attempts at one task often give the same answer.
    """
    data = read_value(text)
    if isinstance(data, NotData):
        return data
    status, canonical = encode(data.value, max_chars=None, max_depth=None)
    return canonical if status is ExecStatus.OK else NotData(canonical)


def read_arguments(text: str) -> Arguments | JsonArguments | NotData:
    """Read an argument list: what goes between the parentheses of ``f(...)`` (empty: no arguments)."""
    fast = _json_arguments(text)
    if fast is not None:
        return fast
    source = f"{_CALL}(\n{text}\n)"
    tree = _parse(source)
    if isinstance(tree, NotData):
        return tree
    call = tree.body
    # The source starts with "f(" and parses as one expression, so a Call of the name f is exactly f(<text>);
    # text that closes the parenthesis early ("1) or g(") parses as another node type.
    if not (type(call) is ast.Call and type(call.func) is ast.Name and call.func.id == _CALL):
        return NotData("the input must be the arguments of one call f(<input>)")
    if not text.isascii() and any(not _written_name(source, keyword).isascii() for keyword in call.keywords):
        return NotData("keyword names are ASCII (Python reads a fullwidth 'ｘ=' as 'x=', not as the name it shows)")
    try:
        arguments = _arguments(call)
        arguments.values()  # builds every value once: unhashable set items and the depth cap are found here
    except _Refused as refused:
        return NotData(str(refused), computation=True)
    return arguments


@functools.lru_cache(maxsize=4096)
def arguments_key(text: str) -> str | NotData:
    """Return a canonical text of an argument list's values: equal keys call ``f`` with equal arguments.

    Cached by text (inputs recur: the same input is checked, keyed for distinctness and keyed for the buffer).
    """
    arguments = read_arguments(text)
    if isinstance(arguments, NotData):
        return arguments
    args, kwargs = arguments.values()
    parts = [encode(value, max_chars=None, max_depth=None)[1] for value in args]
    parts += [f"{name}={encode(kwargs[name], max_chars=None, max_depth=None)[1]}" for name in sorted(kwargs)]
    return ", ".join(parts)


def _parse(source: str) -> ast.Expression | NotData:
    try:
        return ast.parse(source, mode="eval")
    except (SyntaxError, ValueError) as exc:  # ValueError: NUL bytes on older Pythons
        return NotData(f"not valid Python syntax ({type(exc).__name__}: {str(exc)[:120]})", syntax_error=True)
    except (RecursionError, MemoryError):
        return NotData("nested too deeply to parse", syntax_error=True)


def _written_name(source: str, keyword: ast.keyword) -> str:
    """A keyword argument's name as written (the tree holds it folded to NFKC)."""
    return (ast.get_source_segment(source, keyword) or "").split("=", 1)[0]


def _json_arguments(text: str) -> JsonArguments | None:
    if not text.isascii() or "\\" in text or _JSON_WORDS.search(text):
        return None
    if text.count("[") + text.count("{") > _MAX_JSON_BRACKETS:
        return None
    fast = JsonArguments(text)
    try:
        fast.values()
    except (ValueError, RecursionError):
        return None
    return fast


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a Python literal")


def _arguments(call: ast.Call) -> Arguments:
    positional = []
    for node in call.args:
        if type(node) is ast.Starred:
            raise _Refused(f"*-unpacking is not data; {RULE}")
        positional.append(node)
    keywords: dict[str, ast.expr] = {}
    for keyword in call.keywords:
        if keyword.arg is None:
            raise _Refused(f"**-unpacking is not data; {RULE}")
        if keyword.arg in keywords:
            raise _Refused(f"keyword argument {keyword.arg!r} is repeated")
        keywords[keyword.arg] = keyword.value
    return Arguments(tuple(positional), tuple(keywords.items()))


def _build(node: ast.expr, depth: int) -> Any:
    """Return the value of a node under the rule; recursion is bounded by the depth cap on containers."""
    kind = type(node)
    if kind is ast.Constant:
        return _constant(node)  # type: ignore[arg-type]
    if kind is ast.UnaryOp:
        return _signed(node)  # type: ignore[arg-type]
    if kind in _CONTAINERS:
        if depth >= MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} containers")
        return _CONTAINERS[kind](node, depth + 1)
    if kind is ast.Call:
        return _constructor(node, depth)  # type: ignore[arg-type]
    if kind is ast.Name:
        raise _Refused(f"the name {node.id!r} is not data (write its value); {RULE}")  # type: ignore[attr-defined]
    raise _Refused(f"{kind.__name__} is a computation, not data; {RULE}")


def _constant(node: ast.Constant) -> Any:
    if type(node.value) in _SCALARS:
        return node.value
    raise _Refused(f"{type(node.value).__name__} constants are not plain data; {RULE}")


def _signed(node: ast.UnaryOp) -> Any:
    operand = node.operand
    if type(node.op) not in (ast.USub, ast.UAdd):
        raise _Refused(f"{type(node.op).__name__} is a computation, not data; {RULE}")
    value: int | float
    if type(operand) is ast.Constant and type(operand.value) in _NUMBERS:
        value = operand.value  # type: ignore[assignment]
    elif type(operand) is ast.Call and _is_call(operand, "float"):
        value = _special_float(operand)
    else:
        raise _Refused(f"a sign applies to a number only; {RULE}")
    return -value if type(node.op) is ast.USub else value


def _is_call(node: ast.Call, name: str) -> bool:
    return type(node.func) is ast.Name and node.func.id == name and not node.keywords


def _constructor(node: ast.Call, depth: int) -> Any:
    if _is_call(node, "float"):
        return _special_float(node)
    if _is_call(node, "set") and not node.args:
        return set()
    if _is_call(node, "frozenset") and len(node.args) <= 1:
        if depth >= MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} containers")
        return _hashed(frozenset, _items(node.args[0], depth) if node.args else ())
    raise _Refused(f"only set(), frozenset(<value>) and float('nan'/'inf'/'-inf') calls are data; {RULE}")


def _items(node: ast.expr, depth: int) -> Any:
    """The items of ``frozenset(<node>)``: a display there is the frozenset's own level, as canonical text counts it."""
    return _build(node, depth) if type(node) in _CONTAINERS else _build(node, depth + 1)


def _special_float(node: ast.Call) -> float:
    arg = node.args[0] if len(node.args) == 1 else None
    if type(arg) is ast.Constant and type(arg.value) is str and arg.value.strip().lower() in _SPECIAL_FLOATS:
        return float(arg.value)
    raise _Refused(f"float(...) is data only as float('nan'), float('inf') or float('-inf'); {RULE}")


def _hashed(kind: Any, items: Any) -> Any:
    try:
        return kind(items)
    except TypeError as exc:  # an unhashable item or key, or frozenset() of a number
        raise _Refused(f"not a valid {kind.__name__} ({exc})") from None


def _list(node: ast.List, depth: int) -> list[Any]:
    return [_build(item, depth) for item in node.elts]


def _tuple(node: ast.Tuple, depth: int) -> tuple[Any, ...]:
    return tuple(_build(item, depth) for item in node.elts)


def _set(node: ast.Set, depth: int) -> set[Any]:
    return _hashed(set, [_build(item, depth) for item in node.elts])


def _dict(node: ast.Dict, depth: int) -> dict[Any, Any]:
    if any(key is None for key in node.keys):
        raise _Refused(f"**-unpacking is not data; {RULE}")
    keys = [_build(key, depth) for key in node.keys if key is not None]
    return _hashed(dict, list(zip(keys, [_build(value, depth) for value in node.values], strict=True)))


_CONTAINERS: dict[type, Any] = {ast.List: _list, ast.Tuple: _tuple, ast.Set: _set, ast.Dict: _dict}
