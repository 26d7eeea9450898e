"""The notice ledger (R5, Art. 14(3)): who was informed, who is exempt, who is due when.

Every stored contact must be informed within one month of collection (Art. 14(3)(a)), or at
the first communication if that comes sooner (Art. 14(3)(b)). An export for a purpose is the
step before a first communication, so it marks its rows ``due_first_communication``: their
deadline becomes the export date, and the export carries the notice text in every row.

``notices`` rows: ``sent`` (when, channel, language, sha256 of the exact text sent),
``exempt`` (an Art. 14(5) ground and its reason), ``due_first_communication`` (the export).
A contact is informed once it has a ``sent`` or ``exempt`` row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from ..clock import add_months, day_of, utcnow
from ..store import audit_log, notices
from ..store.backend import Db
from ..store.transaction import transaction
from .base import ToolingError

CHANNELS: Final = ("email", "post", "phone", "sms", "in_person")
# Art. 14(5): when the information need not be given. (b) does not apply to a controller who
# holds the person's contact details (Bisnode, 2023): docs/data-subjects.md says more.
EXEMPTIONS: Final[dict[str, str]] = {
    "art14-5a": "the person already has the information (Art. 14(5)(a))",
    "art14-5b": "impossible or disproportionate effort (Art. 14(5)(b))",
    "art14-5c": "obtaining or disclosure laid down by law (Art. 14(5)(c))",
    "art14-5d": "professional secrecy (Art. 14(5)(d))",
}


def record_sent(
    db: Db, contact_id: int, *, on: date, channel: str, lang: str, text_sha256: str
) -> int:
    """Record that the notice (the text whose sha256 is given) was sent on ``on``."""
    if channel not in CHANNELS:
        raise ToolingError(f"--channel: expected one of {', '.join(CHANNELS)}, got {channel!r}")
    with transaction(db):
        notice_id = notices.add_sent(
            db, contact_id, utcnow(), on=on, channel=channel, lang=lang, text_sha256=text_sha256
        )
        audit_log.append(
            db,
            "notice_sent",
            {
                "notice_id": notice_id,
                "contact_id": contact_id,
                "on": on.isoformat(),
                "channel": channel,
                "lang": lang,
                "text_sha256": text_sha256,
            },
        )
    return notice_id


def record_exempt(db: Db, contact_id: int, *, ground: str, reason: str, on: date) -> int:
    """Record an Art. 14(5) exemption for this contact, with the reason legal gave."""
    if ground not in EXEMPTIONS:
        raise ToolingError(f"--ground: expected one of {', '.join(EXEMPTIONS)}, got {ground!r}")
    if not reason.strip():
        raise ToolingError("--reason: an exemption needs its reason")
    with transaction(db):
        notice_id = notices.add_exempt(
            db, contact_id, utcnow(), on=on, ground=ground, reason=reason.strip()
        )
        audit_log.append(
            db,
            "notice_exempt",
            {"notice_id": notice_id, "contact_id": contact_id, "ground": ground},
        )
    return notice_id


def mark_due_at_first_communication(
    db: Db, contact_ids: Iterable[int], *, export_id: int, on: date
) -> int:
    """Mark not-yet-informed contacts as due at first communication (an export). Call it
    inside the export's transaction; returns how many were marked."""
    return notices.add_due(db, contact_ids, utcnow(), on=on, export_id=export_id)


def informed(db: Db, contact_id: int) -> bool:
    return notices.informed(db, contact_id)


@dataclass(frozen=True)
class Due:
    """A contact not yet informed, and by when it must be."""

    contact_id: int
    purpose: str
    first_seen: date
    deadline: date
    why: str
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def pending(db: Db, today: date) -> list[Due]:
    """Every contact not yet informed, deadline first (overdue first)."""
    result = []
    for contact_id, purpose, first_seen, exported_on, export_id in notices.uninformed(db):
        collected = day_of(first_seen)
        deadline = add_months(collected, 1)
        why = f"one month after collection on {collected.isoformat()} (Art. 14(3)(a))"
        if exported_on is not None and date.fromisoformat(exported_on) <= deadline:
            deadline = date.fromisoformat(exported_on)
            why = f"first communication: exported on {exported_on} (export {export_id})"
        result.append(
            Due(int(contact_id), purpose, collected, deadline, why, (deadline - today).days)
        )
    result.sort(key=lambda d: (d.deadline, d.contact_id))
    return result


def due(db: Db, today: date, within_days: int | None = None) -> list[Due]:
    """Contacts whose deadline is past or within ``within_days`` (all pending when None)."""
    if within_days is not None and within_days < 0:
        raise ToolingError(f"--within: expected a number of days >= 0, got {within_days}")
    rows = pending(db, today)
    if within_days is None:
        return rows
    limit = today + timedelta(days=within_days)
    return [d for d in rows if d.deadline <= limit]


def counts(db: Db, today: date) -> dict[str, int]:
    """For the audit report: informed, exempt, pending, overdue."""
    sent, exempt = notices.informed_counts(db)
    rows = pending(db, today)
    return {
        "sent": int(sent),
        "exempt": int(exempt),
        "pending": len(rows),
        "overdue": sum(1 for d in rows if d.overdue),
    }
