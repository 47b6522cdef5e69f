"""Fresh inputs for known programs: mutate the literals of an input expression, never evaluate it.

The mutation is pure syntax work (``ast`` parse, change constants, unparse), so model-written text never runs in
this process. Whether the mutated input still suits the program is for the executor to say.
"""

from __future__ import annotations

import ast
import string

import numpy as np

_LETTERS = string.ascii_lowercase


class _LiteralMutator(ast.NodeTransformer):
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        value = node.value
        if isinstance(value, bool):
            new: bool | int | float | str | None = bool(self.rng.integers(0, 2))
        elif isinstance(value, int):
            new = value + int(self.rng.integers(-9, 10))
        elif isinstance(value, float):
            new = round(value + float(self.rng.normal()), 3)
        elif isinstance(value, str):
            new = "".join(self.rng.choice(list(_LETTERS), size=len(value))) if value else value
        else:
            return node
        return ast.copy_location(ast.Constant(new), node)


def mutate_input(expression: str, rng: np.random.Generator) -> str:
    """Return ``expression`` with every int, float, bool and str literal replaced by a random nearby value.

    An expression that does not parse is returned unchanged (the executor will judge it).
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return expression
    return ast.unparse(_LiteralMutator(rng).visit(tree))


def fresh_inputs(expression: str, count: int, rng: np.random.Generator, tries: int = 8) -> list[str]:
    """Return up to ``count`` distinct mutations of ``expression`` (fewer if mutation keeps repeating itself)."""
    seen: dict[str, None] = {}
    for _ in range(count * tries):
        seen.setdefault(mutate_input(expression, rng), None)
        if len(seen) >= count:
            break
    return list(seen)[:count]
