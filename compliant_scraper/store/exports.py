"""``exports`` and ``export_rows``: each export file, its rows, and later amendments (R10)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .backend import Db, chunks, marks


def add(
    db: Db,
    at: str,
    *,
    purpose: str,
    fmt: str,
    recipient: str,
    path: str | None,
    count: int,
    file_sha256: str,
    opposition_lists: Sequence[Mapping[str, Any]],
    contact_ids: Sequence[int],
) -> int:
    """Record one export and its rows; its id."""
    row = db.execute(
        "INSERT INTO exports (at, purpose, format, recipient, path, count, file_sha256, "
        "opposition_lists) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [at, purpose, fmt, recipient, path, count, file_sha256, json.dumps(list(opposition_lists))],
    ).fetchone()
    export_id = int(row[0])
    db.executemany(
        "INSERT INTO export_rows (export_id, contact_id) VALUES (?, ?)",
        [(export_id, cid) for cid in contact_ids],
    )
    return export_id


def mark_removed(db: Db, contact_ids: Sequence[int], reason: str, at: str) -> dict[int, set[int]]:
    """Mark these contacts removed from every export; {export id: contact ids removed}."""
    touched: dict[int, set[int]] = {}
    for chunk in chunks(sorted(set(contact_ids))):
        where = f"contact_id IN ({marks(chunk)}) AND removed_at IS NULL"
        for export_id, contact_id in db.execute(
            f"SELECT export_id, contact_id FROM export_rows WHERE {where}", list(chunk)
        ).fetchall():
            touched.setdefault(int(export_id), set()).add(int(contact_id))
        db.execute(
            f"UPDATE export_rows SET removed_at = ?, removed_reason = ? WHERE {where}",
            [at, reason, *chunk],
        )
    return touched


def file_of(db: Db, export_id: int) -> tuple[str | None, str | None, str, str]:
    """(recipient, path, format, file sha256) of one export."""
    row = db.execute(
        "SELECT recipient, path, format, file_sha256 FROM exports WHERE id = ?", [export_id]
    ).fetchone()
    return row[0], row[1], row[2], row[3]


def set_amended(db: Db, export_id: int, file_sha256: str, at: str) -> None:
    db.execute(
        "UPDATE exports SET file_sha256 = ?, amended_at = ? WHERE id = ?",
        [file_sha256, at, export_id],
    )


def recipients_of(db: Db, contact_id: int) -> list[str]:
    """The named recipients of the exports a contact is still in, alphabetically (not
    ``internal`` nor ``feed``: the controller itself, ``policy.recipients.OWN_COPIES``)."""
    rows = db.execute(
        "SELECT DISTINCT e.recipient FROM export_rows r JOIN exports e ON e.id = r.export_id "
        "WHERE r.contact_id = ? AND r.removed_at IS NULL AND e.recipient IS NOT NULL "
        "AND e.recipient NOT IN ('internal', 'feed') ORDER BY e.recipient",
        [contact_id],
    ).fetchall()
    return [str(r[0]) for r in rows]


def of_contact(db: Db, contact_id: int) -> list[dict[str, Any]]:
    """The exports a contact was in (export id, when, purpose, recipient, removed when)."""
    cursor = db.execute(
        "SELECT e.id AS export_id, e.at, e.purpose, e.recipient, r.removed_at "
        "FROM export_rows r JOIN exports e ON e.id = r.export_id WHERE r.contact_id = ? "
        "ORDER BY 1",
        [contact_id],
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def listing(db: Db) -> list[tuple[int, str, str, str, str, int, str]]:
    """(id, at, purpose, recipient, format, count, file sha256) of every export, by id."""
    rows = db.execute(
        "SELECT id, at, purpose, recipient, format, count, file_sha256 FROM exports ORDER BY id"
    ).fetchall()
    return [tuple(r) for r in rows]


def by_recipient(db: Db) -> list[tuple[str, str, int, int, str]]:
    """(recipient, purpose, exports, rows, last export) for the Art. 30 register."""
    rows = db.execute(
        "SELECT coalesce(recipient, 'internal'), purpose, count(*), sum(count), max(at) "
        "FROM exports GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    return [(r[0], r[1], int(r[2]), int(r[3] or 0), r[4]) for r in rows]


def recipient_dates(db: Db) -> dict[int, dict[str, str]]:
    """contact id -> {recipient key: date of its first export to that recipient} for the
    named (not internal) recipients each contact still is with."""
    rows = db.execute(
        "SELECT r.contact_id, e.recipient, min(substr(e.at, 1, 10)) "
        "FROM export_rows r JOIN exports e ON e.id = r.export_id "
        "WHERE r.removed_at IS NULL AND e.recipient IS NOT NULL "
        "AND e.recipient NOT IN ('internal', 'feed') "
        "GROUP BY r.contact_id, e.recipient"
    ).fetchall()
    found: dict[int, dict[str, str]] = {}
    for contact_id, recipient, day in rows:
        found.setdefault(int(contact_id), {})[str(recipient)] = str(day)
    return found
