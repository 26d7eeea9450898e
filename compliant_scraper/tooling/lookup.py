"""Find contacts by what a person or an auditor gives: a contact id, an email or a phone.

``parse_identifier`` reads ``12`` as a contact id, anything with ``@`` as an email, and the
rest as a phone number (national forms read in the default region). A prefix settles any
doubt: ``id:12``, ``email:...``, ``phone:...``. Emails and numbers are normalised exactly as
the crawl stores them (``values.emails``, ``values.phones``), so the lookup finds what the
crawl kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from ..store import contacts
from ..store.backend import Db
from ..values.emails import normalise_email
from ..values.phones import equivalent_e164, normalise_phone
from .base import ToolingError

Kind = Literal["id", "email", "phone"]
_PREFIXES: Final[tuple[Kind, ...]] = ("id", "email", "phone")
_MAX_ID_DIGITS: Final = 9  # longer digit strings are phone numbers (33612345678)


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier: a contact id, a canonical email, or an E.164 number."""

    kind: Kind
    value: str
    email_forms: tuple[str, ...] = ()  # lower-cased forms an email may be stored under

    def __str__(self) -> str:
        return f"contact {self.value}" if self.kind == "id" else f"{self.kind} {self.value}"


def parse_identifier(text: str, default_region: str = "FR") -> Identifier:
    """Read ``ID|EMAIL|PHONE`` (optionally prefixed ``id:``, ``email:``, ``phone:``)."""
    raw = text.strip()
    kind: Kind | None = None
    head, sep, tail = raw.partition(":")
    if sep and head.lower() in _PREFIXES:
        kind = _PREFIXES[_PREFIXES.index(head.lower())]
        raw = tail.strip()
    if kind is None:
        if "@" in raw:
            kind = "email"
        elif raw.isdigit() and not raw.startswith("0") and len(raw) <= _MAX_ID_DIGITS:
            kind = "id"
        else:
            kind = "phone"
    if kind == "id":
        if not raw.isdigit():
            raise ToolingError(f"{text!r} is not a contact id (a whole number)")
        return Identifier("id", str(int(raw)))
    if kind == "email":
        email = normalise_email(raw)
        if email.canonical is None or email.email is None:
            raise ToolingError(f"{text!r} is not a valid email address")
        forms = tuple(dict.fromkeys((email.canonical, email.email.lower())))
        return Identifier("email", email.canonical, forms)
    phone = normalise_phone(raw, default_region)
    if phone.e164 is None:
        raise ToolingError(
            f"{text!r} is not a contact id, a valid email address or a valid phone number"
        )
    return Identifier("phone", phone.e164)


def find_contacts(db: Db, ident: Identifier) -> list[dict[str, Any]]:
    """Every contact row the identifier names (one per purpose it was collected for)."""
    if ident.kind == "id":
        return contacts.by_id(db, int(ident.value))
    if ident.kind == "email":
        return contacts.by_email(db, ident.email_forms)
    # a number of the shared French plan may be stored under another country code
    return contacts.by_phone(db, equivalent_e164(ident.value))


def require_contacts(db: Db, ident: Identifier) -> list[dict[str, Any]]:
    found = find_contacts(db, ident)
    if not found:
        raise ToolingError(f"no contact matches {ident}")
    return found


def one_contact(db: Db, ident: Identifier) -> dict[str, Any]:
    """The single contact the identifier names; an error when none or several match."""
    found = require_contacts(db, ident)
    if len(found) > 1:
        ids = ", ".join(str(c["id"]) for c in found)
        raise ToolingError(f"{ident} matches {len(found)} contacts (ids {ids}): give one id")
    return found[0]


def contact_by_id(db: Db, contact_id: int) -> dict[str, Any]:
    return one_contact(db, Identifier("id", str(contact_id)))
