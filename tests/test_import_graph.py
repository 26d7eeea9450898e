"""The package's import graph, computed from the source with ``ast`` (issue 11).

Every top-level module and subpackage of ``compliant_scraper`` has a layer
(docs/architecture.md, "Layers"). An import from a lower layer into a higher one, or a
circle between units, fails here. Imports inside functions and under ``TYPE_CHECKING``
count too: a deferred import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

PACKAGE: Final = Path(__file__).resolve().parents[1] / "compliant_scraper"

# unit (top-level module or subpackage) -> layer, bottom (1) to top (8)
LAYERS: Final[dict[str, int]] = {
    "errors": 1,
    "rules": 1,
    "records": 1,
    "clock": 1,
    "hashing": 1,
    "provenance": 1,
    "config": 1,
    "product": 1,
    "values": 1,
    "policy": 2,
    "reservations": 2,
    "extract": 2,
    "law": 2,
    "letters": 2,
    "screening": 3,
    "opposition": 3,
    "store": 4,
    "cluster": 4,
    "crawl": 5,
    "tooling": 6,
    "cli": 7,
    "demo": 8,
    "settings": 8,
    "spiders": 8,
    "addon": 8,
    "_moved": 8,
    "middlewares": 8,
    "pipeline": 8,
    "logformatter": 8,
    "__init__": 8,
    "__main__": 8,
}


def _units() -> set[str]:
    found = set()
    for path in PACKAGE.iterdir():
        if path.is_dir() and (path / "__init__.py").exists():
            found.add(path.name)
        elif path.suffix == ".py":
            found.add(path.stem)
    return found


def _module_of(path: Path) -> tuple[str, str]:
    """(dotted module, dotted package the module's relative imports start from)."""
    parts = ("compliant_scraper", *path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), ".".join(parts[:-1])
    return ".".join(parts), ".".join(parts[:-1])


def _targets(node: ast.AST, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base)
        else:
            prefix = ""
        module = ".".join(p for p in (prefix, node.module or "") if p)
        if module == "compliant_scraper":  # from compliant_scraper import x: a unit, or the face
            units = _units()
            for alias in node.names:
                yield f"{module}.{alias.name}" if alias.name in units else module
        else:
            yield module


def _unit(dotted: str) -> str:
    parts = dotted.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def import_edges() -> dict[tuple[str, str], list[str]]:
    """(from unit, to unit) -> the modules that import across it."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module, package = _module_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            for target in _targets(node, package):
                if target.split(".")[0] != "compliant_scraper":
                    continue
                here, there = _unit(module), _unit(target)
                if here != there:
                    edges.setdefault((here, there), []).append(module)
    return edges


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


EDGES: Final = import_edges()


def test_every_unit_has_a_layer() -> None:
    missing = sorted(_units() - set(LAYERS))
    assert not missing, f"add these to LAYERS and to docs/architecture.md: {missing}"


def test_the_walk_sees_the_known_edges() -> None:
    # a walk that found nothing would pass the two checks below vacuously
    assert ("crawl", "store") in EDGES
    assert ("cli", "tooling") in EDGES
    assert ("store", "values") in EDGES
    assert len(EDGES) > 40


def test_no_import_runs_up_a_layer() -> None:
    upward = {
        f"{a} (layer {LAYERS[a]}) -> {b} (layer {LAYERS[b]}): {sorted(set(mods))}"
        for (a, b), mods in EDGES.items()
        if a in LAYERS and b in LAYERS and LAYERS[a] < LAYERS[b]
    }
    assert not upward, "\n".join(sorted(upward))


def test_no_circle_between_units() -> None:
    assert _cycles(set(EDGES)) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert _cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", ["compliant_scraper", "compliant_scraper.cli"])
def test_the_command_line_does_not_load_scrapy_or_extruct(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "print(sorted(m for m in ('scrapy', 'twisted', 'extruct') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "[]"
