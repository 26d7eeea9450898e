"""``store/`` owns every SQL statement (issue 11): no SQL string exists outside it.

Every string constant and f-string of the package outside ``compliant_scraper/store/`` is
read with ``ast``; one that starts like an SQL statement fails here, naming its place.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Final

PACKAGE: Final = Path(__file__).resolve().parents[1] / "compliant_scraper"
SQL: Final = re.compile(
    r"\s*(SELECT\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s"
    r"|CREATE\s+(TABLE|INDEX|UNIQUE|VIEW|TRIGGER|DATABASE|ROLE|USER)\b"
    r"|DROP\s+(TABLE|INDEX|VIEW|TRIGGER|DATABASE)\b|ALTER\s+TABLE\s|PRAGMA\s|BEGIN\b|SAVEPOINT\s"
    r"|RELEASE\s+SAVEPOINT\s|ROLLBACK\b|COMMIT\b|VACUUM\b|ATTACH\s)",
    re.IGNORECASE,
)


def _texts(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if id(node) in pieces:  # a piece of an f-string: read with the whole string
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = (v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            found.append((node.lineno, "".join(str(p) for p in parts)))
    return found


def sql_outside_store(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] == "store":
            continue
        for line, text in _texts(ast.parse(path.read_text("utf-8"), str(path))):
            if SQL.match(text) and text.strip().split()[0].isupper():
                out.append(f"{rel}:{line}: {text.strip()[:60]!r}")
    return out


def test_no_sql_outside_store() -> None:
    assert sql_outside_store(PACKAGE) == []


def test_the_check_finds_sql(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "ok.py").write_text('Q = "SELECT 1"\n')
    (tmp_path / "tooling.py").write_text(
        'A = "SELECT id FROM contacts"\nB = f"DELETE FROM {t} WHERE id = ?"\n'
        'C = "Select the purpose"\nD = "BEGIN IMMEDIATE"\n'
    )
    assert sql_outside_store(tmp_path) == [
        "tooling.py:1: 'SELECT id FROM contacts'",
        "tooling.py:2: 'DELETE FROM {} WHERE id = ?'",
        "tooling.py:4: 'BEGIN IMMEDIATE'",
    ]
