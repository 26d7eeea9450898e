"""Minimisation (R4, GDPR Art. 5(1)(c)): keep only what the declared purpose needs."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..policy.model import Purpose
from ..values.fields import BOOKKEEPING, DERIVED

# Bookkeeping keys describe the record rather than the person: never dropped, never stored as
# values. Derived values travel with the field they come from (the class of an email, the
# type of a number). Both lists come from the field table.


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


def minimise(item: Mapping[str, Any], purpose: Purpose) -> tuple[dict[str, Any], list[str]]:
    """Split ``item`` into what the purpose keeps and the names of the non-empty fields it drops.

    Bookkeeping keys are kept. A derived key is kept when its source field is kept.
    """
    allowed = _kept_keys(purpose.fields)
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in item.items():
        if key in allowed:
            kept[key] = value
        elif value is not None and value != "" and not is_empty(value):
            dropped.append(key)
    return kept, dropped


@lru_cache(maxsize=64)
def _kept_keys(fields: tuple[str, ...]) -> frozenset[str]:
    """The keys a purpose keeps: its fields, the bookkeeping keys, the fields' derived keys."""
    derived = {key for key, source in DERIVED.items() if source in fields}
    return frozenset(fields) | BOOKKEEPING | derived
