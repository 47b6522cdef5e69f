import ast

from azr_env.suites import rewrite

RECURSIVE = "def helper(x):\n    return x - 1\n\ndef fact(n):\n    return 1 if n == 0 else n * fact(helper(n))\n"


def _renamed(source: str, old: str) -> str | None:
    tree = rewrite.rename_entry_point(ast.parse(source), old)
    return None if tree is None else ast.unparse(tree)


def test_rename_changes_def_and_recursive_call() -> None:
    text = _renamed(RECURSIVE, "fact")
    assert text is not None
    assert "def f(n)" in text and "n * f(helper(n))" in text and "fact" not in text


def test_rename_keeps_helpers() -> None:
    text = _renamed(RECURSIVE, "fact")
    assert text is not None and "def helper(x)" in text


def test_rename_refuses_when_f_is_already_a_name() -> None:
    assert _renamed("def g(x):\n    f = x\n    return f\n", "g") is None


def test_rename_refuses_missing_entry_point() -> None:
    assert _renamed("def g(x):\n    return x\n", "h") is None


def test_entry_point_already_f_is_kept() -> None:
    assert _renamed("def f(x):\n    return x\n", "f") == "def f(x):\n    return x"


def test_strip_docstrings_removes_module_function_and_class_docstrings() -> None:
    source = '"""mod"""\nclass A:\n    """cls"""\ndef f():\n    """doc"""\n    return 1\n'
    text = ast.unparse(rewrite.strip_docstrings(ast.parse(source)))
    assert '"""' not in text and "'" not in text and "return 1" in text and "class A:\n    pass" in text


def test_literal_calls_reads_literal_arguments_in_source_order() -> None:
    test = "def check(c):\n    assert c([1, 2], 'a') == 1\n    assert c(-3, k=(1.5,)) == 2\n"
    assert list(rewrite.literal_calls(test, "c")) == ["[1, 2], 'a'", "-3, k=(1.5,)"]


def test_literal_calls_skips_non_literal_arguments() -> None:
    test = "def check(c):\n    assert c(x)\n    assert c('a' * 3)\n    assert c(*args)\n    assert c()\n"
    assert list(rewrite.literal_calls(test, "c")) == []


def test_literal_calls_finds_nested_calls() -> None:
    test = "def check(c):\n    assert abs(c(2.5) - 1.0) < 1e-6\n"
    assert list(rewrite.literal_calls(test, "c")) == ["2.5"]


def test_imported_modules_uses_top_level_names() -> None:
    tree = ast.parse("import os.path\nfrom collections import deque\nfrom . import x\n")
    assert rewrite.imported_modules(tree) == {"os", "collections", "."}


def test_parameter_names_rejects_star_args() -> None:
    tree = ast.parse("def g(a, b):\n    pass\ndef h(*a):\n    pass\n")
    assert rewrite.parameter_names(tree, "g") == ["a", "b"]
    assert rewrite.parameter_names(tree, "h") is None
