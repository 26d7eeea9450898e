"""One person, every record (issue 13 item 1; R8, R12): the linked set a right acts on.

An objection "covers the person, not one record" (Art. 21(2)-(3)): the person's records in
every purpose are found by closure. Starting from what the person gave (an id, an email, a
phone), a record is linked when it shares a normalised email or an E.164 number with a record
already linked, or has the same folded name together with the same organisation or the same
postal address (``values.persons.same_person``). Each linked record says why it was linked.

Decision: no fuzzy matching (initials, nicknames, edit distance). A wrong link discloses or
erases a stranger's data; a missed link is caught by the suppression list, which also keeps
the name plus postal address of any record reached by post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..opposition.suppression import POSTAL
from ..store import contacts
from ..store.backend import Db
from ..values.fields import IDENTIFIERS
from ..values.persons import organisation, person_name, postal_address, postal_key
from .base import ToolingError
from .lookup import Identifier, find_contacts


@dataclass(frozen=True)
class Person:
    """The records of one person, why each was linked, and every identifier they hold."""

    query: Identifier
    records: list[dict[str, Any]]  # by id
    linked_by: dict[int, str]  # contact id -> "id", "email", "phone", "name+organization"...
    identifiers: list[tuple[str, str]]  # (kind, value): email, phone, postal

    @property
    def ids(self) -> list[int]:
        return [int(c["id"]) for c in self.records]

    def describe(self, contact_id: int) -> str:
        """``contact 2 (b2b_phone, linked by name+organization)``."""
        record = next(c for c in self.records if int(c["id"]) == contact_id)
        return f"contact {contact_id} ({record['purpose']}, linked by {self.linked_by[contact_id]})"


def _stored(kind: str, value: str) -> Identifier:
    """An identifier for a value as stored (already normalised)."""
    if kind == "email":
        return Identifier("email", value.lower(), (value.lower(),))
    return Identifier("phone", value)


def _link_reason(a: dict[str, Any], b: dict[str, Any]) -> str | None:
    name = person_name(a)
    if not name or name != person_name(b):
        return None
    if organisation(a) and organisation(a) == organisation(b):
        return "name+organization"
    if postal_address(a) and postal_address(a) == postal_address(b):
        return "name+address"
    return None


def find_person(db: Db, ident: Identifier, *, require: bool = False) -> Person:
    """The linked set of records of the person ``ident`` names (empty when none is held;
    with ``require``, a ``ToolingError`` then)."""
    identifiers: dict[tuple[str, str], None] = {}
    if ident.kind != "id":
        identifiers[(ident.kind, ident.value)] = None
    found: dict[int, dict[str, Any]] = {}
    linked_by: dict[int, str] = {}
    for c in find_contacts(db, ident):
        found[int(c["id"])] = c
        linked_by[int(c["id"])] = ident.kind
    if require and not found:
        raise ToolingError(f"no contact matches {ident}")
    by_name: dict[str, list[dict[str, Any]]] = {}
    while True:
        more: dict[int, tuple[dict[str, Any], str]] = {}
        for contact in found.values():
            for kind in IDENTIFIERS:
                if contact.get(kind):
                    identifiers[(kind, str(contact[kind]))] = None
            key = postal_key(contact)
            if key:
                identifiers[(POSTAL, key)] = None
            name = person_name(contact)
            if name:
                if name not in by_name:
                    by_name[name] = contacts.by_name_key(db, name)
                for candidate in by_name[name]:
                    cid = int(candidate["id"])
                    reason = _link_reason(contact, candidate)
                    if cid not in found and cid not in more and reason:
                        more[cid] = (candidate, reason)
        for kind, value in list(identifiers):
            if kind == POSTAL:
                continue
            for c in find_contacts(db, _stored(kind, value)):
                cid = int(c["id"])
                if cid not in found and cid not in more:
                    more[cid] = (c, kind)
        if not more:
            break
        for cid, (c, reason) in more.items():
            found[cid] = c
            linked_by[cid] = reason
    records = [found[k] for k in sorted(found)]
    return Person(ident, records, linked_by, list(identifiers))
