"""``notices``: the Art. 14 ledger (R5): notices sent, exemptions, due at first communication.

A contact is informed once it has a ``sent`` or an ``exempt`` row. ``contact_id`` has no
foreign key: the ledger outlives an erased contact (it proves the notice was given).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Final

from .backend import Db, rows_as_dicts

_INFORMED: Final = "('sent', 'exempt')"


def add_sent(
    db: Db, contact_id: int, at: str, *, on: date, channel: str, lang: str, text_sha256: str
) -> int:
    row = db.execute(
        "INSERT INTO notices (contact_id, status, recorded_at, on_date, channel, lang, "
        "text_sha256) VALUES (?, 'sent', ?, ?, ?, ?, ?) RETURNING id",
        [contact_id, at, on.isoformat(), channel, lang, text_sha256],
    ).fetchone()
    return int(row[0])


def add_exempt(db: Db, contact_id: int, at: str, *, on: date, ground: str, reason: str) -> int:
    row = db.execute(
        "INSERT INTO notices (contact_id, status, recorded_at, on_date, ground, reason) "
        "VALUES (?, 'exempt', ?, ?, ?, ?) RETURNING id",
        [contact_id, at, on.isoformat(), ground, reason],
    ).fetchone()
    return int(row[0])


def add_due(db: Db, contact_ids: Iterable[int], at: str, *, on: date, export_id: int) -> int:
    """Mark the contacts not yet informed as due at first communication (an export);
    returns how many were marked."""
    marked = 0
    for contact_id in contact_ids:
        if informed(db, contact_id):
            continue
        db.execute(
            "INSERT INTO notices (contact_id, status, recorded_at, on_date, export_id) "
            "VALUES (?, 'due_first_communication', ?, ?, ?)",
            [contact_id, at, on.isoformat(), export_id],
        )
        marked += 1
    return marked


def informed(db: Db, contact_id: int) -> bool:
    row = db.execute(
        f"SELECT 1 FROM notices WHERE contact_id = ? AND status IN {_INFORMED} LIMIT 1",
        [contact_id],
    ).fetchone()
    return row is not None


_PENDING: Final = f"""
SELECT c.id, c.purpose, c.first_seen,
       (SELECT min(n.on_date) FROM notices n
        WHERE n.contact_id = c.id AND n.status = 'due_first_communication'),
       (SELECT min(n.export_id) FROM notices n
        WHERE n.contact_id = c.id AND n.status = 'due_first_communication')
FROM contacts c
WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.contact_id = c.id AND n.status IN {_INFORMED})
ORDER BY c.id
"""


def uninformed(db: Db) -> list[tuple[int, str, str, str | None, int | None]]:
    """(contact id, purpose, first_seen, date of its first export, that export's id) of
    every contact not yet informed, by id."""
    return [tuple(r) for r in db.execute(_PENDING).fetchall()]


def informed_counts(db: Db) -> tuple[int, int]:
    """(contacts held with a notice sent, contacts held with an exemption)."""
    sent, exempt = db.execute(
        "SELECT count(DISTINCT CASE WHEN n.status = 'sent' THEN n.contact_id END), "
        "count(DISTINCT CASE WHEN n.status = 'exempt' THEN n.contact_id END) "
        "FROM notices n JOIN contacts c ON c.id = n.contact_id"
    ).fetchone()
    return int(sent), int(exempt)


def of_contact(db: Db, contact_id: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute("SELECT * FROM notices WHERE contact_id = ? ORDER BY 1", [contact_id])
    )
