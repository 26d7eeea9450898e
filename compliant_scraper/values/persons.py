"""How one person is recognised across records (issue 13, R8, R12): names and postal addresses.

Two records are the same person when they share a normalised email, an E.164 number, or the
same normalised name together with the same organisation or the same postal address. The
name, organisation and address are compared *folded*: case, accents and spacing removed
(``Jeanne  MARTIN`` = ``jeanne martin`` = ``Jéanne Martin``), nothing else (no nicknames, no
fuzzy match: a false link would erase or disclose someone else's data).

``postal_key`` is what the suppression list keeps for a postal purpose: the folded name plus
postal address, the least that recognises the person on that channel (R8). It is only ever
stored as a keyed hash.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from .fields import NAME_FIELDS


@lru_cache(maxsize=65536)  # names and organisations repeat across a directory's pages
def fold(text: str) -> str:
    """Case, accents and runs of spaces removed: what names and addresses are compared on."""
    if text.isascii():  # NFKD leaves ASCII as it is and it has no combining marks (issue 16)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def person_name(contact: Mapping[str, Any]) -> str:
    """The folded name of a record: ``name``, else ``given_name family_name``; '' if none."""
    first, *parts = NAME_FIELDS  # "name", then "given_name", "family_name"
    name = contact.get(first) or " ".join(str(contact[k]) for k in parts if contact.get(k))
    return fold(str(name)) if name else ""


def organisation(contact: Mapping[str, Any]) -> str:
    value = contact.get("organization")
    return fold(str(value)) if value else ""


def postal_address(contact: Mapping[str, Any]) -> str:
    """The folded street address with its postal code (else locality); '' when incomplete."""
    street = contact.get("street_address")
    place = contact.get("postal_code") or contact.get("locality")
    if not street or not place:
        return ""
    return f"{fold(str(street))}|{fold(str(place))}"


def postal_key(contact: Mapping[str, Any]) -> str | None:
    """Name plus postal address (what recognises the person by post), or None."""
    name, address = person_name(contact), postal_address(contact)
    return f"{name}|{address}" if name and address else None


def same_person(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same folded name, and the same organisation or the same postal address."""
    name = person_name(a)
    if not name or name != person_name(b):
        return False
    org = organisation(a)
    if org and org == organisation(b):
        return True
    address = postal_address(a)
    return bool(address) and address == postal_address(b)
