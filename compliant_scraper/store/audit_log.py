"""The tamper-evident audit log (R10): an append-only hash chain in the ``audit_log`` table.

Each row holds the sha256 of the previous row (``prev_sha256``) and of its own content
(``sha256`` = sha256 of ``prev_sha256`` + the canonical JSON of id, at, event, details), so
editing, inserting or deleting any row breaks the chain from that row on. Details never hold
a raw identifier (email, phone): only keyed hashes, counts, ids and reasons.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from .records import utcnow

GENESIS = "0" * 64


def _row_hash(prev: str, row_id: int, at: str, event: str, details: str) -> str:
    canonical = json.dumps([row_id, at, event, details], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


def append(db: Database, event: str, details: Mapping[str, Any]) -> int:
    """Append one event; call inside the caller's transaction when there is one."""
    last = db.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[1] if last else GENESIS
    row_id = (last[0] + 1) if last else 1
    at = utcnow()
    text = json.dumps(dict(details), ensure_ascii=False, sort_keys=True, default=str)
    db.execute(
        "INSERT INTO audit_log (id, at, event, details, prev_sha256, sha256) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [row_id, at, event, text, prev, _row_hash(prev, row_id, at, event, text)],
    )
    return row_id


@dataclass(frozen=True)
class Break:
    row_id: int
    message: str


def verify(db: Database) -> Break | None:
    """Recompute the chain; the first broken link, or None when the log is intact."""
    prev = GENESIS
    expected_id = 1
    for row_id, at, event, details, prev_sha, sha in db.execute(
        "SELECT id, at, event, details, prev_sha256, sha256 FROM audit_log ORDER BY id"
    ):
        if row_id != expected_id:
            return Break(row_id, f"row {expected_id} is missing (found row {row_id} next)")
        if prev_sha != prev:
            return Break(row_id, f"row {row_id}: prev_sha256 does not match row {row_id - 1}")
        if _row_hash(prev, row_id, at, event, details) != sha:
            return Break(row_id, f"row {row_id}: content does not match its sha256")
        prev = sha
        expected_id += 1
    return None
