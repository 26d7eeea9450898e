"""Tests that cannot fail are defects (issue 9 item 17): a static check of the whole suite.

Also the suite's layout (issue 11 item 7): test helpers live in ``tests/support/``, never in
a test module that other tests import, and no test installs a system package.

A test function that returns early, or skips itself, passes without checking anything for
the cases that take that path (``test_fast_path_never_disagrees`` returned before asserting
for 2,247 of its 2,288 cases). This reads every test module and refuses, inside a test
function (nested helpers excluded):

- a ``return`` reached before any ``assert`` (or ``pytest.raises``) on its way: an early
  exit that passes. Split the case out, or assert what the case is (``assert x is None``)
  instead of leaving. A branch that asserts and then returns is fine;
- ``pytest.skip``, ``pytest.importorskip``, ``pytest.xfail`` or a skip/xfail mark: a case
  that passes without running. A missing tool is a set-up error: the Makefile installs it.

A loop that ``continue``s past some cases is fine when the test asserts how many it checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
_SKIPS = frozenset({"skip", "skipif", "importorskip", "xfail"})


def _test_functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            found.append(node)
    return found


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    """``node`` and what it holds, nested functions, lambdas and classes excluded."""
    out: list[ast.AST] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(c for c in ast.iter_child_nodes(current) if not isinstance(c, _NESTED))
    return out


def _checks(node: ast.AST) -> bool:
    """Does ``node`` assert something: an ``assert`` or a ``pytest.raises``/``warns``?"""
    for n in _own_nodes(node):
        if isinstance(n, ast.Assert):
            return True
        if isinstance(n, ast.Attribute) and n.attr in ("raises", "warns"):
            return True
    return False


def _early_returns(body: list[ast.stmt], checked: bool) -> list[ast.Return]:
    """The returns in ``body`` reached before anything on their path asserted."""
    out: list[ast.Return] = []
    for statement in body:
        if isinstance(statement, ast.Return) and not checked:
            out.append(statement)
        if isinstance(statement, _NESTED):
            continue
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for block in _blocks(getattr(statement, field, None)):
                out += _early_returns(block, checked)
        checked = checked or _checks(statement)
    return out


def _blocks(value: object) -> list[list[ast.stmt]]:
    if not isinstance(value, list) or not value:
        return []
    if isinstance(value[0], ast.stmt):
        return [value]
    return [getattr(v, "body", []) for v in value]  # except handlers, match cases


def _is_skip(node: ast.AST) -> bool:
    """``pytest.skip(...)``, ``pytest.mark.skipif``, ``pytest.importorskip``, ``xfail``."""
    target = node.func if isinstance(node, ast.Call) else node
    return (
        isinstance(target, ast.Attribute)
        and target.attr in _SKIPS
        and isinstance(target.value, ast.Name | ast.Attribute)
        and "pytest" in ast.unparse(target.value)
    )


def problems(source: str, name: str) -> list[str]:
    """Every early return or skip in the test functions of one module, as ``file:line``."""
    tree = ast.parse(source, name)
    out = []
    for function in _test_functions(tree):
        for decorator in function.decorator_list:
            if any(_is_skip(n) for n in ast.walk(decorator)):
                out.append(f"{name}:{decorator.lineno}: {function.name} is skipped by a mark")
        for ret in _early_returns(function.body, checked=False):
            out.append(f"{name}:{ret.lineno}: {function.name} returns before asserting")
        for statement in function.body:
            for node in _own_nodes(statement):
                if isinstance(node, ast.Call) and _is_skip(node):
                    out.append(f"{name}:{node.lineno}: {function.name} skips itself")
    for node in ast.walk(tree):  # module-level pytestmark = pytest.mark.skip...
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
            and any(_is_skip(n) for n in ast.walk(node.value))
        ):
            out.append(f"{name}:{node.lineno}: the whole module is skipped")
    return out


def test_no_test_returns_early_or_skips() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 40
    found = [p for m in modules for p in problems(m.read_text("utf-8"), str(m.relative_to(TESTS)))]
    assert found == []


def test_the_check_catches_what_it_is_for() -> None:
    source = """
import pytest

@pytest.mark.skipif(True, reason="x")
def test_marked(): assert True

def test_returns(value):
    if value is None:
        return
    assert value

def test_asserts_then_returns(value):
    if value is None:
        assert value is None
        return
    with pytest.raises(ValueError):
        int(value)
    return

def test_skips():
    pytest.skip("no tool")

def test_fine(values):
    def helper():
        return 1
    for v in values:
        if not v:
            continue
        assert helper()
    assert len(values) == 3
"""
    assert problems(source, "t.py") == [
        "t.py:4: test_marked is skipped by a mark",
        "t.py:9: test_returns returns before asserting",
        "t.py:21: test_skips skips itself",
    ]


def _imported_test_modules(source: str, name: str) -> list[str]:
    """``from test_x import ...`` / ``import test_x``: test helpers belong in tests/support/."""
    out = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1].startswith(
            "test_"
        ):
            out.append(f"{name}:{node.lineno}: imports {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[-1].startswith("test_"):
                    out.append(f"{name}:{node.lineno}: imports {alias.name}")
    return out


def _installs(source: str, name: str) -> list[str]:
    """A string naming a package installer: the Makefile installs what tests need."""
    out = []
    for node in ast.walk(ast.parse(source, name)):
        if isinstance(node, ast.Constant) and node.value in ("apt-get", "apt", "dnf", "brew"):
            out.append(f"{name}:{node.lineno}: runs {node.value}")
    return out


def _suite_files() -> list[Path]:
    files = sorted(p for p in TESTS.rglob("*.py") if p.name != Path(__file__).name)
    assert len(files) > 40
    return files


def test_no_test_module_imports_another() -> None:
    found = [
        p
        for m in _suite_files()
        for p in _imported_test_modules(m.read_text("utf-8"), str(m.relative_to(TESTS)))
    ]
    assert found == []


def test_no_test_installs_system_packages() -> None:
    found = [p for m in _suite_files() for p in _installs(m.read_text("utf-8"), m.name)]
    assert found == []


def test_the_layout_checks_catch_what_they_are_for() -> None:
    source = (
        "from test_cli_audit import filled_env\nimport test_x\nfrom support.tooling import Env\n"
        "subprocess.run(['apt-get', 'install', 'chromium'])\n"
    )
    assert _imported_test_modules(source, "t.py") == [
        "t.py:1: imports test_cli_audit",
        "t.py:2: imports test_x",
    ]
    assert _installs(source, "t.py") == ["t.py:4: runs apt-get"]
