"""Retention (R9): delete contacts past ``retention_until``, with their sources and events.

``retention_until`` is first collection plus three years, moved only by a contact from the
person (``subjects.contacted``); re-crawling never moves it. A contact is past retention the
day after that date. Each purge is recorded in ``purges`` (when, cut-off, ids) and in the
audit log; the purged contacts are also taken out of past export files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..clock import utcnow
from ..opposition.lists import OnProgress
from ..store import audit_log, contacts, runs
from ..store.backend import Db
from ..store.transaction import transaction
from .export_amend import Amendment, mark_removed, rewrite_files


@dataclass(frozen=True)
class Expired:
    contact_id: int
    purpose: str
    first_seen: str
    retention_until: str
    sources: int


@dataclass(frozen=True)
class PurgeResult:
    today: date
    expired: list[Expired]
    dry_run: bool
    purge_id: int | None = None
    amendments: list[Amendment] = field(default_factory=list)


_PROGRESS_STEP = 5000  # contacts deleted between two progress reports


def expired(db: Db, today: date) -> list[Expired]:
    """Contacts whose retention date is before ``today``, oldest first."""
    return [Expired(*row) for row in contacts.expired(db, today.isoformat())]


def count_expired(db: Db, today: date) -> int:
    return contacts.count_expired(db, today.isoformat())


def purge(
    db: Db, today: date, *, dry_run: bool = False, on_progress: OnProgress | None = None
) -> PurgeResult:
    """Delete what is past retention (or, with ``dry_run``, only say what would be)."""
    found = expired(db, today)
    if dry_run or not found:
        return PurgeResult(today, found, dry_run)
    ids = [e.contact_id for e in found]
    with transaction(db):
        touched = mark_removed(db, ids, "retention")
        for start in range(0, len(ids), _PROGRESS_STEP):
            step = ids[start : start + _PROGRESS_STEP]
            contacts.delete(db, step)
            if on_progress is not None:
                on_progress(len(step), len(ids))
        purge_id = runs.add_purge(db, utcnow(), today.isoformat(), ids)
        audit_log.append(
            db,
            "purge",
            {
                "purge_id": purge_id,
                "cutoff": today.isoformat(),
                "count": len(ids),
                "contact_ids": ids,
                "exports": sorted(touched),
            },
        )
    contacts.forget_deleted(db)
    amendments = rewrite_files(db, touched, "retention", on_progress)
    return PurgeResult(today, found, False, purge_id, amendments)
