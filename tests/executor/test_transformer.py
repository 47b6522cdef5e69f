"""The transformer's route table is a pure speed-up: it shortcuts only visitors that do nothing but visit their
node's contents, and a transformed tree is the same with and without it."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from azr_env.executor import transformer
from azr_env.executor.transformer import SandboxTransformer

CORPUS = Path(__file__).resolve().parent.parent / "data" / "human_programs.jsonl"
PROGRAMS = sorted({json.loads(line)["program"] for line in CORPUS.read_text(encoding="utf-8").splitlines()})


class Unrouted(SandboxTransformer):
    """The same policy, every node dispatched by name (no shortcut)."""

    def visit(self, node: ast.AST) -> Any:
        self.depth += 1
        try:
            return getattr(self, "visit_" + type(node).__name__, self.generic_visit)(node)
        finally:
            self.depth -= 1

    def node_contents_visit(self, node: Any) -> Any:
        return ast.NodeTransformer.generic_visit(self, node)


def _transformed(policy: type[SandboxTransformer], source: str) -> tuple[str, list[str]]:
    errors: list[str] = []
    tree = policy(errors, [], {}).visit(ast.parse(source))
    return ast.dump(tree, include_attributes=True), errors


def test_only_contents_only_visitors_are_shortcut() -> None:
    for kind, route in SandboxTransformer.routes.items():
        if route is transformer._LEAF or route is transformer._CONTENTS:
            assert transformer._is_contents_only(getattr(SandboxTransformer, "visit_" + kind.__name__)), kind


def test_a_subclass_visitor_that_checks_is_never_shortcut() -> None:
    class Strict(SandboxTransformer):
        def visit_Load(self, node: ast.Load) -> ast.Load:
            self.error(node, "no loads")
            return node

    errors: list[str] = []
    Strict(errors, [], {}).visit(ast.parse("def f(x):\n    return x"))
    assert errors


def test_routes_change_no_transformed_tree() -> None:
    assert len(PROGRAMS) > 200
    for source in PROGRAMS:
        assert _transformed(SandboxTransformer, source) == _transformed(Unrouted, source)
