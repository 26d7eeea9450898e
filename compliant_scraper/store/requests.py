"""``requests``: the data-subject request ledger (Art. 12(3), R12)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .backend import Db, rows_as_dicts


def add(
    db: Db,
    *,
    kind: str,
    received_on: str,
    requester: str,
    identity_checked_on: str | None,
    opened_at: str,
    due_on: str,
) -> int:
    row = db.execute(
        "INSERT INTO requests (kind, received_on, requester, identity_checked_on, opened_at, "
        "due_on, extended_months) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING id",
        [kind, received_on, requester, identity_checked_on, opened_at, due_on],
    ).fetchone()
    return int(row[0])


def get(db: Db, request_id: int) -> dict[str, Any] | None:
    rows = rows_as_dicts(db.execute("SELECT * FROM requests WHERE id = ?", [request_id]))
    return rows[0] if rows else None


def extend(db: Db, request_id: int, months: int, reason: str, at: str, due_on: str) -> None:
    db.execute(
        "UPDATE requests SET extended_months = ?, extension_reason = ?, extended_at = ?, "
        "due_on = ? WHERE id = ?",
        [months, reason, at, due_on, request_id],
    )


def identity_checked(db: Db, request_id: int, on: str) -> None:
    db.execute("UPDATE requests SET identity_checked_on = ? WHERE id = ?", [on, request_id])


def close(
    db: Db, request_id: int, *, at: str, on: str, by: str, contact_ids: Sequence[int]
) -> None:
    db.execute(
        "UPDATE requests SET closed_at = ?, closed_on = ?, closed_by = ?, contact_ids = ? "
        "WHERE id = ?",
        [at, on, by, json.dumps(list(contact_ids)), request_id],
    )


def listing(db: Db) -> list[dict[str, Any]]:
    """Every request: open ones first by due date, then answered ones by id."""
    return rows_as_dicts(
        db.execute(
            "SELECT * FROM requests ORDER BY closed_at IS NOT NULL, "
            "CASE WHEN closed_at IS NULL THEN due_on END, id"
        )
    )
