"""The notice ledger (R5, Art. 14(3)): who was informed, who is exempt, who is due when.

Every stored contact must be informed within one month of collection (Art. 14(3)(a)), or at
the first communication if that comes sooner (Art. 14(3)(b)). An export for a purpose is the
step before a first communication, so it marks its rows ``due_first_communication``: their
deadline becomes the export date, and the export carries the notice text in every row.

``notices`` rows: ``sent`` (when, channel, language, sha256 of the exact text sent, the
recipients it named, its deadline and how many days late it was), ``exempt`` (an Art. 14(5)
ground, its reason, and for (b) the public-information measure), ``due_first_communication``
(the export).

The ledger sees time (issue 12): a contact is informed by an exemption, or by a sent notice
that named every recipient its data went to. Once a recipient not named in its last notice
receives the data, the contact is due again, by the day of that disclosure (Art. 14(3)(c)).
A notice sent after its deadline is recorded, and reported, as late.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from ..clock import add_months, day_of, utcnow
from ..store import audit_log, exports, notices
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


@dataclass(frozen=True)
class Sent:
    notice_id: int
    deadline: date | None  # None when the contact was not due (a notice sent again)
    days_late: int


def record_sent(
    db: Db,
    contact_id: int,
    *,
    on: date,
    channel: str,
    lang: str,
    text_sha256: str,
    recipients: Sequence[str] = (),
) -> Sent:
    """Record that the notice (the text whose sha256 is given, naming ``recipients``) was
    sent on ``on``, and how late it was against the deadline the ledger had."""
    if channel not in CHANNELS:
        raise ToolingError(f"--channel: expected one of {', '.join(CHANNELS)}, got {channel!r}")
    was_due = next((d for d in pending(db, on) if d.contact_id == contact_id), None)
    deadline = was_due.deadline if was_due else None
    days_late = max(0, (on - deadline).days) if deadline else 0
    with transaction(db):
        notice_id = notices.add_sent(
            db,
            contact_id,
            utcnow(),
            on=on,
            channel=channel,
            lang=lang,
            text_sha256=text_sha256,
            recipients=recipients,
            deadline=deadline,
            days_late=days_late,
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
                "recipients": sorted(recipients),
                "days_late": days_late,
            },
        )
    return Sent(notice_id, deadline, days_late)


def record_exempt(
    db: Db,
    contact_id: int,
    *,
    ground: str,
    reason: str,
    on: date,
    holds: Collection[str] = (),
    measure: str | None = None,
) -> int:
    """Record an Art. 14(5) exemption for this contact, with the reason legal gave.

    ``holds``: the identifiers held for the contact (``email``, ``phone``). Art. 14(5)(b)
    (impossible or disproportionate effort) does not fit a controller who can reach the
    person (Bisnode, 2023), and it requires appropriate measures, "including making the
    information publicly available": ``measure`` describes the one taken.
    """
    if ground not in EXEMPTIONS:
        raise ToolingError(f"--ground: expected one of {', '.join(EXEMPTIONS)}, got {ground!r}")
    if not reason.strip():
        raise ToolingError("--reason: an exemption needs its reason")
    if ground == "art14-5b":
        reachable = [kind for kind in ("email", "phone") if kind in holds]
        if reachable:
            raise ToolingError(
                f"--ground art14-5b: contact {contact_id} has {' and '.join(reachable)} on "
                "file, so informing it is neither impossible nor a disproportionate effort "
                "(Art. 14(5)(b); Bisnode, 2023): send the notice instead"
            )
        if not (measure or "").strip():
            raise ToolingError(
                "--measure: Art. 14(5)(b) requires appropriate measures, such as making the "
                "information publicly available: describe the measure taken"
            )
    with transaction(db):
        notice_id = notices.add_exempt(
            db,
            contact_id,
            utcnow(),
            on=on,
            ground=ground,
            reason=reason.strip(),
            measure=(measure or "").strip() or None,
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
    """A contact to inform, and by when: never informed, or due again (a new recipient)."""

    contact_id: int
    purpose: str
    first_seen: date
    deadline: date
    why: str
    days_left: int  # negative when overdue
    new_recipients: tuple[str, ...] = ()  # due again: recipients its last notice did not name

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def pending(db: Db, today: date) -> list[Due]:
    """Every contact to inform, deadline first (overdue first)."""
    disclosed = exports.recipient_dates(db)
    result = []
    for state in notices.states(db):
        if state.exempt:
            continue
        collected = day_of(state.first_seen)
        given = disclosed.get(state.contact_id, {})
        if state.last_sent_on is not None:
            new = {r: day for r, day in given.items() if r not in state.last_sent_recipients}
            if not new:
                continue
            first = min(new, key=lambda r: (new[r], r))
            deadline = date.fromisoformat(new[first])
            why = (
                f"disclosed to {first} on {new[first]}, a recipient its notice of "
                f"{state.last_sent_on} did not name (Art. 14(3)(c))"
            )
            result.append(
                Due(
                    state.contact_id,
                    state.purpose,
                    collected,
                    deadline,
                    why,
                    (deadline - today).days,
                    tuple(sorted(new)),
                )
            )
            continue
        deadline = add_months(collected, 1)
        why = f"one month after collection on {collected.isoformat()} (Art. 14(3)(a))"
        exported_on = state.first_export_on
        if exported_on is not None and date.fromisoformat(exported_on) <= deadline:
            deadline = date.fromisoformat(exported_on)
            why = f"first communication: exported on {exported_on} (export {state.first_export_id})"
        result.append(
            Due(state.contact_id, state.purpose, collected, deadline, why, (deadline - today).days)
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
        "late": notices.late_count(db),
        "due_again": sum(1 for d in rows if d.new_recipients),
    }


def late(db: Db) -> list[tuple[int, str, str, int]]:
    """(contact id, sent on, deadline, days late) of the notices sent late."""
    return notices.late(db)
