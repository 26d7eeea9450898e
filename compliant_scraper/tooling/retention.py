"""Retention (R9): delete contacts past ``retention_until``, with their sources and events.

``retention_until`` is first collection plus three years, moved only by a contact from the
person (``subjects.contacted``); re-crawling never moves it. A contact is past retention the
day after that date. Each purge is recorded in ``purges`` (when, cut-off, ids) and in the
audit log; the purged contacts are also taken out of past export files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from ..clock import utcnow
from ..store import audit_log
from .base import write_transaction
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


def expired(db: Database, today: date) -> list[Expired]:
    """Contacts whose retention date is before ``today``, oldest first."""
    rows = db.execute(
        "SELECT c.id, c.purpose, c.first_seen, c.retention_until, "
        "(SELECT count(*) FROM sources s WHERE s.contact_id = c.id) "
        "FROM contacts c WHERE c.retention_until < ? ORDER BY c.retention_until, c.id",
        [today.isoformat()],
    ).fetchall()
    return [Expired(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in rows]


def count_expired(db: Database, today: date) -> int:
    row = db.execute(
        "SELECT count(*) FROM contacts WHERE retention_until < ?", [today.isoformat()]
    ).fetchone()
    return int(row[0])


def purge(db: Database, today: date, *, dry_run: bool = False) -> PurgeResult:
    """Delete what is past retention (or, with ``dry_run``, only say what would be)."""
    found = expired(db, today)
    if dry_run or not found:
        return PurgeResult(today, found, dry_run)
    ids = [e.contact_id for e in found]
    with write_transaction(db):
        touched = mark_removed(db, ids, "retention")
        for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
            marks = ", ".join("?" for _ in chunk)
            db.execute(f"DELETE FROM sources WHERE contact_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM contact_events WHERE contact_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM contacts WHERE id IN ({marks})", chunk)
        cursor = db.execute(
            "INSERT INTO purges (at, cutoff, count, contact_ids) VALUES (?, ?, ?, ?)",
            [utcnow(), today.isoformat(), len(ids), json.dumps(ids)],
        )
        purge_id = int(cursor.lastrowid or 0)
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
    amendments = rewrite_files(db, touched, "retention")
    return PurgeResult(today, found, False, purge_id, amendments)
