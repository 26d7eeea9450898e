"""The tamper-evident audit log (R10): an append-only hash chain in the ``audit_log`` table.

Each row holds the sha256 of the previous row (``prev_sha256``) and of its own content
(``sha256`` = sha256 of ``prev_sha256`` + the canonical JSON of id, at, event, details), so
editing, inserting or deleting any row breaks the chain from that row on. Details never hold
a raw identifier (email, phone): only keyed hashes, counts, ids and reasons.

A chain alone cannot show that its *last* rows were deleted: what remains is still a valid
chain. So every committed append also updates a **head anchor** outside the database, in
``<db>.audit-head``: the id and sha256 of the newest row, authenticated with an HMAC whose
key is ``<db>.audit-key`` (its own key, created owner-only on first use; the suppression
list's key is not reused for a second purpose). ``verify`` checks the table against the
anchor, so truncating the log, or rewriting it, is caught unless the attacker also holds the
key. For evidence that survives losing the directory, record the head printed by
``compliant-scraper audit verify`` elsewhere and check it later with ``--head ID:SHA256``.

When: ``append`` queues the row on the open transaction (``transaction.py``); it is written
last, just before the commit, and the anchor is rewritten after the commit, under a file
lock and only ever forward. A transaction that rolls back leaves neither behind, so ``verify``
never reports rows missing that were never committed.

Events: ``run_start``, ``run_end``, ``refusal_batch``, ``drop_batch`` (the crawl store),
``opposition_import`` and ``suppression_add`` (``store.opposition``, ``store.suppression``),
``export``, ``export_amended``, ``purge``, ``notice_sent``, ``notice_exempt`` and
``subject_<action>`` for data-subject requests (tooling/).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..clock import utcnow
from . import transaction
from .backend import Db
from .sqlite import main_file

GENESIS = "0" * 64
HEAD_SUFFIX = ".audit-head"
KEY_SUFFIX = ".audit-key"


def _row_hash(prev: str, row_id: int, at: str, event: str, details: str) -> str:
    canonical = json.dumps([row_id, at, event, details], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


def append(db: Db, event: str, details: Mapping[str, Any]) -> None:
    """Record one event (in the caller's transaction when one is open, else in its own).

    The row is written just before the transaction commits, after the transaction's other
    writes, so a transaction that fails leaves no audit row; the head anchor is rewritten
    once it has committed, so a rollback never leaves an anchor naming a row that does not
    exist (issue 9 item 12: that was a false tamper alarm). The event's time and details
    are taken now.
    """
    at = utcnow()
    text = json.dumps(dict(details), ensure_ascii=False, sort_keys=True, default=str)
    if not db.in_transaction:
        with transaction.transaction(db):
            _queue(db, at, event, text)
        return
    _queue(db, at, event, text)


def _queue(db: Db, at: str, event: str, text: str) -> None:
    transaction.before_commit(db, lambda: _write_row(db, at, event, text))
    transaction.after_commit(db, lambda: refresh_anchor(db), key=_ANCHOR_HOOK)


_ANCHOR_HOOK: Final = "audit_log.anchor"


def _write_row(db: Db, at: str, event: str, text: str) -> None:
    db.lock_audit_chain()
    last = db.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    prev = last[1] if last else GENESIS
    row_id = (last[0] + 1) if last else 1
    sha = _row_hash(prev, row_id, at, event, text)
    db.execute(
        "INSERT INTO audit_log (id, at, event, details, prev_sha256, sha256) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [row_id, at, event, text, prev, sha],
    )


# -- the head anchor --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorFiles:
    head: Path
    key: Path

    @property
    def lock(self) -> Path:
        return self.head.with_name(self.head.name + ".lock")


def anchor_files(db: Any) -> AnchorFiles | None:
    """Where the head anchor of ``db`` lives; None for an in-memory database."""
    base = db.anchor_base() if hasattr(db, "anchor_base") else main_file(db)
    if base is None:
        return None
    return AnchorFiles(Path(f"{base}{HEAD_SUFFIX}"), Path(f"{base}{KEY_SUFFIX}"))


def refresh_anchor(db: Db) -> None:
    """Point the head anchor at the newest committed row (after a commit).

    Concurrent writers each refresh it after their own commit, in any order: under a file
    lock, the anchor only ever moves forward, so the last to finish never puts back an
    older head.
    """
    files = anchor_files(db)
    if files is None:
        return
    with _locked(files.lock):
        newest = head(db)
        if newest is None:
            return
        anchored = _read_anchor(files)
        if anchored is not None and anchored.row_id >= newest.row_id:
            return
        _write_anchor(files, newest.row_id, newest.sha256)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _read_anchor(files: AnchorFiles) -> Head | None:
    try:
        anchor = json.loads(files.head.read_text())
        return Head(int(anchor["id"]), str(anchor["sha256"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _load_or_create_key(path: Path) -> bytes:
    if not path.exists():
        tmp = path.with_name(f"{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # atomic publish: never a half-written key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_bytes().strip()


def _mac(key: bytes, row_id: int, sha: str) -> str:
    return hmac.new(key, f"{row_id}:{sha}".encode(), hashlib.sha256).hexdigest()


def _write_anchor(files: AnchorFiles, row_id: int, sha: str) -> None:
    key = _load_or_create_key(files.key)
    body = json.dumps({"id": row_id, "sha256": sha, "hmac": _mac(key, row_id, sha)}) + "\n"
    tmp = files.head.with_name(f"{files.head.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(body)
    os.replace(tmp, files.head)


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    row_id: int
    message: str


@dataclass(frozen=True)
class Head:
    """The newest row of the log: what an auditor records to check later."""

    row_id: int
    sha256: str

    def __str__(self) -> str:
        return f"{self.row_id}:{self.sha256}"

    @classmethod
    def parse(cls, text: str) -> Head:
        """``"12:<64 hex>"`` -> Head; ValueError otherwise."""
        row, _, sha = text.partition(":")
        if not row.isdigit() or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ValueError(f"expected ID:SHA256 (a row id, a colon, 64 hex digits), got {text!r}")
        return cls(int(row), sha)


def head(db: Any) -> Head | None:
    row = db.execute("SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return Head(int(row[0]), str(row[1])) if row else None


def verify(db: Any, *, expected: Head | None = None) -> Break | None:
    """Recompute the chain and check it against the head anchor (and ``expected``, a head
    recorded earlier); the first broken link, or None when the log is intact."""
    prev = GENESIS
    expected_id = 1
    shas: dict[int, str] = {}
    for row_id, at, event, details, prev_sha, sha in db.execute(
        "SELECT id, at, event, details, prev_sha256, sha256 FROM audit_log ORDER BY id"
    ):
        if row_id != expected_id:
            return Break(row_id, f"row {expected_id} is missing (found row {row_id} next)")
        if prev_sha != prev:
            return Break(row_id, f"row {row_id}: prev_sha256 does not match row {row_id - 1}")
        if _row_hash(prev, row_id, at, event, details) != sha:
            return Break(row_id, f"row {row_id}: content does not match its sha256")
        shas[row_id] = sha
        prev = sha
        expected_id += 1
    last = expected_id - 1
    if expected is not None:
        found = _check_head(shas, last, expected, "the expected head")
        if found is not None:
            return found
    files = anchor_files(db)
    if files is None:
        return None
    return _check_anchor(files, shas, last)


def _check_head(shas: dict[int, str], last: int, wanted: Head, what: str) -> Break | None:
    if wanted.row_id > last:
        return Break(
            last + 1,
            f"rows {last + 1}..{wanted.row_id} are missing: {what} names row {wanted.row_id} "
            f"but the log ends at row {last}",
        )
    if shas[wanted.row_id] != wanted.sha256:
        return Break(wanted.row_id, f"row {wanted.row_id} does not match {what}")
    return None


def _check_anchor(files: AnchorFiles, shas: dict[int, str], last: int) -> Break | None:
    if not files.head.exists():
        if files.key.exists():
            return Break(last, f"the head anchor {files.head} is missing (its key exists)")
        return None  # a database copied alone: see anchor_state()
    try:
        anchor = json.loads(files.head.read_text())
        anchored = Head(int(anchor["id"]), str(anchor["sha256"]))
        mac = str(anchor["hmac"])
    except (ValueError, KeyError, TypeError):
        return Break(last, f"the head anchor {files.head} is unreadable")
    if files.key.exists():
        key = files.key.read_bytes().strip()
        if not hmac.compare_digest(mac, _mac(key, anchored.row_id, anchored.sha256)):
            return Break(anchored.row_id, "the head anchor's HMAC does not match its key")
    found = _check_head(shas, last, anchored, "the head anchor")
    if found is not None:
        return found
    if last > anchored.row_id:
        return Break(
            anchored.row_id + 1,
            f"rows {anchored.row_id + 1}..{last} were added without updating the head anchor",
        )
    return None


def anchor_state(db: Any) -> str:
    """One line on what the head anchor can vouch for (printed by ``audit verify``)."""
    files = anchor_files(db)
    if files is None:
        if getattr(db, "dialect", "") == "postgresql":
            return (
                "PostgreSQL store: no head anchor file (the workers share no folder); "
                "compare the head with one recorded earlier (--head)"
            )
        return "in-memory database: no head anchor"
    if not files.head.exists():
        return (
            f"no head anchor beside the database ({files.head}): deletion of the last rows "
            "cannot be ruled out; compare the head with one recorded earlier (--head)"
        )
    if not files.key.exists():
        return f"head anchor {files.head} checked, but without its key ({files.key})"
    return f"head anchor {files.head} checked with its key"


def count(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def events(db: Any) -> dict[str, int]:
    """Rows of the log by event, alphabetically."""
    rows = db.execute("SELECT event, count(*) FROM audit_log GROUP BY 1 ORDER BY 1").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
