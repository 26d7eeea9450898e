"""``contact_events``: contacts from the person (the R9 clock) and rectifications (Art. 16).

Never a value: a rectification records the field, not the old or the new value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .backend import Db, rows_as_dicts


def rectified_fields(db: Db, contact_id: int) -> set[str]:
    """The fields of a contact the person has rectified (a crawl must not overwrite them)."""
    rows = db.execute(
        "SELECT field FROM contact_events WHERE contact_id = ? AND event = 'rectified'",
        [contact_id],
    )
    return {str(row[0]) for row in rows}


def add_rectified(db: Db, contact_id: int, at: str, field: str) -> None:
    db.execute(
        "INSERT INTO contact_events (contact_id, event, at, field) VALUES (?, 'rectified', ?, ?)",
        [contact_id, at, field],
    )


def add_contacted(
    db: Db, contact_id: int, at: str, *, on: date, how: str, before: str, after: str
) -> None:
    db.execute(
        "INSERT INTO contact_events (contact_id, event, at, on_date, how, retention_before, "
        "retention_after) VALUES (?, 'contacted', ?, ?, ?, ?, ?)",
        [contact_id, at, on.isoformat(), how, before, after],
    )


def of_contact(db: Db, contact_id: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute("SELECT * FROM contact_events WHERE contact_id = ? ORDER BY 1", [contact_id])
    )
