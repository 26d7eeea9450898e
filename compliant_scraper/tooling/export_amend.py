"""Taking contacts out of past exports (R8, Art. 17 and 19): objection, erasure, retention.

Two steps. ``mark_removed`` runs inside the caller's transaction: it marks the contacts'
``export_rows`` removed, with the reason, and returns the exports concerned. ``rewrite_files``
runs after the commit: each export file still at its recorded path and unchanged since (same
sha256) is rewritten without those rows and its new sha256 recorded. An export that went to
standard output, or whose file moved or changed, cannot be amended here: its recipient must
be told (Art. 19), and the result says so.

A crawl's feed file (recipient ``feed``, issue 14 item 4) has no ``id`` column: its rows are
found by the keys that recognise the removed contacts (``store.contacts.dedupe_keys``),
gathered by ``mark_removed`` before the contacts are deleted. JSON Lines, JSON and CSV feeds
are rewritten; other formats (XML, pickle, marshal, compressed files) cannot be, and the
result says to remove the rows by hand.
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..hashing import sha256_hex
from ..opposition.lists import OnProgress
from ..policy.recipients import FEED
from ..store import audit_log, contacts, exports
from ..store.backend import Db
from ..store.contacts import dedupe_keys
from ..store.transaction import transaction
from ..values.spreadsheet import restore_cell


@dataclass(frozen=True)
class Amendment:
    export_id: int
    recipient: str | None
    path: str | None
    removed: int  # rows taken out of the file (0 when the file could not be amended)
    note: str  # "rewritten", or why the recipient must be told instead

    @property
    def rewritten(self) -> bool:
        return self.note == "rewritten"


class Touched(dict[int, set[int]]):
    """{export id: contact ids removed}, and the keys that find those contacts' rows in the
    crawl's feed files (``feed_keys``: contact id -> its dedupe keys)."""

    def __init__(self, touched: dict[int, set[int]]) -> None:
        super().__init__(touched)
        self.feed_keys: dict[int, list[str]] = {}


def mark_removed(db: Db, contact_ids: Iterable[int], reason: str) -> Touched:
    """Mark these contacts removed from every export; {export_id: contact ids removed}.
    Runs before the contacts are deleted: it keeps what finds them in feed files."""
    touched = Touched(exports.mark_removed(db, list(contact_ids), reason, utcnow()))
    for export_id, ids in touched.items():
        if exports.file_of(db, export_id)[0] == FEED:
            for contact_id in ids:
                for row in contacts.by_id(db, contact_id):
                    touched.feed_keys[contact_id] = dedupe_keys(row)
    return touched


_JSON_LINES = ("jsonl", "jsonlines", "jl")


def _filtered_feed(data: bytes, fmt: str, keys: set[str]) -> tuple[bytes, int] | None:
    """The feed file without the rows the keys recognise (None: this format cannot be)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None

    def hit(row: dict[str, Any]) -> bool:
        return not keys.isdisjoint(dedupe_keys(row))

    if fmt in _JSON_LINES:
        lines = text.splitlines(keepends=True)
        kept = [line for line in lines if not (line.strip() and hit(json.loads(line)))]
        return "".join(kept).encode("utf-8"), len(lines) - len(kept)
    if fmt == "json":
        rows = json.loads(text) if text.strip() else []
        kept_rows = [r for r in rows if not hit(r)]
        body = ",\n".join(json.dumps(r, ensure_ascii=False) for r in kept_rows)
        return f"[\n{body}\n]".encode(), len(rows) - len(kept_rows)
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(text, newline="")))
        if not table:
            return data, 0
        header, out = table[0], io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        removed = 0
        for row in table[1:]:
            values = {name: restore_cell(v) for name, v in zip(header, row, strict=False)}
            if hit(values):
                removed += 1
            else:
                writer.writerow(row)
        return out.getvalue().encode("utf-8"), removed
    return None


def _filtered(data: bytes, fmt: str, drop: set[int]) -> tuple[bytes, int]:
    text = data.decode("utf-8")
    removed = 0
    if fmt == "jsonl":
        kept = []
        for line in text.splitlines(keepends=True):
            if line.strip() and int(json.loads(line)["id"]) in drop:
                removed += 1
            else:
                kept.append(line)
        return "".join(kept).encode("utf-8"), removed
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for index, row in enumerate(rows):
        if index > 0 and row and int(row[0]) in drop:
            removed += 1
        else:
            writer.writerow(row)
    return out.getvalue().encode("utf-8"), removed


def _rewrite(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
        os.fsync(stream.fileno())
    os.replace(tmp, path)


def rewrite_files(
    db: Db, touched: dict[int, set[int]], reason: str, on_progress: OnProgress | None = None
) -> list[Amendment]:
    """After the commit: amend each export file that can be, and say which cannot."""
    result = []
    for export_id in sorted(touched):
        if on_progress is not None:
            on_progress(0, len(touched))
        drop = touched[export_id]
        recipient, path, fmt, sha = exports.file_of(db, export_id)
        feed_keys = getattr(touched, "feed_keys", {}) if recipient == FEED else None
        note = _amend(db, export_id, path, fmt, sha, drop, reason, feed_keys)
        removed = len(drop) if note == "rewritten" else 0
        result.append(Amendment(export_id, recipient, path, removed, note))
        if on_progress is not None:
            on_progress(1, len(touched))
    return result


def _amend(
    db: Db,
    export_id: int,
    path: str | None,
    fmt: str,
    sha: str,
    drop: set[int],
    reason: str,
    feed_keys: dict[int, list[str]] | None = None,
) -> str:
    if path is None:
        return "written to standard output: tell its recipient"
    if "://" in path:
        return f"sent to {path}: tell its recipient"
    file = Path(path)
    if not file.is_file():
        return f"file {path} is gone: tell its recipient"
    data = file.read_bytes()
    if sha256_hex(data) != sha:
        return f"file {path} changed since the export: not rewritten, tell its recipient"
    if feed_keys is not None:
        keys = {k for cid in drop for k in feed_keys.get(cid, [])}
        filtered = _filtered_feed(data, fmt, keys)
        if filtered is None:
            return f"feed {path} ({fmt}) cannot be rewritten: remove the person's rows by hand"
        new_data = filtered[0]
    else:
        new_data, _removed = _filtered(data, fmt, drop)
    _rewrite(file, new_data)
    new_sha = sha256_hex(new_data)
    with transaction(db):
        exports.set_amended(db, export_id, new_sha, utcnow())
        audit_log.append(
            db,
            "export_amended",
            {
                "export_id": export_id,
                "removed": sorted(drop),
                "reason": reason,
                "old_sha256": sha,
                "new_sha256": new_sha,
            },
        )
    return "rewritten"
