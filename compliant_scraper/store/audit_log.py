"""The tamper-evident audit log (R10): an append-only hash chain in the ``audit_log`` table,
committing to the data rows each transaction wrote.

Each row holds the sha256 of the previous row (``prev_sha256``) and of its own content
(``sha256`` = sha256 of ``prev_sha256`` + the canonical JSON of id, at, event, details), so
editing, inserting or deleting any row breaks the chain from that row on. Details never hold
a raw identifier (email, phone): only keyed hashes, counts, ids, reasons and row digests.

The chain covers the data (issue 10 item 13): every transaction that changed a covered
table ends with a ``rows`` entry holding the sha256 of each row it wrote and the keys of the
rows it deleted (``audit_rows``), and ``verify`` recomputes the tables against the replayed
entries, naming each row changed, added or deleted outside compliant-scraper.

A chain alone cannot show that its *last* rows were deleted: what remains is still a valid
chain. So every committed append also updates a **head anchor** outside the database, in
``<db>.audit-head``: the id and sha256 of the newest row, authenticated with an HMAC whose
key does not sit beside the database: ``COMPLIANCE_AUDIT_KEY_FILE``, by default a file of its
own in ``$XDG_CONFIG_HOME/compliant-scraper/audit-keys/`` (created owner-only on first use,
never followed through a symbolic link). ``verify`` checks the table against the anchor and
fails when the anchor or its key is missing, unless a head recorded elsewhere is given
(``audit anchor`` writes one; ``audit verify --head`` checks it).

When: ``append`` queues the row on the open transaction (``transaction.py``); it is written
last, just before the commit, and the anchor is rewritten after the commit, under a file
lock and only ever forward. A transaction that rolls back leaves neither behind, so ``verify``
never reports rows missing that were never committed.

Events: ``run_start``, ``run_end``, ``refusal_batch``, ``drop_batch`` (the crawl store),
``opposition_import`` and ``suppression_add`` (``store.opposition``, ``store.suppression``),
``export``, ``export_amended``, ``purge``, ``notice_sent``, ``notice_exempt`` and
``subject_<action>`` for data-subject requests (tooling/), ``rows`` (what each transaction
wrote) and ``rows_baseline`` (the rows a store held when the coverage began).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..clock import utcnow
from ..errors import StoreError
from ..hashing import PrivateFileError, create_private_file, read_private_file, sha256_hex
from . import audit_rows, transaction
from .backend import Db
from .sqlite import main_file

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
HEAD_SUFFIX = ".audit-head"
KEY_SUFFIX = ".audit-key"  # beside the database: where versions before 0.x kept the key
KEY_ENV = "COMPLIANCE_AUDIT_KEY_FILE"


class AuditKeyError(StoreError):
    """The head anchor's key file cannot be used (a link, not the user's, readable by others)."""


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


def _cover(db: Db) -> None:
    """Just before any transaction commits: one ``rows`` entry with what it wrote."""
    take = getattr(db, "take_changes", None)
    if take is None:
        return
    noted = take()
    if not noted:
        return
    text = json.dumps(audit_rows.changes(db, noted), ensure_ascii=False, sort_keys=True)
    _write_row(db, utcnow(), audit_rows.ROWS_EVENT, text)
    transaction.after_commit(db, lambda: refresh_anchor(db), key=_ANCHOR_HOOK)


transaction.before_every_commit(_cover)


def write_baseline(
    db: Db, tables: Iterable[str] | None = None, unvouched: Sequence[str] = ()
) -> None:
    """The ``rows_baseline`` entry of a migration: of every covered table (a store written
    before the coverage), or of ``tables`` (a migration changed their columns, so every
    row's digest changed, or starts covering them), with ``unvouched``, the differences
    they showed before it (``audit_rows.baseline``)."""
    only = None if tables is None else sorted(tables)
    with transaction.transaction(db):
        append(db, audit_rows.BASELINE_EVENT, audit_rows.baseline(db, only, unvouched))


def covering_entries(db: Any) -> list[tuple[str, str]]:
    """(event, details) of the ``rows`` and ``rows_baseline`` entries, in order."""
    return [
        (str(event), str(details))
        for event, details in db.execute(
            "SELECT event, details FROM audit_log WHERE event IN (?, ?) ORDER BY id",
            [audit_rows.ROWS_EVENT, audit_rows.BASELINE_EVENT],
        )
    ]


def data_differences(db: Any, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(table, message) of each covered row that differs from what the log says now."""
    state = audit_rows.expected_state(covering_entries(db))
    return audit_rows.table_differences(db, state, skip)


# -- the head anchor --------------------------------------------------------------------------


@dataclass(frozen=True)
class AnchorFiles:
    head: Path
    key: Path

    @property
    def lock(self) -> Path:
        return self.head.with_name(self.head.name + ".lock")


def default_key_file(db_file: str | os.PathLike[str]) -> Path:
    """Where the head anchor's key of the database ``db_file`` lives when no setting says:
    ``COMPLIANCE_AUDIT_KEY_FILE`` from the environment; else a key beside the database from
    an earlier version (kept working); else a file of its own, named after the database's
    real path, in ``$XDG_CONFIG_HOME/compliant-scraper/audit-keys/`` (``~/.config``): never
    beside the database, so whoever copies the folder does not get the key with it."""
    env = os.environ.get(KEY_ENV)
    if env:
        return Path(env)
    legacy = Path(f"{db_file}{KEY_SUFFIX}")
    if os.path.lexists(legacy):
        return legacy
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    real = os.path.realpath(db_file)
    return (
        Path(config)
        / "compliant-scraper"
        / "audit-keys"
        / (f"{Path(real).name}-{sha256_hex(real)[:16]}.key")
    )


def anchor_files(db: Any) -> AnchorFiles | None:
    """Where the head anchor of ``db`` lives; None for an in-memory or shared database."""
    base = db.anchor_base() if hasattr(db, "anchor_base") else main_file(db)
    if base is None:
        return None
    key = getattr(db, "audit_key_file", None) or default_key_file(base)
    return AnchorFiles(Path(f"{base}{HEAD_SUFFIX}"), Path(key))


def refresh_anchor(db: Db) -> None:
    """Point the head anchor at the newest committed row (after a commit).

    Concurrent writers each refresh it after their own commit, in any order: under a file
    lock, the anchor only ever moves forward, so the last to finish never puts back an
    older head.
    """
    files = anchor_files(db)
    if files is None:
        return
    try:
        _refresh(db, files)
    except (AuditKeyError, OSError) as exc:
        # After the commit: the data is stored, so this must not look like a failed write.
        # ``verify`` will report the anchor behind the log until it is fixed.
        logger.error("The audit log's head anchor %s was not updated: %s", files.head, exc)


def check_key(db: Any) -> None:
    """Refuse to write a store whose anchor key exists but cannot be used (before anything
    is written, so the anchor never falls behind for that reason)."""
    files = anchor_files(db)
    if files is not None and os.path.lexists(files.key):
        _read_key(files.key)


def _refresh(db: Db, files: AnchorFiles) -> None:
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


def _read_key(path: Path) -> bytes:
    try:
        return read_private_file(path, "audit key").strip().encode("ascii")
    except PrivateFileError as exc:
        raise AuditKeyError(f"{exc} (COMPLIANCE_AUDIT_KEY_FILE)") from None


def _load_or_create_key(path: Path) -> bytes:
    if not os.path.lexists(path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        create_private_file(path, secrets.token_hex(32) + "\n")
    return _read_key(path)


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
    """Recompute the chain, the data rows it covers, and check the head anchor (and
    ``expected``, a head recorded earlier); the first problem found, or None when intact."""
    prev = GENESIS
    expected_id = 1
    shas: dict[int, str] = {}
    covering: list[tuple[str, str]] = []
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
        if event in (audit_rows.ROWS_EVENT, audit_rows.BASELINE_EVENT):
            covering.append((event, details))
        prev = sha
        expected_id += 1
    last = expected_id - 1
    if covers_rows(db):
        differ = audit_rows.earlier_differences(covering) + audit_rows.differences(
            db, audit_rows.expected_state(covering)
        )
        if differ:
            named = "; ".join(differ[: audit_rows.MAX_NAMED])
            more = len(differ) - audit_rows.MAX_NAMED
            return Break(
                last,
                f"{len(differ)} data row(s) differ from the audit log: {named}"
                + (f"; and {more} more" if more > 0 else ""),
            )
    if expected is not None:
        found = _check_head(shas, last, expected, "the expected head")
        if found is not None:
            return found
    files = anchor_files(db)
    if files is None:
        return None
    return _check_anchor(files, shas, last, recorded=expected is not None)


def covers_rows(db: Any) -> bool:
    """Does this store record what each transaction wrote? SQLite: always (a store from
    before gets a baseline when it is opened for writing); PostgreSQL: once its triggers
    are in (``postgres_schema.ROW_COVERAGE``)."""
    if getattr(db, "dialect", "sqlite") != "postgresql":
        return True
    row = db.execute(
        "SELECT 1 FROM _pg_migrations WHERE name = ?", [audit_rows.PG_COVERAGE_MIGRATION]
    ).fetchone()
    return row is not None


def _check_head(shas: dict[int, str], last: int, wanted: Head, what: str) -> Break | None:
    if wanted.row_id > last:
        return Break(
            last + 1,
            f"rows {last + 1}..{wanted.row_id} are missing: {what} names row {wanted.row_id} "
            f"but the log ends at row {last}",
        )
    if wanted.row_id < 1 or shas[wanted.row_id] != wanted.sha256:
        return Break(wanted.row_id, f"row {wanted.row_id} does not match {what}")
    return None


def _check_anchor(
    files: AnchorFiles, shas: dict[int, str], last: int, *, recorded: bool
) -> Break | None:
    """The anchor and its key must both be there, unless a head recorded elsewhere was
    checked instead (``recorded``): a log whose anchor is gone cannot vouch for its end."""
    if not files.head.exists():
        if recorded or last == 0:
            return None
        return Break(
            last,
            f"the head anchor {files.head} is missing: deletion of the last rows cannot be "
            "ruled out. Check against a head recorded earlier (audit verify --head)",
        )
    try:
        anchor = json.loads(files.head.read_text())
        anchored = Head(int(anchor["id"]), str(anchor["sha256"]))
        mac = str(anchor["hmac"])
    except (ValueError, KeyError, TypeError):
        return Break(last, f"the head anchor {files.head} is unreadable")
    if not os.path.lexists(files.key):
        if not recorded:
            return Break(
                anchored.row_id,
                f"the head anchor's key {files.key} is missing, so the anchor cannot be "
                "checked: point COMPLIANCE_AUDIT_KEY_FILE (or --audit-key-file) at it, or "
                "check against a head recorded earlier (--head)",
            )
    else:
        key = _read_key(files.key)
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


# -- a signed head published outside the database (``audit anchor``) -------------------------

SIGNATURE: Final = "hmac-sha256"


def head_key_file(db: Any, key_file: str | os.PathLike[str] | None) -> Path | None:
    """The key a published head is signed with: ``key_file`` (or COMPLIANCE_AUDIT_KEY_FILE),
    else the anchor's key of a SQLite store; None for a PostgreSQL store without one."""
    if key_file is not None:
        return Path(key_file)
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    files = anchor_files(db)
    return None if files is None else files.key


def signed_head(wanted: Head, key_file: Path) -> str:
    """The signature line of a published head (the key is created owner-only if missing)."""
    return f"{SIGNATURE} {_mac(_load_or_create_key(key_file), wanted.row_id, wanted.sha256)}"


def signature_matches(wanted: Head, mac: str, key_file: Path) -> bool:
    return hmac.compare_digest(mac, _mac(_read_key(key_file), wanted.row_id, wanted.sha256))


def anchor_state(db: Any) -> str:
    """One line on what the head anchor can vouch for (printed by ``audit verify``)."""
    files = anchor_files(db)
    if files is None:
        if getattr(db, "dialect", "") == "postgresql":
            return (
                "PostgreSQL store: no head anchor file (the workers share no folder): publish "
                "a signed head with audit anchor --out on a schedule, check it with --head FILE"
            )
        return "in-memory database: no head anchor"
    if not files.head.exists():
        return (
            f"no head anchor beside the database ({files.head}): deletion of the last rows "
            "cannot be ruled out; compare the head with one recorded earlier (--head)"
        )
    if not os.path.lexists(files.key):
        return f"head anchor {files.head} read, but its key {files.key} is missing"
    return f"head anchor {files.head} checked with its key {files.key}"


def count(db: Any) -> int:
    return int(db.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def events(db: Any) -> dict[str, int]:
    """Rows of the log by event, alphabetically."""
    rows = db.execute("SELECT event, count(*) FROM audit_log GROUP BY 1 ORDER BY 1").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}
