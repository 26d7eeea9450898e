"""``recipient_steps``: the recipients to tell of a rectification or erasure (Art. 19)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .backend import Db, chunks, marks, rows_as_dicts


def recipients_of(db: Db, contact_ids: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    """{contact id: {recipient key: export ids}} of every export of these contacts to a named
    (not internal) recipient, removed rows included: a recipient holds its copy."""
    found: dict[int, dict[str, list[int]]] = {}
    for chunk in chunks(sorted(set(contact_ids))):
        rows = db.execute(
            "SELECT r.contact_id, e.recipient, e.id FROM export_rows r "
            "JOIN exports e ON e.id = r.export_id "
            f"WHERE r.contact_id IN ({marks(chunk)}) AND e.recipient IS NOT NULL "
            "AND e.recipient != 'internal' ORDER BY r.contact_id, e.recipient, e.id",
            list(chunk),
        ).fetchall()
        for cid, recipient, export_id in rows:
            found.setdefault(int(cid), {}).setdefault(str(recipient), []).append(int(export_id))
    return found


def add(
    db: Db,
    contact_id: int,
    recipient: str,
    export_ids: Sequence[int],
    action: str,
    at: str,
    request_id: int | None,
) -> int:
    row = db.execute(
        "INSERT INTO recipient_steps (contact_id, recipient, export_ids, action, recorded_at, "
        "request_id) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [contact_id, recipient, json.dumps(list(export_ids)), action, at, request_id],
    ).fetchone()
    return int(row[0])


def mark_notified(db: Db, contact_id: int, recipient: str, at: str) -> list[int]:
    """Close the open steps of (contact, recipient); the ids closed."""
    ids = [
        int(r[0])
        for r in db.execute(
            "SELECT id FROM recipient_steps WHERE contact_id = ? AND recipient = ? "
            "AND notified_at IS NULL",
            [contact_id, recipient],
        ).fetchall()
    ]
    if ids:
        db.execute(
            f"UPDATE recipient_steps SET notified_at = ? WHERE id IN ({marks(ids)})", [at, *ids]
        )
    return ids


def open_steps(db: Db) -> list[dict[str, Any]]:
    """The steps not yet done, oldest first."""
    return rows_as_dicts(
        db.execute(
            "SELECT id, contact_id, recipient, export_ids, action, recorded_at, request_id "
            "FROM recipient_steps WHERE notified_at IS NULL ORDER BY recorded_at, id"
        )
    )


def of_contact(db: Db, contact_id: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute("SELECT * FROM recipient_steps WHERE contact_id = ? ORDER BY id", [contact_id])
    )
