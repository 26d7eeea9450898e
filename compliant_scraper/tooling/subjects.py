"""Data-subject requests (R5, R8, R9, R12): access, erasure, objection, restriction,
rectification, contact from the person, recipients told.

Every right acts on the person, not on one record (``person.find_person``: the records linked
by email, phone, or name plus organisation or postal address), and reports each record it
touched.

- ``access``: everything held about the person and where it came from.
- ``erase`` / ``object``: every identifier of every linked record (email, phone, and name plus
  postal address) goes on the suppression list first (keyed hashes, so a later crawl under any
  purpose never collects them again), then the records, their sources and events are deleted
  and taken out of past exports. An erasure also deletes the person's ``drops`` and
  ``refusals`` rows (``crawl_records``: of their source pages, and those whose URL names them),
  which ``access`` lists. What remains is what the audit trail needs.
- ``restrict`` / ``unrestrict`` (Art. 18): the records are kept but not used: no export, no
  update by a crawl; ``audit`` lists them.
- ``rectify``: one field, validated and normalised as the crawl would, on every linked record
  that holds it.
- ``contacted``: a contact *from* the person (reply, click, call), the only event that moves
  ``retention_until`` (R9), and that lifts the retention markers of a purged person.
- Art. 19: rectification, erasure and objection record one ``recipient_notified`` step per
  external recipient that received a linked record (``exports``); ``notified`` closes it.

Each action is one audit-log row holding keyed hashes and ids, never an email or a phone; with
a request (``requests``), the same transaction closes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Final

from ..clock import day_of, today_utc, utcnow
from ..law import after_contact
from ..opposition.lists import OnProgress
from ..store import (
    audit_log,
    contacts,
    events,
    exports,
    notices,
    recipient_steps,
    record_expiry,
    retention_markers,
)
from ..store.backend import Db
from ..store.suppression import SuppressionList
from ..store.transaction import transaction
from ..values import fields
from . import crawl_records, requests
from .base import ToolingError
from .export_amend import Amendment, mark_removed, rewrite_files
from .lookup import Identifier
from .person import Person, find_person
from .source_trail import sources_of

CONTACTED_HOW: Final = ("reply", "click", "call")
RECTIFIABLE: Final = fields.RECTIFIABLE
RESTRICT_REASON_MAX: Final = 500


def _identifier_log(ident: Identifier, suppression: SuppressionList) -> dict[str, str]:
    """How the audit log names what the person gave: an id, or a keyed hash."""
    if ident.kind == "id":
        return {"kind": "id", "value": ident.value}
    return {"kind": ident.kind, "hash": suppression.digest(ident.kind, ident.value)}


def _require(person: Person) -> None:
    if not person.records and person.query.kind == "id":
        raise ToolingError(f"no contact matches {person.query}")


def access(
    db: Db,
    suppression: SuppressionList,
    ident: Identifier,
    *,
    request_id: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Everything held about the person (Art. 15), as a JSON-ready dict."""
    request = requests.check(db, request_id, "access")
    person = find_person(db, ident)
    _require(person)
    held: list[dict[str, Any]] = []
    for contact in person.records:
        cid = int(contact["id"])
        held.append(
            {
                "contact": contact,
                "linked_by": person.linked_by[cid],
                "restricted": contact.get("restricted_at") is not None,
                "sources": [asdict(s) for s in sources_of(db, cid)],
                "notices": notices.of_contact(db, cid),
                "events": events.of_contact(db, cid),
                "exports": exports.of_contact(db, cid),
            }
        )
    suppressed = ident.kind != "id" and suppression.is_suppressed(ident.kind, ident.value)
    about = record_expiry.rows_of(db, crawl_records.of_person(db, person, suppression))
    with transaction(db):
        audit_log.append(
            db,
            "subject_access",
            {
                "identifier": _identifier_log(ident, suppression),
                "contact_ids": person.ids,
                **({"request_id": request.id} if request else {}),
            },
        )
        requests.close(db, request, "access", person.ids, today or today_utc())
    return {
        "generated_at": utcnow(),
        "query": str(ident),
        "on_suppression_list": suppressed,
        "contacts": held,
        "crawl_records": about,
    }


@dataclass(frozen=True)
class Step:
    """One external recipient to tell (Art. 19), for one record."""

    contact_id: int
    recipient: str
    export_ids: list[int]


@dataclass(frozen=True)
class Removal:
    """What ``erase`` or ``object`` did."""

    action: str
    person: Person
    suppressed: list[str]  # kinds of identifier put on (or already on) the suppression list
    amendments: list[Amendment] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    records_deleted: dict[str, int] = field(default_factory=dict)  # drops, refusals rows
    unrecognisable: bool = False  # nothing to suppress: a later crawl could collect it again

    @property
    def contact_ids(self) -> list[int]:
        return self.person.ids


