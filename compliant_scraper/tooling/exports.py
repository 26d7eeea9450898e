"""Exports (R10): the contacts of one purpose that may still be used, with sources and notice.

Only contacts collected for that purpose, not past retention (R9), not on the suppression
list (R8, keyed-hash check), and for a phone purpose not on the opposition lists in force at
export time, which must be fresh enough (R7). The law is judged on the export date (R6): a
purpose that needs consent today is not exported, whatever the collection date.

Recipients (R10, R11, issue 12): ``recipient`` is ``internal`` (the controller itself) or a
key of ``recipients.toml``. An export is refused to a recipient that is not declared, is not
allowed the purpose, sits outside the EEA without a transfer mechanism, or is an independent
controller (prospecting on its own account is a new purpose that needs consent). Every
export leaves out contacts whose notice is overdue (``notice_overdue``); an export to anyone
else also leaves out contacts not informed of that recipient (``not_informed``: never
informed, or their last notice did not name it), unless ``inform_now``, which exports them
and makes their notices due that day.

Each row carries the contact's source URLs and its Art. 14 notice (R5) in the contact's
language (or ``lang``), naming the recipient, and the export marks the rows' notices as due
at first communication. Each export is recorded in ``exports``
(when, purpose, recipient, count, sha256 of the file) with its rows in ``export_rows``, and
in the audit log. A file is written owner-only, under a temporary name until complete. A CSV
cell a spreadsheet would run as a formula is written as text (``values.spreadsheet``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, Final

from ..clock import utcnow
from ..opposition.lists import ListInfo, OnProgress
from ..policy.model import Purpose, Recipient, Registry
from ..policy.recipients import FEED, INTERNAL, recipient_refusal
from ..store import audit_log, contacts, exports, notices
from ..store.backend import Db
from ..store.suppression import SuppressionList
from ..store.transaction import transaction
from ..values.fields import COLUMNS
from ..values.spreadsheet import neutralise_cell
from .base import ToolingError
from .notice_ledger import mark_due_at_first_communication, pending
from .notices import LANGS, build_notice
from .screening import Screen, check_purpose_today, lists_in_force
from .source_trail import sources_of

FORMATS: Final = ("csv", "jsonl")
FIELDS: Final = (
    "id",
    *COLUMNS,
    "purpose",
    "legal_basis",
    "first_seen",
    "retention_until",
    "sources",
    "notice",
)


@dataclass(frozen=True)
class ExportResult:
    export_id: int
    purpose: str
    format: str
    count: int
    sha256: str
    path: str | None
    recipient: str
    lists: list[ListInfo]
    excluded: dict[str, int] = field(default_factory=dict)
    notices_marked: int = 0


@dataclass
class _Written:
    count: int = 0
    contact_ids: list[int] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)


def resolve_purpose(registry: Registry, name: str) -> Purpose:
    try:
        return registry.purposes[name]
    except KeyError:
        known = ", ".join(sorted(registry.purposes)) or "(none defined)"
        raise ToolingError(
            f"purpose {name!r} is not defined in {registry.directory / 'purposes.toml'} "
            f"(purposes: {known})"
        ) from None


def _check_options(fmt: str, lang: str | None) -> None:
    if fmt not in FORMATS:
        raise ToolingError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    if lang is not None and lang not in LANGS:
        raise ToolingError(f"--lang: expected one of {', '.join(LANGS)}, got {lang!r}")


def check_recipient(registry: Registry, purpose: Purpose, key: str) -> Recipient | None:
    """The declared recipient an export of ``purpose`` may go to (None: ``internal``), or
    ``ToolingError`` saying why not (R10, R11; the rule is ``policy.recipients``)."""
    if key == FEED:
        raise ToolingError(f"--recipient: {FEED!r} names a crawl's own feed files, not a recipient")
    why = recipient_refusal(registry, purpose, key)
    if why is not None:
        raise ToolingError(why)
    return None if key == INTERNAL else registry.recipients[key]


@dataclass(frozen=True)
class _Ledger:
    """Which contacts the notice ledger keeps out of this export, computed once."""

    overdue: frozenset[int]
    uninformed: frozenset[int]  # not informed of this recipient (empty for internal)


def _ledger(db: Db, today: date, recipient: str) -> _Ledger:
    overdue = frozenset(d.contact_id for d in pending(db, today) if d.overdue)
    if recipient == INTERNAL:
        return _Ledger(overdue, frozenset())
    uninformed = frozenset(
        state.contact_id
        for state in notices.states(db)
        if not state.exempt
        and (state.last_sent_on is None or recipient not in state.last_sent_recipients)
    )
    return _Ledger(overdue, uninformed)


def _excluded_by_ledger(
    ledger: _Ledger, contact_id: int, inform_now: bool, excluded: dict[str, int]
) -> bool:
    reason = None
    if contact_id in ledger.overdue:
        reason = "notice_overdue"
    elif contact_id in ledger.uninformed and not inform_now:
        reason = "not_informed"
    if reason is not None:
        excluded[reason] = excluded.get(reason, 0) + 1
    return reason is not None


def _rows(
    db: Db,
    registry: Registry,
    screen: Screen,
    lang: str | None,
    recipient: str,
    ledger: _Ledger,
    inform_now: bool,
    on_progress: OnProgress | None = None,
) -> Iterator[dict[str, Any]]:
    named = None if recipient == INTERNAL else recipient
    total = contacts.count_by_purpose(db).get(screen.purpose.name, 0)
    for contact in contacts.of_purpose(db, screen.purpose.name):
        if on_progress is not None:
            on_progress(1, total)
        if not screen.allows(contact):
            continue
        if _excluded_by_ledger(ledger, int(contact["id"]), inform_now, screen.excluded):
            continue
        row = {name: contact.get(name) for name in FIELDS[:-2]}
        row["sources"] = [
            {"url": s.url, "retrieved_at": s.retrieved_at} for s in sources_of(db, contact["id"])
        ]
        row["notice"] = build_notice(db, registry, contact, lang, named).text
        yield row


def _encode(row: dict[str, Any], fmt: str) -> bytes:
    if fmt == "jsonl":
        return (json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    flat = dict(row)
    flat["sources"] = " ".join(s["url"] for s in row["sources"])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        ["" if flat[name] is None else neutralise_cell(str(flat[name])) for name in FIELDS]
    )
    return buffer.getvalue().encode("utf-8")


def _write(stream: BinaryIO, rows: Iterator[dict[str, Any]], fmt: str) -> _Written:
    written = _Written()
    if fmt == "csv":
        header = (",".join(FIELDS) + "\n").encode("utf-8")
        stream.write(header)
        written.digest.update(header)
    for row in rows:
        data = _encode(row, fmt)
        stream.write(data)
        written.digest.update(data)
        written.count += 1
        written.contact_ids.append(int(row["id"]))
    stream.flush()
    return written


def _record(
    db: Db,
    purpose: Purpose,
    fmt: str,
    recipient: str,
    path: str | None,
    written: _Written,
    screen: Screen,
    today: date,
) -> ExportResult:
    sha = written.digest.hexdigest()
    lists = [
        {"name": i.name, "list_date": i.list_date.isoformat(), "file_sha256": i.file_sha256}
        for i in screen.lists
    ]
    with transaction(db):
        export_id = exports.add(
            db,
            utcnow(),
            purpose=purpose.name,
            fmt=fmt,
            recipient=recipient,
            path=path,
            count=written.count,
            file_sha256=sha,
            opposition_lists=lists,
            contact_ids=written.contact_ids,
        )
        marked = mark_due_at_first_communication(
            db, written.contact_ids, export_id=export_id, on=today
        )
        audit_log.append(
            db,
            "export",
            {
                "export_id": export_id,
                "purpose": purpose.name,
                "format": fmt,
                "recipient": recipient,
                "count": written.count,
                "file_sha256": sha,
                "excluded": screen.excluded,
                "opposition_lists": lists,
                "notices_marked_due": marked,
            },
        )
    return ExportResult(
        export_id,
        purpose.name,
        fmt,
        written.count,
        sha,
        path,
        recipient,
        screen.lists,
        dict(screen.excluded),
        marked,
    )


def _prepare(
    db: Db,
    registry: Registry,
    suppression: SuppressionList,
    purpose_name: str,
    fmt: str,
    lang: str | None,
    today: date,
    recipient: str,
) -> tuple[Screen, _Ledger]:
    _check_options(fmt, lang)
    purpose = resolve_purpose(registry, purpose_name)
    check_purpose_today(purpose, today)
    check_recipient(registry, purpose, recipient)
    lists = lists_in_force(db, purpose, today)
    return Screen(db, purpose, suppression, today, lists), _ledger(db, today, recipient)


def export_to_stream(
    db: Db,
    registry: Registry,
    suppression: SuppressionList,
    stream: BinaryIO,
    *,
    purpose: str,
    fmt: str,
    recipient: str = INTERNAL,
    lang: str | None = None,
    inform_now: bool = False,
    today: date,
    on_progress: OnProgress | None = None,
) -> ExportResult:
    """Write the export to ``stream`` (e.g. standard output) and record it."""
    screen, ledger = _prepare(db, registry, suppression, purpose, fmt, lang, today, recipient)
    rows = _rows(db, registry, screen, lang, recipient, ledger, inform_now, on_progress)
    written = _write(stream, rows, fmt)
    return _record(db, screen.purpose, fmt, recipient, None, written, screen, today)


def export_to_file(
    db: Db,
    registry: Registry,
    suppression: SuppressionList,
    out: str | os.PathLike[str],
    *,
    purpose: str,
    fmt: str,
    recipient: str = INTERNAL,
    lang: str | None = None,
    inform_now: bool = False,
    today: date,
    on_progress: OnProgress | None = None,
) -> ExportResult:
    """Write the export to ``out`` (owner-only, replaced only once complete) and record it."""
    screen, ledger = _prepare(db, registry, suppression, purpose, fmt, lang, today, recipient)
    out = Path(out).absolute()
    if out.is_dir():
        raise ToolingError(f"--out: {out} is a directory")
    if not out.parent.is_dir():
        raise ToolingError(f"--out: directory {out.parent} does not exist")
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            rows = _rows(db, registry, screen, lang, recipient, ledger, inform_now, on_progress)
            written = _write(stream, rows, fmt)
            os.fsync(stream.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return _record(db, screen.purpose, fmt, recipient, str(out), written, screen, today)
