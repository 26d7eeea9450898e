"""docs/reference.md (and the settings table of docs/settings.md) name every setting, request
meta key, stats key and finish reason the code uses (issue 11, "Docs").

The names are read from the package's source with ``ast``: every string constant that looks
like ``COMPLIANCE_NAME`` (a setting), ``compliance_name`` (a meta key or a finish reason) or
``compliance/a/b`` (a stats key; ``{}`` marks a family, written ``<...>`` in the docs).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Final

from compliant_scraper.config import DEFAULTS

ROOT: Final = Path(__file__).resolve().parents[1]
REFERENCE: Final = (ROOT / "docs" / "reference.md").read_text("utf-8")
SETTINGS: Final = (ROOT / "docs" / "settings.md").read_text("utf-8")

_SETTING = re.compile(r"COMPLIANCE_[A-Z0-9_]+")
_META = re.compile(r"compliance_[a-z0-9_]+")
_STATS = re.compile(r"compliance/[a-z0-9_/{}]+")


@functools.cache
def _constants() -> frozenset[str]:
    found = set()
    for path in (ROOT / "compliant_scraper").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return frozenset(found)


def names_in_source(pattern: re.Pattern[str]) -> set[str]:
    return {value for value in _constants() if pattern.fullmatch(value)}


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| `")]


def _documented(name: str, text: str) -> bool:
    """``name`` opens a table row (a stats family's ``{}`` written as ``<word>``)."""
    wanted = re.escape(name).replace(r"\{\}", "<[a-z_]+>")
    return any(re.match(rf"\| `{wanted}`", row) for row in _rows(text))


def test_the_source_walk_finds_names() -> None:
    assert "COMPLIANCE_DB" in names_in_source(_SETTING)
    assert "compliance_decision" in names_in_source(_META)
    assert "compliance/refused/{}" in names_in_source(_STATS)


def test_every_setting_is_in_the_settings_table() -> None:
    names = names_in_source(_SETTING) | set(DEFAULTS)
    missing = sorted(n for n in names if not _documented(n, SETTINGS + REFERENCE))
    assert missing == [], "add a row to the settings table of docs/settings.md"


def test_every_meta_key_and_finish_reason_is_in_the_reference() -> None:
    missing = sorted(n for n in names_in_source(_META) if not _documented(n, REFERENCE))
    assert missing == [], "add a row to docs/reference.md"


def test_every_stats_key_is_in_the_reference() -> None:
    missing = sorted(n for n in names_in_source(_STATS) if not _documented(n, REFERENCE))
    assert missing == [], "add a row to the stats table of docs/reference.md"


def test_a_family_matches_only_its_own_rows() -> None:
    text = "| `compliance/refused/<stage>` | 0 | x |\n"
    assert _documented("compliance/refused/{}", text)
    assert not _documented("compliance/refused", text)
    assert not _documented("compliance/dropped/{}", text)
