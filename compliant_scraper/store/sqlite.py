"""The embedded default backend: one SQLite file, through sqlite-utils (``backend.Db``).

``SqliteDb`` is a sqlite-utils ``Database`` (so migrations and ad-hoc inspection keep
sqlite-utils' API) that also implements the store interface. Its connection runs in
driver-level autocommit (``isolation_level = None``): no statement ever opens a transaction
behind the code's back, as Python's ``sqlite3`` otherwise does before an ``INSERT``; every
transaction is an explicit one, opened by ``transaction.transaction``.

Writers wait for each other: the connection's busy timeout (``COMPLIANCE_DB_BUSY_TIMEOUT``,
30 s by default) is how long ``BEGIN IMMEDIATE`` waits for another writer's transaction to
end. When it runs out, ``StoreBusyError`` names the database and says what to do, instead
of SQLite's bare "database is locked" (issue 9 item 14).

``read_only=True`` opens the file with ``mode=ro`` (reporting commands, issue 9 item 13):
no statement can write it, no journal mode is changed, nothing is created beside it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import quote

from sqlite_utils import Database

from ..errors import StoreError
from .transaction import transaction

if TYPE_CHECKING:
    from .backend import Db

logger = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT: Final = 30.0


class StoreBusyError(StoreError):
    """Another writer held the database longer than the busy timeout."""


def is_busy(exc: BaseException) -> bool:
    """Is this SQLite's "database is locked" / "busy" (another writer holds the lock)?"""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _connect(
    path: Path, busy_timeout: float, read_only: bool | Literal["immutable"]
) -> sqlite3.Connection:
    # check_same_thread=False: `scrapy shell` builds the crawl's components (and opens this
    # store) in its main thread, then runs the engine in the reactor's thread. A connection
    # is still used by one thread at a time (issue 9 item 6).
    if str(path) == ":memory:":
        return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    if read_only:
        # immutable: a copy in a folder this user cannot write, whose WAL has been
        # checkpointed (database.open_read_only decides); SQLite then needs no -shm file.
        flag = "immutable=1" if read_only == "immutable" else "mode=ro"
        uri = f"file:{quote(str(path.absolute()))}?{flag}"
        return sqlite3.connect(
            uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
    return sqlite3.connect(
        path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
    )


class SqliteDb(Database):
    dialect = "sqlite"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        read_only: bool | Literal["immutable"] = False,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self.upgraded: list[str] = []  # migrations applied to an existing store on opening
        self.tracking = False
        self._covered_changes = 0
        self.audit_key_file: Path | None = None  # None: audit_log.default_key_file
        # The -wal/-shm files a mode=ro reader may make beside a WAL store: removed on close
        # when this reader made them (a report must not change an evidence folder).
        made: tuple[Path, ...] = ()
        if read_only is True:
            sides = (self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))
            made = tuple(p for p in sides if not os.path.lexists(p))
        super().__init__(_connect(self.path, busy_timeout, read_only))
        # Run by close(), or at exit for a command that never closes its store.
        self._tidy = weakref.finalize(self, _close_and_tidy, self.conn, self.path, made)
        self.conn.isolation_level = None
        self.conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        if not read_only:
            # An erased email or phone must not stay readable in the file's free pages
            # (issue 10 item 9): every connection that may delete overwrites what it frees.
            self.conn.execute("PRAGMA secure_delete = ON")

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """The statement, straight to the driver: with no implicit transaction to manage,
        sqlite-utils' bookkeeping around it has nothing to do (and this is the hot path)."""
        if self.tracking and not self.conn.in_transaction:
            self._cover_autocommitted()  # an earlier statement's, before this one reads
        cursor = self.conn.execute(sql, () if parameters is None else parameters)
        if self.tracking and not self.conn.in_transaction:
            self._cover_autocommitted()  # this statement's own, before another reader looks
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if not self.conn.in_transaction:
            raise RuntimeError("executemany writes belong inside store.transaction.transaction()")
        self.conn.executemany(sql, rows)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        self.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows,
        )

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def busy_error(self, exc: BaseException) -> StoreBusyError:
        """What to say when the lock could not be had (``exc`` is SQLite's own error)."""
        return StoreBusyError(
            f"the database {self.path} is locked by another writer (waited "
            f"{self.busy_timeout:g} s; SQLite said: {exc}). Another crawl or command is "
            "writing it: wait for it to finish and run this again, or raise "
            "COMPLIANCE_DB_BUSY_TIMEOUT"
        )

    def _waiting(self, sql: str) -> None:
        """``sql`` (which may wait for the lock), SQLite's busy error made ``StoreBusyError``."""
        try:
            self.conn.execute(sql)
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise self.busy_error(exc) from exc
            raise

    def begin_write(self) -> None:
        self._waiting("BEGIN IMMEDIATE")

    def commit_write(self) -> None:
        self._waiting("COMMIT")

    def rollback_write(self) -> None:
        if self.conn.in_transaction:  # an error may already have ended it
            self.conn.execute("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def release_savepoint(self, name: str) -> None:
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def rollback_to_savepoint(self, name: str) -> None:
        if self.conn.in_transaction:
            self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def lock_keys(self, keys: Iterable[str]) -> None:
        """``BEGIN IMMEDIATE`` already holds the only write lock SQLite has."""

    # -- what each transaction wrote (audit_log, audit_rows) --------------------------------

    def track_changes(self, tables: Mapping[str, Sequence[str]]) -> None:
        """Note the key of every row this connection inserts, updates or deletes in
        ``tables`` (table -> key columns), with temporary triggers: ``take_changes`` reads
        them at commit time. Another program's writes are not noted, and so stand out."""
        self.conn.execute(
            # No unique key: a trigger's own conflict clause is overridden by the outer
            # statement's (an upsert's), so duplicates are kept and folded at commit time.
            "CREATE TEMP TABLE IF NOT EXISTS cs_changes (tbl TEXT NOT NULL, "
            "rid INTEGER NOT NULL, key TEXT NOT NULL)"
        )
        listed = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        present = {str(r[0]) for r in listed}
        for table, columns in tables.items():
            if table not in present:
                continue
            new = "json_array(" + ", ".join(f"NEW.{c}" for c in columns) + ")"
            old = "json_array(" + ", ".join(f"OLD.{c}" for c in columns) + ")"
            note = f"INSERT INTO cs_changes VALUES ('{table}', "
            bodies = {
                "INSERT": f"{note}NEW.rowid, {new});",
                "UPDATE": f"{note}OLD.rowid, {old}); {note}NEW.rowid, {new});",
                "DELETE": f"{note}OLD.rowid, {old});",
            }
            for action, body in bodies.items():
                self.conn.execute(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS cs_{action.lower()}_{table} "
                    f"AFTER {action} ON main.{table} BEGIN {body} END"
                )
        self._covered_changes = self.conn.total_changes
        self.tracking = True

    @contextmanager
    def atomic(self) -> Iterator[SqliteDb]:
        """sqlite-utils' own transactions (``insert``, ``upsert``, migrations) are this
        package's ``transaction``: write-locked from the start, and covered by the audit
        log's ``rows`` entry in the same commit."""
        with transaction(self):
            yield self

    def _cover_autocommitted(self) -> None:
        """A write outside ``transaction`` (sqlite-utils' helpers, an ad-hoc statement) was
        committed on its own: cover it with its ``rows`` entry at once."""
        if self.conn.total_changes != self._covered_changes:
            with transaction(self):
                pass  # its commit hook writes the rows entry, if the triggers noted any
            self._covered_changes = self.conn.total_changes

    def take_changes(self) -> list[tuple[str, int, str]]:
        """(table, rowid, key) of each row changed since the last call, forgotten now (in
        the open transaction: a rollback brings them back)."""
        if not self.tracking:
            return []
        rows = self.conn.execute("SELECT tbl, rid, key FROM temp.cs_changes").fetchall()
        if rows:
            self.conn.execute("DELETE FROM temp.cs_changes")
        return [(str(t), int(r), str(k)) for t, r, k in rows]

    def close(self) -> None:
        """Close, after covering any change written outside ``transaction`` (an autocommit
        statement) with its ``rows`` entry, so the audit log knows every row this wrote."""
        if self.tracking and not self.in_transaction:
            try:
                if self.conn.execute("SELECT 1 FROM temp.cs_changes LIMIT 1").fetchone():
                    with transaction(self):
                        pass  # its commit hook writes the rows entry
            except sqlite3.Error as exc:
                logger.error("%s: changes not covered by the audit log: %s", self.path, exc)
        super().close()
        self._tidy()

    def lock_audit_chain(self) -> None:
        """``BEGIN IMMEDIATE`` already holds the only write lock SQLite has."""

    def anchor_base(self) -> Path | None:
        return main_file(self)


def _close_and_tidy(conn: sqlite3.Connection, path: Path, made: tuple[Path, ...]) -> None:
    conn.close()
    if any(p.exists() for p in made):
        _remove_reader_files(path)


def _remove_reader_files(path: Path) -> None:
    """Remove the empty ``-wal`` and the ``-shm`` a read-only connection left beside ``path``,
    the way SQLite itself does: the last connection to close a WAL database checkpoints it
    (an empty log: nothing is written to the file) and deletes both, but only while it can
    lock the database exclusively, so never under another connection, of this process or
    another, that is using them. A connection that cannot write the file leaves them."""
    uri = f"file:{quote(str(path.absolute()))}?mode=rw"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:  # busy, or not writable: the files stay, as SQLite leaves them
        logger.debug("%s: left its -wal/-shm files: %s", path, exc)


def main_file(db: Any) -> Path | None:
    """The file of an SQLite connection's main database; None when it is in memory."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None  # pragma: no cover - SQLite always lists "main"


if TYPE_CHECKING:

    def _implements_the_store_interface(db: SqliteDb) -> Db:
        return db  # mypy checks SqliteDb against the protocol here
