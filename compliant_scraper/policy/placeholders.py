"""Placeholders of the starter registry (``compliant-scraper init``, issue 14 item 1).

The starter files hold ``"FILL IN: ..."`` where only the controller knows the answer (its
name, its offer, who reviewed a site's terms). A value that still holds the marker is a
``policy validate`` problem naming the key and what to write, and the registry does not load,
so no crawl starts on a half-filled registry. The problems the other checks would raise on
the same key (a placeholder is not a URL, not a date, not an existing file) are left out:
one message per key to fill in, not three.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ..errors import Problem

MARKER: Final = "FILL IN"


def find(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) of every string value that still holds the marker."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from find(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}")
    elif isinstance(data, list):
        for value in data:
            yield from find(value, prefix)
    elif isinstance(data, str) and MARKER in data:
        yield prefix, data


def problems(file: str, data: Any) -> list[Problem]:
    """One problem per key of ``file`` that still holds a placeholder."""
    seen: dict[str, Problem] = {}
    for key, text in find(data):
        what = text.split(MARKER, 1)[1].lstrip(" :")
        seen.setdefault(key, Problem(file, key, f"placeholder to fill in: {what}"))
    return list(seen.values())


def without_echoes(found: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """``found`` without the other checks' problems on keys that hold a placeholder."""
    keys = {(p.file, p.field) for p in placeholders}
    return [p for p in found if p in placeholders or (p.file, p.field) not in keys]
