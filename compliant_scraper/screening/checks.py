"""The objection checks a contact passes, at collection and again at export (R7, R8, R9).

One reading for both: the crawl's processor drops what they catch, an export leaves it out.
The suppression list and the opposition screen are handed in (``store.screening`` opens
them), so this module stays pure.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from typing import Any, Protocol

from ..values.fields import IDENTIFIERS


class Suppression(Protocol):
    def is_suppressed(self, kind: str, value: str) -> bool: ...


def suppressed(contact: Mapping[str, Any], suppression: Suppression) -> bool:
    """Is any identifier of the contact (email, phone) on the suppression list? (R8)"""
    for kind in IDENTIFIERS:
        value = contact.get(kind)
        if value and suppression.is_suppressed(kind, str(value)):
            return True
    return False


def on_opposition_list(phone: Any, opposition: Container[str] | None) -> bool:
    """Is this E.164 number on one of the opposition lists in force? (R7)"""
    return bool(phone) and opposition is not None and str(phone) in opposition


def export_exclusion(
    contact: Mapping[str, Any],
    today: str,
    suppression: Suppression,
    opposition: Container[str] | None,
) -> str | None:
    """Why a stored contact may not be exported on ``today`` (ISO date), or None.

    ``past_retention`` (R9), ``suppressed`` (R8), ``opposition_list`` (R7), or
    ``invalid_phone`` for a stored number the screen cannot read (fail closed).
    """
    until = contact.get("retention_until")
    if until and str(until) < today:
        return "past_retention"
    if suppressed(contact, suppression):
        return "suppressed"
    try:
        if on_opposition_list(contact.get("phone"), opposition):
            return "opposition_list"
    except ValueError:
        return "invalid_phone"
    return None
