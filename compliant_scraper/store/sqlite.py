"""The embedded default backend: one SQLite file, through sqlite-utils (``backend.Db``).

``SqliteDb`` is a sqlite-utils ``Database`` (so migrations and ad-hoc inspection keep
sqlite-utils' API) that also implements the store interface. Its connection runs in
driver-level autocommit (``isolation_level = None``): no statement ever opens a transaction
behind the code's back, as Python's ``sqlite3`` otherwise does before an ``INSERT``; every
transaction is an explicit one, opened by ``transaction.transaction``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

if TYPE_CHECKING:
    from .backend import Db


class SqliteDb(Database):
    dialect = "sqlite"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(Path(path))
        self.conn.isolation_level = None

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """The statement, straight to the driver: with no implicit transaction to manage,
        sqlite-utils' bookkeeping around it has nothing to do (and this is the hot path)."""
        return self.conn.execute(sql, () if parameters is None else parameters)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if not self.conn.in_transaction:
            raise RuntimeError("executemany writes belong inside store.transaction.transaction()")
        self.conn.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def begin_write(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def commit_write(self) -> None:
        self.conn.execute("COMMIT")

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

    def lock_audit_chain(self) -> None:
        """``BEGIN IMMEDIATE`` already holds the only write lock SQLite has."""

    def anchor_base(self) -> Path | None:
        return main_file(self)


def main_file(db: Any) -> Path | None:
    """The file of an SQLite connection's main database; None when it is in memory."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None  # pragma: no cover - SQLite always lists "main"


if TYPE_CHECKING:

    def _implements_the_store_interface(db: SqliteDb) -> Db:
        return db  # mypy checks SqliteDb against the protocol here
