"""Open the compliance database: for writing (owner-only file, WAL, migrated) or read-only.

Two ways in (issue 9 item 13):

- ``open_database``: crawls and the commands that write. Creates the file owner-only if it
  is missing, tightens an existing one to 0600, sets WAL, and applies pending migrations
  under the write lock, saying so (a WARNING naming the migrations) when the file had an
  older schema.
- ``open_read_only``: the reporting commands (``audit``, ``audit verify``, ``provenance``,
  ``register``, ...). ``mode=ro``: never a migration, a chmod, a journal-mode change or a
  file created beside it, so an evidence copy on read-only media can be reported on.

Both refuse, with ``NotAStoreError`` naming the file, anything that is not a compliant-scraper
store: a file that is not SQLite, or another program's SQLite database (tables, but none of
this package's migrations). A new, empty file is a store not yet created (writers only).

Neither follows a symbolic link (issue 10 item 12): the path must be the database itself,
a regular file, so a link cannot point a crawl at another application's database or
make it chmod the target.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import stat
from pathlib import Path
from typing import Final

from ..errors import StoreError
from . import audit_log, audit_rows, schema, schema_tooling
from .sqlite import DEFAULT_BUSY_TIMEOUT, SqliteDb
from .transaction import transaction

logger = logging.getLogger(__name__)

MIGRATION_SETS = (schema.migrations, schema_tooling.migrations)
MIGRATIONS_TABLE = "_sqlite_migrations"
COVERAGE_MIGRATION = "m005_audit_covers_rows"


class NotAStoreError(StoreError):
    """The file is not a compliant-scraper store (or not one this version can use)."""


class UnsafePathError(StoreError):
    """A database or key path that is a symbolic link, not a regular file, or not the user's."""


