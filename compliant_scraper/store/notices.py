"""``notices``: the Art. 14 ledger (R5): notices sent, exemptions, due at first communication.

A contact is informed once it has a ``sent`` or an ``exempt`` row. ``contact_id`` has no
foreign key: the ledger outlives an erased contact (it proves the notice was given).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from .backend import Db, rows_as_dicts

_INFORMED: Final = "('sent', 'exempt')"


def add_sent(
    db: Db,
    contact_id: int,
    at: str,
    *,
    on: date,
    channel: str,
    lang: str,
    text_sha256: str,
    recipients: Sequence[str] = (),
    deadline: date | None = None,
    days_late: int = 0,
) -> int:
    row = db.execute(
        "INSERT INTO notices (contact_id, status, recorded_at, on_date, channel, lang, "
        "text_sha256, recipients, deadline, days_late) "
        "VALUES (?, 'sent', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [
            contact_id,
            at,
            on.isoformat(),
            channel,
            lang,
            text_sha256,
            json.dumps(sorted(recipients)),
            deadline.isoformat() if deadline else None,
            days_late,
        ],
    ).fetchone()
    return int(row[0])


def add_exempt(
    db: Db,
    contact_id: int,
    at: str,
    *,
    on: date,
    ground: str,
    reason: str,
    measure: str | None = None,
) -> int:
    row = db.execute(
        "INSERT INTO notices (contact_id, status, recorded_at, on_date, ground, reason, measure) "
        "VALUES (?, 'exempt', ?, ?, ?, ?, ?) RETURNING id",
        [contact_id, at, on.isoformat(), ground, reason, measure],
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


_STATE: Final = """
SELECT c.id, c.purpose, c.first_seen,
       (SELECT min(n.on_date) FROM notices n
        WHERE n.contact_id = c.id AND n.status = 'due_first_communication'),
       (SELECT min(n.export_id) FROM notices n
        WHERE n.contact_id = c.id AND n.status = 'due_first_communication'),
       EXISTS (SELECT 1 FROM notices n WHERE n.contact_id = c.id AND n.status = 'exempt'),
       (SELECT n.on_date FROM notices n WHERE n.contact_id = c.id AND n.status = 'sent'
        ORDER BY n.on_date DESC, n.id DESC LIMIT 1),
       (SELECT n.recipients FROM notices n WHERE n.contact_id = c.id AND n.status = 'sent'
        ORDER BY n.on_date DESC, n.id DESC LIMIT 1)
FROM contacts c
ORDER BY c.id
"""


@dataclass(frozen=True)
class LedgerState:
    """What the ledger knows of one contact held."""

    contact_id: int
    purpose: str
    first_seen: str
    first_export_on: str | None  # the first export that marked it due
    first_export_id: int | None
    exempt: bool
    last_sent_on: str | None
    last_sent_recipients: tuple[str, ...]  # the recipient keys its last notice named


def states(db: Db) -> list[LedgerState]:
    """The ledger state of every contact held, by id."""
    return [
        LedgerState(
            int(r[0]),
            str(r[1]),
            str(r[2]),
            r[3],
            None if r[4] is None else int(r[4]),
            bool(r[5]),
            r[6],
            tuple(json.loads(r[7])) if r[7] else (),
        )
        for r in db.execute(_STATE).fetchall()
    ]


def late_count(db: Db) -> int:
    """Contacts held whose notice was sent after its deadline."""
    row = db.execute(
        "SELECT count(DISTINCT n.contact_id) FROM notices n JOIN contacts c ON c.id = n.contact_id "
        "WHERE n.status = 'sent' AND n.days_late > 0"
    ).fetchone()
    return int(row[0])


def late(db: Db) -> list[tuple[int, str, str, int]]:
    """(contact id, sent on, deadline, days late) of every notice sent late, latest first."""
    rows = db.execute(
        "SELECT n.contact_id, n.on_date, n.deadline, n.days_late FROM notices n "
        "JOIN contacts c ON c.id = n.contact_id "
        "WHERE n.status = 'sent' AND n.days_late > 0 ORDER BY n.on_date DESC, n.id DESC"
    ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]
