"""Taking contacts out of past exports (R8, Art. 17 and 19): objection, erasure, retention.

Two steps. ``mark_removed`` runs inside the caller's transaction: it marks the contacts'
``export_rows`` removed, with the reason, and returns the exports concerned. ``rewrite_files``
runs after the commit: each export file still at its recorded path and unchanged since (same
sha256) is rewritten without those rows and its new sha256 recorded. An export that went to
standard output, or whose file moved or changed, cannot be amended here: its recipient must
be told (Art. 19), and the result says so.
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

from ..clock import utcnow
from ..hashing import sha256_hex
from ..store import audit_log, exports
from ..store.backend import Db
from ..store.transaction import transaction


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


def mark_removed(db: Db, contact_ids: Iterable[int], reason: str) -> dict[int, set[int]]:
    """Mark these contacts removed from every export; {export_id: contact ids removed}."""
    return exports.mark_removed(db, list(contact_ids), reason, utcnow())


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


def rewrite_files(db: Db, touched: dict[int, set[int]], reason: str) -> list[Amendment]:
    """After the commit: amend each export file that can be, and say which cannot."""
    result = []
    for export_id in sorted(touched):
        drop = touched[export_id]
        recipient, path, fmt, sha = exports.file_of(db, export_id)
        note = _amend(db, export_id, path, fmt, sha, drop, reason)
        removed = len(drop) if note == "rewritten" else 0
        result.append(Amendment(export_id, recipient, path, removed, note))
    return result


def _amend(
    db: Db,
    export_id: int,
    path: str | None,
    fmt: str,
    sha: str,
    drop: set[int],
    reason: str,
) -> str:
    if path is None:
        return "written to standard output: tell its recipient"
    file = Path(path)
    if not file.is_file():
        return f"file {path} is gone: tell its recipient"
    data = file.read_bytes()
    if sha256_hex(data) != sha:
        return f"file {path} changed since the export: not rewritten, tell its recipient"
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
