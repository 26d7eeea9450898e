"""Retention (R9) that cannot be renewed: what ``purge`` deletes and what it leaves behind.

- Contacts past ``retention_until`` (first collection plus three years, moved only by a
  contact from the person, ``subjects.contacted``) are deleted with their sources and events,
  and leave a **retention marker** per identifier (keyed hash of the email, the phone, the
  name plus postal address) with the purpose and the original first collection date: a later
  crawl for that purpose drops the person (``retention_expired``) instead of collecting them
  again with a new clock (the KASPR pattern), until a contact from the person is recorded.
- Contacts whose every source page is gone (404/410, or no longer showing them) are deleted
  ``stale_after_days`` (a purpose key; ``law.STALE_AFTER_DAYS``) after the last one went: data
  whose source disappeared is no longer known to be accurate.
- ``drops`` and ``refusals`` rows older than ``COMPLIANCE_RECORDS_RETENTION_DAYS`` are deleted:
  their URLs can name people.

A restricted contact (Art. 18) is kept: restriction means storage only, until it is lifted.
Each purge is recorded in ``purges`` and in the audit log; purged contacts are taken out of
past export files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..clock import day_of, utcnow
from ..law import STALE_AFTER_DAYS
from ..opposition.lists import OnProgress
from ..opposition.suppression import POSTAL
from ..policy.model import Registry
from ..store import audit_log, contacts, record_expiry, retention_markers, runs
from ..store.backend import Db
from ..store.suppression import SuppressionList
from ..store.transaction import transaction
from ..values.fields import IDENTIFIERS
from ..values.persons import postal_key
from .base import ToolingError
from .export_amend import Amendment, mark_removed, rewrite_files


@dataclass(frozen=True)
class Expired:
    contact_id: int
    purpose: str
    first_seen: str
    retention_until: str
    sources: int


@dataclass(frozen=True)
class Stale:
    contact_id: int
    purpose: str
    gone_since: str
    stale_after_days: int
    sources: int


@dataclass(frozen=True)
class PurgeResult:
    today: date
    expired: list[Expired]
    dry_run: bool
    purge_id: int | None = None
    amendments: list[Amendment] = field(default_factory=list)
    stale: list[Stale] = field(default_factory=list)
    markers: int = 0
    records: dict[str, int] = field(default_factory=dict)  # drops, refusals rows past limit
    restricted_kept: list[int] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (self.expired or self.stale or any(self.records.values()))


_PROGRESS_STEP = 5000  # contacts deleted between two progress reports


def expired(db: Db, today: date) -> list[Expired]:
    """Contacts whose retention date is before ``today``, oldest first."""
    return [Expired(*row) for row in contacts.expired(db, today.isoformat())]


def count_expired(db: Db, today: date) -> int:
    return contacts.count_expired(db, today.isoformat())


def stale(db: Db, today: date, registry: Registry | None) -> list[Stale]:
    """Contacts whose sources are all gone for longer than their purpose's limit."""
    found = []
    for cid, purpose, _first, _until, gone, n in contacts.all_sources_gone(db):
        known = registry.purposes.get(purpose) if registry is not None else None
        days = (known.stale_after_days if known else None) or STALE_AFTER_DAYS
        if day_of(gone) + timedelta(days=days) < today:
            found.append(Stale(cid, purpose, gone, days, n))
    return found


def _markers(
    db: Db, suppression: SuppressionList, ids: list[int], at: str
) -> list[tuple[str, str, str, str]]:
    rows = []
    for cid in ids:
        for contact in contacts.by_id(db, cid):
            first = str(contact["first_seen"])[:10]
            values = [(k, str(contact[k])) for k in IDENTIFIERS if contact.get(k)]
            key = postal_key(contact)
            if key:
                values.append((POSTAL, key))
            for kind, value in values:
                rows.append((suppression.digest(kind, value), kind, str(contact["purpose"]), first))
    return rows


def purge(
    db: Db,
    today: date,
    *,
    dry_run: bool = False,
    suppression: SuppressionList | None = None,
    registry: Registry | None = None,
    records_days: int | None = None,
    on_progress: OnProgress | None = None,
) -> PurgeResult:
    """Delete what is past retention (or, with ``dry_run``, only say what would be).

    Without ``suppression`` no retention marker can be written, so nothing past retention is
    deleted (fail closed: a purge without markers would let the next crawl renew the clock)."""
    restricted = {r[0] for r in contacts.restricted(db)}
    past = [e for e in expired(db, today) if e.contact_id not in restricted]
    gone = [s for s in stale(db, today, registry) if s.contact_id not in restricted]
    due = {e.contact_id for e in expired(db, today)} | {
        s.contact_id for s in stale(db, today, registry)
    }
    kept = sorted(due & restricted)
    cutoff = (today - timedelta(days=records_days)).isoformat() if records_days else None
    records = record_expiry.count_before(db, cutoff) if cutoff else {}
    if dry_run or not (past or gone or any(records.values())):
        return PurgeResult(today, past, dry_run, stale=gone, records=records, restricted_kept=kept)
    if past and suppression is None:
        raise ToolingError("a purge of contacts past retention needs the suppression key")
    ids = sorted({e.contact_id for e in past} | {s.contact_id for s in gone})
    at = utcnow()
    with transaction(db):
        marked = 0
        if past:
            assert suppression is not None
            rows = _markers(db, suppression, [e.contact_id for e in past], at)
            marked = retention_markers.add(db, rows, at)
        touched = mark_removed(db, ids, "retention")
        for start in range(0, len(ids), _PROGRESS_STEP):
            step = ids[start : start + _PROGRESS_STEP]
            contacts.delete(db, step)
            if on_progress is not None:
                on_progress(len(step), len(ids))
        deleted = record_expiry.delete_before(db, cutoff) if cutoff else {}
        purge_id = runs.add_purge(db, at, today.isoformat(), ids)
        audit_log.append(
            db,
            "purge",
            {
                "purge_id": purge_id,
                "cutoff": today.isoformat(),
                "count": len(ids),
                "contact_ids": ids,
                "past_retention": [e.contact_id for e in past],
                "source_gone": [s.contact_id for s in gone],
                "retention_markers": marked,
                "records_deleted": deleted,
                "records_cutoff": cutoff,
                "exports": sorted(touched),
            },
        )
    contacts.forget_deleted(db)
    amendments = rewrite_files(db, touched, "retention", on_progress)
    return PurgeResult(today, past, False, purge_id, amendments, gone, marked, deleted, kept)
