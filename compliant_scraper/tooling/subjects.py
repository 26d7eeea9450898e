"""Data-subject requests (R5, R8, R9): access, erasure, objection, rectification, contact.

- ``access``: everything held about the person and where it came from.
- ``erase`` / ``object``: the person's email and phone go on the suppression list first
  (keyed hashes, so a later crawl never collects them again), then the contacts, their sources
  and events are deleted and taken out of past exports. What remains is what the audit trail
  needs: the keyed hashes, the audit-log row, the notice ledger, the export rows marked removed.
- ``rectify``: one field, validated and normalised as the crawl would.
- ``contacted``: a contact *from* the person (reply, click, call), the only event that moves
  ``retention_until`` (R9): to the contact date plus three years, never earlier.

Each action is one audit-log row holding keyed hashes and ids, never an email or a phone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Final

from ..clock import day_of, utcnow
from ..law import after_contact
from ..opposition.lists import OnProgress
from ..store import audit_log, contacts, events, exports, notices
from ..store.backend import Db
from ..store.suppression import SuppressionList
from ..store.transaction import transaction
from ..values import fields
from .base import ToolingError
from .export_amend import Amendment, mark_removed, rewrite_files
from .lookup import Identifier, find_contacts, one_contact
from .source_trail import sources_of

CONTACTED_HOW: Final = ("reply", "click", "call")
RECTIFIABLE: Final = fields.RECTIFIABLE


def _identifier_log(ident: Identifier, suppression: SuppressionList) -> dict[str, str]:
    """How the audit log names what the person gave: an id, or a keyed hash."""
    if ident.kind == "id":
        return {"kind": "id", "value": ident.value}
    return {"kind": ident.kind, "hash": suppression.digest(ident.kind, ident.value)}


def access(db: Db, suppression: SuppressionList, ident: Identifier) -> dict[str, Any]:
    """Everything held about the person (Art. 15), as a JSON-ready dict."""
    found, _ = person_contacts(db, ident)
    if not found and ident.kind == "id":
        raise ToolingError(f"no contact matches {ident}")
    held: list[dict[str, Any]] = []
    for contact in found:
        cid = int(contact["id"])
        held.append(
            {
                "contact": contact,
                "sources": [asdict(s) for s in sources_of(db, cid)],
                "notices": notices.of_contact(db, cid),
                "events": events.of_contact(db, cid),
                "exports": exports.of_contact(db, cid),
            }
        )
    suppressed = ident.kind != "id" and suppression.is_suppressed(ident.kind, ident.value)
    with transaction(db):
        audit_log.append(
            db,
            "subject_access",
            {
                "identifier": _identifier_log(ident, suppression),
                "contact_ids": [c["contact"]["id"] for c in held],
            },
        )
    return {
        "generated_at": utcnow(),
        "query": str(ident),
        "on_suppression_list": suppressed,
        "contacts": held,
    }


@dataclass(frozen=True)
class Removal:
    """What ``erase`` or ``object`` did."""

    action: str
    contact_ids: list[int]
    suppressed: list[str]  # kinds of identifier put on (or already on) the suppression list
    amendments: list[Amendment] = field(default_factory=list)
    unrecognisable: bool = False  # nothing to suppress: a later crawl could collect it again


def person_contacts(
    db: Db, ident: Identifier
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], None]]:
    """Every contact of the person (one per purpose, linked by email or phone) and every
    email and phone they hold: an erasure or objection covers them all."""
    identifiers: dict[tuple[str, str], None] = {}
    if ident.kind != "id":
        identifiers[(ident.kind, ident.value)] = None
    found: dict[int, dict[str, Any]] = {int(c["id"]): c for c in find_contacts(db, ident)}
    while True:
        for contact in found.values():
            for kind in fields.IDENTIFIERS:
                if contact.get(kind):
                    identifiers[(kind, str(contact[kind]))] = None
        more = {
            int(c["id"]): c
            for kind, value in identifiers
            for c in find_contacts(db, _stored(kind, value))
            if int(c["id"]) not in found
        }
        if not more:
            return [found[k] for k in sorted(found)], identifiers
        found.update(more)


def _stored(kind: str, value: str) -> Identifier:
    """An identifier for a value as stored (already normalised)."""
    if kind == "email":
        return Identifier("email", value.lower(), (value.lower(),))
    return Identifier("phone", value)


def remove_person(
    db: Db,
    suppression: SuppressionList,
    ident: Identifier,
    *,
    action: str,
    on_progress: OnProgress | None = None,
) -> Removal:
    """``erase`` (reason ``erasure``) or ``object`` (reason ``objection``) the person."""
    reason = {"erase": "erasure", "object": "objection"}[action]
    failed: Exception | None = None
    # One write transaction for the lookup, the suppression and the deletion (issue 10
    # item 6). On SQLite its write lock serialises it with every crawl's batch: a batch
    # either committed before (its contacts are found and deleted here) or commits after
    # (it reads the suppression list inside its own transaction and stores nothing of the
    # person). On PostgreSQL each add holds the identifier's lock, which every contact
    # writer takes too (store.contacts.store), so the person's contacts are looked up
    # again once their identifiers are listed: a contact a crawl stored meanwhile (its
    # writer held the lock first) is seen, and none can be stored after. The deletion is a
    # savepoint: if it fails, the suppression is still committed, so the person is at least
    # never collected again.
    with transaction(db):
        found, identifiers = person_contacts(db, ident)
        if not found and ident.kind == "id":
            raise ToolingError(f"no contact matches {ident}")
        hashes: list[dict[str, str]] = []
        done: set[tuple[str, str]] = set()
        while new := [pair for pair in identifiers if pair not in done]:
            for kind, value in new:
                suppression.add(kind, value, reason)
                hashes.append({"kind": kind, "hash": suppression.digest(kind, value)})
                done.add((kind, value))
            found, identifiers = person_contacts(db, ident)
        ids = [int(c["id"]) for c in found]
        touched: dict[int, set[int]] = {}
        try:
            with transaction(db):
                touched = mark_removed(db, ids, reason)
                contacts.delete(db, ids)
                audit_log.append(
                    db,
                    f"subject_{action}",
                    {
                        "identifier": _identifier_log(ident, suppression),
                        "contact_ids": ids,
                        "suppressed": hashes,
                        "exports": sorted(touched),
                    },
                )
        except Exception as exc:  # raised again once the suppression is committed
            failed = exc
    if failed is not None:
        raise failed
    contacts.forget_deleted(db)
    amendments = rewrite_files(db, touched, reason, on_progress)
    kinds = list(dict.fromkeys(h["kind"] for h in hashes))
    return Removal(action, ids, kinds, amendments, not hashes)


def rectify(
    db: Db, contact_id: int, field_name: str, value: str, default_region: str = "FR"
) -> dict[str, Any]:
    """Set one field to ``value`` (empty clears it); returns the updated contact."""
    if field_name not in RECTIFIABLE:
        raise ToolingError(f"--field: expected one of {', '.join(RECTIFIABLE)}, got {field_name!r}")
    contact = one_contact(db, Identifier("id", str(contact_id)))
    updates = _validated(field_name, value.strip(), default_region)
    with transaction(db):
        contacts.update(db, contact_id, updates)
        events.add_rectified(db, contact_id, utcnow(), field_name)
        audit_log.append(db, "subject_rectify", {"contact_id": contact_id, "field": field_name})
    return {**contact, **updates}


def _validated(field_name: str, value: str, region: str) -> dict[str, str | None]:
    from ..values.emails import normalise_email
    from ..values.phones import normalise_phone

    if not value:
        if field_name == "kind":
            raise ToolingError("--value: kind cannot be empty (person or organization)")
        extra = fields.DERIVED_OF.get(field_name)
        return {field_name: None, **({extra: None} if extra else {})}
    if field_name == "kind" and value not in ("person", "organization"):
        raise ToolingError(f"--value: kind is person or organization, got {value!r}")
    if field_name == "country" and not (len(value) == 2 and value.isalpha()):
        raise ToolingError(f"--value: country is a two-letter code, got {value!r}")
    if field_name == "email":
        email = normalise_email(value)
        if email.email is None:
            raise ToolingError("--value: not a valid email address")
        return {"email": email.email, "email_kind": email.kind}
    if field_name == "phone":
        phone = normalise_phone(value, region)
        if not phone.ok:  # the store keeps valid numbers only (unallocated ones: R9)
            raise ToolingError("--value: not a valid phone number")
        return {"phone": phone.e164, "phone_type": phone.number_type}
    return {field_name: value.upper() if field_name == "country" else value}


def contacted(db: Db, contact_id: int, *, on: date, how: str, today: date) -> dict[str, Any]:
    """Record a contact from the person; move ``retention_until`` to ``on`` + 3 years if later."""
    if how not in CONTACTED_HOW:
        raise ToolingError(
            f"--how: expected one of {', '.join(CONTACTED_HOW)}, got {how!r} "
            "(opening an email is not a contact from the person, R9)"
        )
    contact = one_contact(db, Identifier("id", str(contact_id)))
    if on > today:
        raise ToolingError(f"--on: {on.isoformat()} is in the future (today is {today})")
    collected = day_of(str(contact["first_seen"]))
    if on < collected:
        raise ToolingError(
            f"--on: {on.isoformat()} is before the contact was collected ({collected})"
        )
    before = str(contact["retention_until"])
    after = after_contact(before, on)
    last = max(str(contact["last_contact_at"] or ""), on.isoformat())
    with transaction(db):
        contacts.update(db, contact_id, {"last_contact_at": last, "retention_until": after})
        events.add_contacted(db, contact_id, utcnow(), on=on, how=how, before=before, after=after)
        audit_log.append(
            db,
            "subject_contacted",
            {
                "contact_id": contact_id,
                "on": on.isoformat(),
                "how": how,
                "retention_before": before,
                "retention_after": after,
            },
        )
    return {**contact, "last_contact_at": last, "retention_until": after}