def person_contacts(
    db: Db, ident: Identifier
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], None]]:
    """Every record of the person and every identifier they hold (see ``find_person``)."""
    person = find_person(db, ident)
    return person.records, dict.fromkeys(person.identifiers)


def _record_steps(
    db: Db, contact_ids: list[int], action: str, request_id: int | None
) -> list[Step]:
    """Inside the caller's transaction: one open step per (record, external recipient)."""
    steps = []
    at = utcnow()
    for cid, held_by in recipient_steps.recipients_of(db, contact_ids).items():
        for recipient, export_ids in held_by.items():
            recipient_steps.add(db, cid, recipient, export_ids, action, at, request_id)
            steps.append(Step(cid, recipient, export_ids))
    return steps


def _step_log(steps: list[Step]) -> list[dict[str, Any]]:
    return [{"contact_id": s.contact_id, "recipient": s.recipient} for s in steps]


def remove_person(
    db: Db,
    suppression: SuppressionList,
    ident: Identifier,
    *,
    action: str,
    request_id: int | None = None,
    today: date | None = None,
    on_progress: OnProgress | None = None,
) -> Removal:
    """``erase`` (reason ``erasure``) or ``object`` (reason ``objection``) the person."""
    reason = {"erase": "erasure", "object": "objection"}[action]
    request = requests.check(db, request_id, action)
    failed: Exception | None = None
    # One write transaction for the lookup, the suppression and the deletion (issue 10
    # item 6). On SQLite its write lock serialises it with every crawl's batch: a batch
    # either committed before (its contacts are found and deleted here) or commits after
    # (it reads the suppression list inside its own transaction and stores nothing of the
    # person). On PostgreSQL each add holds the identifier's lock, which every contact
    # writer takes too (store.contacts.store), so the person's records are looked up
    # again once their identifiers are listed: a record a crawl stored meanwhile (its
    # writer held the lock first) is seen, and none can be stored after. The deletion is a
    # savepoint: if it fails, the suppression is still committed, so the person is at least
    # never collected again.
    with transaction(db):
        person = find_person(db, ident)
        _require(person)
        hashes: list[dict[str, str]] = []
        done: set[tuple[str, str]] = set()
        while new := [pair for pair in person.identifiers if pair not in done]:
            for kind, value in new:
                suppression.add(kind, value, reason)
                hashes.append({"kind": kind, "hash": suppression.digest(kind, value)})
                done.add((kind, value))
            person = find_person(db, ident)
        ids = person.ids
        touched: dict[int, set[int]] = {}
        deleted: dict[str, int] = {}
        steps: list[Step] = []
        try:
            with transaction(db):
                steps = _record_steps(db, ids, action, request.id if request else None)
                if action == "erase":
                    deleted = record_expiry.delete_ids(
                        db, crawl_records.of_person(db, person, suppression)
                    )
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
                        "recipient_notified": _step_log(steps),
                        **({"records_deleted": deleted} if action == "erase" else {}),
                        **({"request_id": request.id} if request else {}),
                    },
                )
                requests.close(db, request, action, ids, today or today_utc())
        except Exception as exc:  # raised again once the suppression is committed
            failed = exc
    if failed is not None:
        raise failed
    contacts.forget_deleted(db)
    amendments = rewrite_files(db, touched, reason, on_progress)
    kinds = list(dict.fromkeys(h["kind"] for h in hashes))
    return Removal(action, person, kinds, amendments, steps, deleted, not hashes)


def restrict(
    db: Db,
    ident: Identifier,
    reason: str,
    *,
    request_id: int | None = None,
    today: date | None = None,
) -> Person:
    """Restrict every linked record (Art. 18): kept, not exported, not updated by a crawl."""
    reason = " ".join(reason.split())
    if not reason:
        raise ToolingError("--reason: say why the processing is restricted (Art. 18(1))")
    if len(reason) > RESTRICT_REASON_MAX:
        raise ToolingError(f"--reason: at most {RESTRICT_REASON_MAX} characters")
    request = requests.check(db, request_id, "restrict")
    person = find_person(db, ident, require=True)
    with transaction(db):
        contacts.restrict(db, person.ids, utcnow(), reason)
        audit_log.append(
            db,
            "subject_restrict",
            {"contact_ids": person.ids, **({"request_id": request.id} if request else {})},
        )
        requests.close(db, request, "restrict", person.ids, today or today_utc())
    return find_person(db, ident)


def unrestrict(
    db: Db, ident: Identifier, *, request_id: int | None = None, today: date | None = None
) -> Person:
    """Lift the restriction of every linked record."""
    request = requests.check(db, request_id, "unrestrict")
    person = find_person(db, ident, require=True)
    ids = [int(c["id"]) for c in person.records if c.get("restricted_at")]
    if not ids:
        raise ToolingError(f"{person.query}: no restricted record")
    with transaction(db):
        contacts.unrestrict(db, ids)
        audit_log.append(
            db,
            "subject_unrestrict",
            {"contact_ids": ids, **({"request_id": request.id} if request else {})},
        )
        requests.close(db, request, "unrestrict", ids, today or today_utc())
    return find_person(db, ident)


