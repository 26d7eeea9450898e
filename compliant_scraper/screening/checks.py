"""The objection checks a contact passes, at collection and again at export (R7, R8, R9).

One reading for both: the crawl's processor drops what they catch, an export leaves it out.
The suppression list and the opposition screen are handed in (``store.screening`` opens
them), so this module stays pure.

Numbers and addresses written in other fields ("Commerciale - 06 12 34 56 78" in a job
title) are identifiers too: ``found_in_text`` finds them (``values.identifiers``),
``suppressed_in_text`` and ``listed_in_text`` check them (issue 10 item 10).
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Any, Protocol

from ..opposition.suppression import POSTAL
from ..values.fields import BOOKKEEPING, BY_NAME, DERIVED, IDENTIFIERS
from ..values.identifiers import Found, find_identifiers
from ..values.persons import postal_key

# Values not searched for numbers and addresses: the identifier fields themselves (read by
# their normalisers), codes (postal code, country), derived values and bookkeeping keys.
# Every other key is, including those a purpose does not keep (a bio).
NOT_SEARCHED: frozenset[str] = (
    BOOKKEEPING
    | frozenset(DERIVED)
    | frozenset(IDENTIFIERS)
    | frozenset(n for n, f in BY_NAME.items() if f.role == "purpose" and not f.text)
)


class Suppression(Protocol):
    def is_suppressed(self, kind: str, value: str) -> bool: ...

    def any_suppressed(self, identifiers: Sequence[tuple[str, str]]) -> bool:
        """Is any of these (kind, value) on the list? (one lookup for an item's identifiers)"""
        ...


def suppressed(contact: Mapping[str, Any], suppression: Suppression) -> bool:
    """Is any identifier of the contact (email, phone, or name plus postal address) on the
    list? (R8; also used with the retention markers, which answer the same question)"""
    identifiers = [(kind, str(v)) for kind in IDENTIFIERS if (v := contact.get(kind))]
    key = postal_key(contact)
    if key is not None:
        identifiers.append((POSTAL, key))
    return bool(identifiers) and suppression.any_suppressed(identifiers)


def on_opposition_list(phone: Any, opposition: Container[str] | None) -> bool:
    """Is this E.164 number on one of the opposition lists in force? (R7)"""
    return bool(phone) and opposition is not None and str(phone) in opposition


def found_in_text(contact: Mapping[str, Any], default_region: str) -> dict[str, Found]:
    """The numbers and addresses written in each searched text value, by field."""
    found: dict[str, Found] = {}
    for key, value in contact.items():
        if key not in NOT_SEARCHED and isinstance(value, str):
            hit = find_identifiers(value, default_region)
            if hit:
                found[key] = hit
    return found


def suppressed_in_text(found: Mapping[str, Found], suppression: Suppression) -> str | None:
    """The first field holding a number or address on the suppression list (R8), or None."""
    every = [("email", e) for hit in found.values() for e in hit.emails]
    every += [("phone", p) for hit in found.values() for p in hit.phones]
    if not every or not suppression.any_suppressed(every):  # one lookup; then which field
        return None
    check = suppression.is_suppressed
    for field, hit in found.items():
        if any(check("email", e) for e in hit.emails) or any(check("phone", p) for p in hit.phones):
            return field
    return None


def listed_in_text(
    found: Mapping[str, Found], opposition: Container[str] | None, fields: Container[str]
) -> list[str]:
    """The fields (among ``fields``) holding a number on an opposition list in force (R7)."""
    if opposition is None:
        return []
    return [
        field
        for field, hit in found.items()
        if field in fields and any(p in opposition for p in hit.phones)
    ]


def export_exclusion(
    contact: Mapping[str, Any],
    today: str,
    suppression: Suppression,
    opposition: Container[str] | None,
    default_region: str = "FR",
) -> str | None:
    """Why a stored contact may not be exported on ``today`` (ISO date), or None.

    ``restricted`` (Art. 18), ``past_retention`` (R9), ``suppressed`` (R8),
    ``opposition_list`` (R7), or ``invalid_phone`` for a stored number the screen cannot read
    (fail closed).
    """
    if contact.get("restricted_at"):
        return "restricted"
    until = contact.get("retention_until")
    if until and str(until) < today:
        return "past_retention"
    found = found_in_text(contact, default_region)
    if suppressed(contact, suppression) or suppressed_in_text(found, suppression):
        return "suppressed"
    try:
        if on_opposition_list(contact.get("phone"), opposition):
            return "opposition_list"
    except ValueError:
        return "invalid_phone"
    if listed_in_text(found, opposition, contact):  # stored before the list was imported
        return "opposition_list"
    return None