def check_regular_file(path: Path, what: str) -> os.stat_result:
    """``lstat`` of ``path``, which must be a regular file (not a symbolic link)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePathError(
            f"{what} {path} is a symbolic link (to {os.readlink(path)}): compliant-scraper "
            "does not follow links to its files; point the setting at the real file"
        )
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(f"{what} {path} is not a regular file")
    return info


SIDE_FILES: Final = {"-wal": "write-ahead log", "-shm": "shared-memory file", "-journal": "journal"}
"""The files SQLite keeps beside a database, by suffix (what each is called in a refusal)."""


def side_file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def check_side_files(path: Path) -> None:
    """The files SQLite opens beside the database must not be symbolic links either: SQLite
    follows a link named ``compliance.db-wal`` and writes its pages into the target."""
    for suffix, what in SIDE_FILES.items():
        side = side_file(path, suffix)
        if os.path.lexists(side):
            check_regular_file(side, f"the database's {what}")


def open_database(
    path: str | os.PathLike[str],
    *,
    migrate: bool = True,
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    audit_key_file: str | os.PathLike[str] | None = None,
    log_upgrade: bool = True,
) -> SqliteDb:
    """Open for writing (creating owner-only if missing) the store at ``path``, migrated.

    An upgrade of an existing store's schema is logged as a WARNING (a crawl's log says
    so) and listed in ``db.upgraded``; ``log_upgrade=False`` for a caller that says it
    itself (the CLI prints it once on standard error: with both, ``export`` said it twice).

    Its folder must exist: a store is never created in a folder made on the fly, because a
    mistyped path would then start an empty store, without the suppression list of the real
    one (issue 14: ``bloctel import --db /nonexistent/x.db`` created the folder).

    The file is created with mode 0600 before SQLite touches it, so no window exists in
    which another user could read it (R10: the export is a personal-data database).
    """
    path = Path(path)
    key = Path(audit_key_file) if audit_key_file else None
    if str(path) == ":memory:":
        return _prepare(SqliteDb(path), path, migrate=migrate, key=key, log=log_upgrade)
    if not path.parent.is_dir():  # a mistyped path must not start a new, empty store
        raise StoreError(
            f"the folder of the database {path} does not exist: create it, or give the path "
            "of the store you mean"
        )
    _create_or_check(path)
    check_side_files(path)
    # Openers take turns (an flock of the folder) while they set the journal mode and
    # migrate, so two first crawls on one new file do not both create it. Never an fd of
    # the database file itself: closing any descriptor of a file drops every POSIX lock the
    # process holds on it, SQLite's included, and concurrent writers then lost committed
    # rows (4 of 12 trials of 4 writers, issue 9 item 14).
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        db = _prepare(
            SqliteDb(path, busy_timeout=busy_timeout),
            path,
            migrate=migrate,
            key=key,
            log=log_upgrade,
        )
    finally:
        os.close(folder)  # releases the flock
    return db


def _prepare(
    db: SqliteDb, path: Path, *, migrate: bool, key: Path | None, log: bool = True
) -> SqliteDb:
    memory = str(path) == ":memory:"
    db.audit_key_file = key
    try:
        _check_is_store(db, path, writing=True)
        if not memory:
            _tighten(path)  # only once it is known to be a store: never another program's file
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        if migrate:
            _migrate(db, path, log=log)
            audit_log.check_key(db)  # a key that is a link, or not private: refuse now
            db.track_changes(audit_rows.COVERED)  # the audit log covers what it writes
    except BaseException:
        db.close()
        raise
    return db


def open_read_only(
    path: str | os.PathLike[str], *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> SqliteDb:
    """Open the existing store at ``path`` read-only: no write of any kind, ever."""
    path = Path(path)
    check_regular_file(path, "database")
    check_side_files(path)
    wal, shm = side_file(path, "-wal"), side_file(path, "-shm")
    if not (wal.exists() or shm.exists()) and not os.access(path, os.W_OK):
        # A write-protected copy, closed cleanly (no write-ahead log): the file is the whole
        # store and no crawl can write it without first changing its mode. Read it as
        # immutable, so SQLite creates no -wal/-shm beside it (an auditor's evidence folder
        # stays as it was).
        db = SqliteDb(path, busy_timeout=busy_timeout, read_only="immutable")
    else:
        db = _open_ro(path, busy_timeout)
    try:
        _check_is_store(db, path, writing=False)
        pending = _pending(db)
        if pending:
            raise NotAStoreError(
                f"the store {path} has an older schema (not applied: {', '.join(pending)}); "
                "reporting commands open it read-only and never upgrade it. Open it (or a "
                "copy of it) once with a command that writes (a crawl, `bloctel import`, "
                "`export`), which upgrades it and says so, then run this again"
            )
    except BaseException:
        db.close()
        raise
    return db


def _open_ro(path: Path, busy_timeout: float) -> SqliteDb:
    """``mode=ro``; SQLite may create the ``-wal``/``-shm`` files a WAL reader needs, and
    ``SqliteDb.close`` (or the exit) removes them again when this reader made them."""
    db = SqliteDb(path, busy_timeout=busy_timeout, read_only=True)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:  # no -shm can be created beside it
        db.close()
        return _open_immutable(path, busy_timeout, exc)
    except sqlite3.DatabaseError:
        pass  # not SQLite at all: _check_is_store says so
    return db


def _open_immutable(path: Path, busy_timeout: float, exc: sqlite3.OperationalError) -> SqliteDb:
    """A WAL store in a folder this user cannot write (an evidence copy on read-only media):
    SQLite cannot create the ``-shm`` file a WAL reader needs. With no ``-wal`` file holding
    uncheckpointed pages, the main file is the whole store and is read as immutable."""
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise NotAStoreError(
            f"cannot open {path} read-only: {exc}. Its write-ahead log {wal} holds pages not "
            "yet in the file and this folder is not writable: copy both files to a writable "
            "folder, or open it where it was written"
        ) from None
    return SqliteDb(path, busy_timeout=busy_timeout, read_only="immutable")


def _create_or_check(path: Path) -> None:
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        check_regular_file(path, "database")
    else:
        os.close(fd)


def _tighten(path: Path) -> None:
    """Make the store owner-only (by path: see ``open_database`` on descriptors)."""
    info = check_regular_file(path, "database")
    if not stat.S_IMODE(info.st_mode) & 0o077:
        return
    if info.st_uid != os.getuid():
        raise UnsafePathError(
            f"database {path} belongs to another user (uid {info.st_uid}) and others can "
            "read it: compliant-scraper writes only a database that is yours"
        )
    os.chmod(path, 0o600)


def _tables(db: SqliteDb, path: Path) -> set[str]:
    try:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise NotAStoreError(
            f"{path} is not a compliant-scraper store: SQLite cannot read it ({exc}). "
            "Pass --db (or COMPLIANCE_DB) the store's path"
        ) from None
    return {str(r[0]) for r in rows}


def _applied(db: SqliteDb) -> dict[str, set[str]]:
    rows = db.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE}").fetchall()
    applied: dict[str, set[str]] = {}
    for migration_set, name in rows:
        applied.setdefault(str(migration_set), set()).add(str(name))
    return applied


def _check_is_store(db: SqliteDb, path: Path, *, writing: bool) -> None:
    tables = _tables(db, path)
    if not tables and writing:
        return  # a new store: the migrations create it
    ours = MIGRATIONS_TABLE in tables and set(_applied(db)) & {m.name for m in MIGRATION_SETS}
    if not ours:
        shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        holds = f"its tables are {shown}" if tables else "it holds no table"
        raise NotAStoreError(
            f"{path} is not a compliant-scraper store ({holds}, and none of compliant-scraper's "
            "migrations): nothing was changed. Pass --db (or COMPLIANCE_DB) the store's path"
        )
    applied = _applied(db)
    unknown = sorted(
        f"{m.name}/{name}"
        for m in MIGRATION_SETS
        for name in applied.get(m.name, set()) - {x.name for x in m._migrations}
    )
    if unknown and writing:
        raise NotAStoreError(
            f"the store {path} was written by a newer compliant-scraper (migrations this "
            f"version does not know: {', '.join(unknown)}): upgrade compliant-scraper first"
        )


def _pending(db: SqliteDb) -> list[str]:
    return [migration.name for s in MIGRATION_SETS for migration in s.pending(db)]


def _migrate(db: SqliteDb, path: Path, *, log: bool = True) -> None:
    """Apply pending migrations under the write lock, so two first crawls on one new file
        do not both create its tables; say so when an existing store is upgraded.

        The audit log keeps covering the data across an upgrade (issue 13): a migration that
        changes the columns of a covered table changes the digest of each of its rows, and one
        listed in ``audit_rows.NEWLY_COVERED`` starts covering a table that already holds rows,
        so the same transaction writes a ``rows_baseline`` of those tables. What they held just
        before the migration is checked against the log first, and any difference is kept in
        that entry, so ``audit verify`` still reports a row changed before the upgrade. Rows a
    migration writes without changing columns are noted as any write is (its ``rows`` entry)."""
    if not _pending(db):
        return
    with transaction(db):
        fresh = MIGRATIONS_TABLE not in _tables(db, path)
        pending = _pending(db)
        covered = not fresh and COVERAGE_MIGRATION not in pending
        newly = {t for name in pending for t in audit_rows.NEWLY_COVERED.get(name, ())}
        before = audit_rows.shapes(db)
        earlier = audit_log.data_differences(db, skip=newly) if covered else []
        if covered:  # a migration's own writes to rows are covered like any other
            db.track_changes(audit_rows.COVERED)
        for migration_set in MIGRATION_SETS:
            migration_set.apply(db)  # each migration a savepoint (sqlite-utils' atomic)
        if not fresh and not covered:  # written before the coverage: vouched for from now on
            audit_rows.set_numbers_digests(db)
            audit_log.write_baseline(db)
        elif covered and (changed := audit_rows.reshaped(before, audit_rows.shapes(db)) | newly):
            kept = [message for table, message in earlier if table in changed]
            audit_log.write_baseline(db, changed, kept)
    if pending and not fresh:
        db.upgraded = pending
        if log:
            logger.warning(
                "Upgraded the schema of the store %s: applied %s", path, ", ".join(pending)
            )