@dataclass(frozen=True)
class Rectified:
    person: Person
    contact_ids: list[int]  # the linked records that were changed
    steps: list[Step]


def rectify(
    db: Db,
    ident: Identifier,
    field_name: str,
    value: str,
    default_region: str = "FR",
    *,
    request_id: int | None = None,
    today: date | None = None,
) -> Rectified:
    """Set one field to ``value`` (empty clears it) on the record ``ident`` names and on every
    linked record that holds that field."""
    if field_name not in RECTIFIABLE:
        raise ToolingError(f"--field: expected one of {', '.join(RECTIFIABLE)}, got {field_name!r}")
    updates = _validated(field_name, value.strip(), default_region)
    request = requests.check(db, request_id, "rectify")
    person = find_person(db, ident, require=True)
    named = {int(c["id"]) for c in person.records if person.linked_by[int(c["id"])] == ident.kind}
    ids = [int(c["id"]) for c in person.records if int(c["id"]) in named or c.get(field_name)]
    with transaction(db):
        for cid in ids:
            contacts.update(db, cid, updates)
            events.add_rectified(db, cid, utcnow(), field_name)
        steps = _record_steps(db, ids, "rectify", request.id if request else None)
        audit_log.append(
            db,
            "subject_rectify",
            {
                "contact_ids": ids,
                "field": field_name,
                "recipient_notified": _step_log(steps),
                **({"request_id": request.id} if request else {}),
            },
        )
        requests.close(db, request, "rectify", ids, today or today_utc())
    return Rectified(person, ids, steps)


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


def notified(
    db: Db, contact_id: int, recipient: str, *, request_id: int | None = None, today: date
) -> list[int]:
    """Mark the open Art. 19 steps of (record, recipient) done; the step ids closed."""
    request = requests.check(db, request_id, "notified")
    with transaction(db):
        closed = recipient_steps.mark_notified(db, contact_id, recipient, utcnow())
        if not closed:
            pending = [
                s["recipient"]
                for s in recipient_steps.of_contact(db, contact_id)
                if s["notified_at"] is None
            ]
            raise ToolingError(
                f"no open recipient_notified step for contact {contact_id} and {recipient!r}"
                + (f" (open: {', '.join(sorted(set(pending)))})" if pending else "")
            )
        audit_log.append(
            db,
            "recipient_notified",
            {
                "contact_id": contact_id,
                "recipient": recipient,
                "steps": closed,
                **({"request_id": request.id} if request else {}),
            },
        )
        requests.close(db, request, "notified", [contact_id], today)
    return closed


def contacted(
    db: Db,
    suppression: SuppressionList | None,
    ident: Identifier,
    *,
    on: date,
    how: str,
    today: date,
    request_id: int | None = None,
) -> dict[str, Any]:
    """Record a contact from the person; move ``retention_until`` to ``on`` + 3 years if later.

    For a person no longer held (purged at the end of retention), give their email or phone:
    the contact lifts the retention markers that keep them out of later crawls (R9).
    """
    if how not in CONTACTED_HOW:
        raise ToolingError(
            f"--how: expected one of {', '.join(CONTACTED_HOW)}, got {how!r} "
            "(opening an email is not a contact from the person, R9)"
        )
    if on > today:
        raise ToolingError(f"--on: {on.isoformat()} is in the future (today is {today})")
    request = requests.check(db, request_id, "contacted")
    person = find_person(db, ident)
    if not person.records:
        if ident.kind == "id" or suppression is None:
            raise ToolingError(f"no contact matches {ident}")
        return _lift_markers(db, suppression, ident, on, how, request, today)
    contact = person.records[0] if ident.kind == "id" else None
    if contact is None:
        contact = next(c for c in person.records if person.linked_by[int(c["id"])] == ident.kind)
    contact_id = int(contact["id"])
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
                **({"request_id": request.id} if request else {}),
            },
        )
        requests.close(db, request, "contacted", [contact_id], today)
    return {**contact, "last_contact_at": last, "retention_until": after}


def _lift_markers(
    db: Db,
    suppression: SuppressionList,
    ident: Identifier,
    on: date,
    how: str,
    request: requests.Request | None,
    today: date,
) -> dict[str, Any]:
    digest = suppression.digest(ident.kind, ident.value)
    with transaction(db):
        lifted = retention_markers.lift(db, [digest], on.isoformat())
        if not lifted:
            raise ToolingError(f"no contact matches {ident}, and no retention marker holds it")
        audit_log.append(
            db,
            "subject_contacted",
            {
                "identifier": {"kind": ident.kind, "hash": digest},
                "on": on.isoformat(),
                "how": how,
                "markers_lifted": lifted,
            },
        )
        requests.close(db, request, "contacted", [], today)
    return {"markers_lifted": lifted}
