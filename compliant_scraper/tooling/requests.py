"""The request ledger (Art. 12(3), (6); R12): every request from a person against its deadline.

A request is answered within one month of receipt (``clock.add_months``: received on
31 January, due on 28 February). It may be extended by two further months at most, in all,
with the reason the person must be told, and that decision must be taken within the first
month (Art. 12(3)): an extension asked for after the first month is refused. Any ``subject``
action given ``--request ID`` checks the request first (it exists, is open, is of that kind;
an access reply also needs the requester's identity checked, Art. 12(6)) and closes it in the
same transaction as the answer, recording which records it touched and whether it was late.

States on a day: ``open`` (not answered, not yet due), ``overdue`` (not answered, past due),
``answered`` (on time) and ``answered_late``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ..clock import add_months, utcnow
from ..store import audit_log, requests
from ..store.backend import Db
from ..store.transaction import transaction
from .base import ToolingError

KINDS: Final = ("access", "rectify", "erase", "object", "restrict")
ANSWER_MONTHS: Final = 1  # Art. 12(3)
MAX_EXTENSION_MONTHS: Final = 2  # Art. 12(3): "by two further months where necessary"
# Which requests each subject action answers.
ANSWERS: Final[dict[str, tuple[str, ...]]] = {
    "access": ("access",),
    "rectify": ("rectify",),
    "erase": ("erase",),
    "object": ("object",),
    "restrict": ("restrict",),
    "unrestrict": ("restrict",),
    "notified": ("rectify", "erase"),
    "contacted": ("object",),
}


@dataclass(frozen=True)
class Request:
    id: int
    kind: str
    received_on: date
    requester: str
    identity_checked_on: str | None
    due_on: date
    extended_months: int
    extension_reason: str | None
    closed_on: date | None
    closed_by: str | None
    contact_ids: list[int]

    @classmethod
    def of(cls, row: dict[str, Any]) -> Request:
        return cls(
            id=int(row["id"]),
            kind=row["kind"],
            received_on=date.fromisoformat(row["received_on"]),
            requester=row["requester"],
            identity_checked_on=row["identity_checked_on"],
            due_on=date.fromisoformat(row["due_on"]),
            extended_months=int(row["extended_months"] or 0),
            extension_reason=row["extension_reason"],
            closed_on=date.fromisoformat(row["closed_on"]) if row["closed_on"] else None,
            closed_by=row["closed_by"],
            contact_ids=json.loads(row["contact_ids"]) if row["contact_ids"] else [],
        )

    @property
    def first_due(self) -> date:
        return add_months(self.received_on, ANSWER_MONTHS)

    def state(self, today: date) -> str:
        if self.closed_on is not None:
            return "answered_late" if self.closed_on > self.due_on else "answered"
        return "overdue" if today > self.due_on else "open"


def due_date(received: date, extended_months: int = 0) -> date:
    """One month after receipt, plus any extension (31 January: 28 or 29 February)."""
    return add_months(received, ANSWER_MONTHS + extended_months)


def get(db: Db, request_id: int, *, named: str = "--request: ") -> Request:
    """The request ``request_id``; ``named``: how the error names where the id was given
    (``--request`` of a subject action; '' for the ID of ``subject request extend|identity``)."""
    row = requests.get(db, request_id)
    if row is None:
        raise ToolingError(f"{named}no request {request_id} (see `subject request list`)")
    return Request.of(row)


def open_request(
    db: Db, *, kind: str, received: date, requester: str, identity_checked: bool, today: date
) -> Request:
    """Record a request received on ``received``; its due date is one month later."""
    if kind not in KINDS:
        raise ToolingError(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if received > today:
        raise ToolingError(f"--received: {received} is in the future (today is {today})")
    requester = " ".join(requester.split())
    if not requester:
        raise ToolingError("--from: say who sent the request (a name, an address)")
    due = due_date(received)
    with transaction(db):
        request_id = requests.add(
            db,
            kind=kind,
            received_on=received.isoformat(),
            requester=requester,
            identity_checked_on=today.isoformat() if identity_checked else None,
            opened_at=utcnow(),
            due_on=due.isoformat(),
        )
        audit_log.append(
            db,
            "request_open",
            {
                "request_id": request_id,
                "kind": kind,
                "received_on": received.isoformat(),
                "due_on": due.isoformat(),
                "identity_checked": identity_checked,
            },
        )
    return get(db, request_id)


def extend(db: Db, request_id: int, *, months: int, reason: str, today: date) -> Request:
    """Extend by ``months`` (1 or 2; at most two further months in all), within the first
    month, with the reason the person must be told (Art. 12(3))."""
    request = get(db, request_id, named="")
    if request.closed_on is not None:
        raise ToolingError(f"request {request_id} was answered on {request.closed_on}")
    if months not in (1, 2):
        raise ToolingError(f"--months: expected 1 or 2, got {months}")
    total = request.extended_months + months
    if total > MAX_EXTENSION_MONTHS:
        raise ToolingError(
            f"request {request_id} is already extended by {request.extended_months} month(s): "
            f"at most {MAX_EXTENSION_MONTHS} further months in all (Art. 12(3))"
        )
    if today > request.first_due:
        raise ToolingError(
            f"request {request_id}: an extension must be decided, and the person told why, "
            f"within the first month (by {request.first_due}, Art. 12(3)); today is {today}"
        )
    reason = " ".join(reason.split())
    if not reason:
        raise ToolingError("--reason: the reason the person must be told cannot be empty")
    due = due_date(request.received_on, total)
    with transaction(db):
        requests.extend(db, request_id, total, reason, utcnow(), due.isoformat())
        audit_log.append(
            db,
            "request_extend",
            {"request_id": request_id, "extended_months": total, "due_on": due.isoformat()},
        )
    return get(db, request_id)


def mark_identity_checked(db: Db, request_id: int, today: date) -> Request:
    request = get(db, request_id, named="")
    if request.closed_on is not None:
        raise ToolingError(f"request {request_id} was answered on {request.closed_on}")
    with transaction(db):
        requests.identity_checked(db, request_id, today.isoformat())
        audit_log.append(db, "request_identity_checked", {"request_id": request_id})
    return get(db, request_id)


def listing(db: Db, today: date, *, due: bool = False, overdue: bool = False) -> list[Request]:
    """Every request; ``due``: those not answered; ``overdue``: those past their due date."""
    found = [Request.of(r) for r in requests.listing(db)]
    if overdue:
        return [r for r in found if r.state(today) == "overdue"]
    if due:
        return [r for r in found if r.closed_on is None]
    return found


def counts(db: Db, today: date) -> dict[str, int]:
    """How many requests are open, overdue, answered, answered late (the audit report)."""
    found = {"open": 0, "overdue": 0, "answered": 0, "answered_late": 0}
    for request in listing(db, today):
        found[request.state(today)] += 1
    return found


def check(db: Db, request_id: int | None, action: str) -> Request | None:
    """Before ``action`` runs: the request it answers must exist, be open and fit."""
    if request_id is None:
        return None
    request = get(db, request_id)
    if request.closed_on is not None:
        raise ToolingError(
            f"--request: request {request_id} was answered on {request.closed_on} "
            f"(by {request.closed_by})"
        )
    fits = ANSWERS.get(action, ())
    if request.kind not in fits:
        raise ToolingError(
            f"--request: request {request_id} is a {request.kind} request; "
            f"`subject {action}` answers {' or '.join(fits) or 'no request'}"
        )
    if action == "access" and request.identity_checked_on is None:
        raise ToolingError(
            f"--request: the identity of the requester of request {request_id} is not checked: "
            "check it before disclosing anything (Art. 12(6)), then run "
            f"`subject request identity {request_id}`"
        )
    return request


def close(
    db: Db, request: Request | None, action: str, contact_ids: list[int], today: date
) -> None:
    """Close ``request`` (inside the caller's transaction), answered by ``action``."""
    if request is None:
        return
    requests.close(
        db, request.id, at=utcnow(), on=today.isoformat(), by=action, contact_ids=contact_ids
    )
    audit_log.append(
        db,
        "request_close",
        {
            "request_id": request.id,
            "by": action,
            "contact_ids": contact_ids,
            "late": today > request.due_on,
        },
    )
