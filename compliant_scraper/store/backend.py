"""The store interface: what every query module of ``store/`` is written against.

A backend is one class implementing ``Db``: ``sqlite.SqliteDb`` (the embedded default, one
file through sqlite-utils) and ``postgres.PostgresDb`` (psycopg 3, the shared store of
cluster mode; DESIGN.md, scale path). The query modules (``contacts``, ``sources``, ``exports``,
``notices``, ``events``, ``opposition``, ``suppression``, ``runs``) are plain functions over a
``Db``, in the sqlite-utils style, so the second backend implements this class, not them,
and runs the same tests (``tests/conftest.py``: the ``store_db`` fixture runs each store test
on both).

Rules for the SQL in the query modules, so both backends accept it unchanged:

- Placeholders are ``?`` (a backend whose driver wants ``%s`` translates them); no ``?`` and
  no ``%`` inside an SQL literal.
- New ids come back with ``RETURNING id`` (SQLite >= 3.35), never ``cursor.lastrowid``.
- ``INSERT ... ON CONFLICT ... DO NOTHING / DO UPDATE`` (not ``INSERT OR IGNORE``).
- Standard functions only (``count``, ``min``, ``max``, ``sum``, ``coalesce``, ``lower``,
  ``CASE``); dates are ISO 8601 text compared as text. Where a statement cannot be shared
  (the schema, ``PRAGMA``, Datasette's canned queries), it lives in the backend's module.
- Writes happen inside ``transaction.transaction(db)`` (or a ``transaction.Batch``), never
  with ``with db.conn:``, which under sqlite-utils 4 opens no transaction at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol


class Cursor(Protocol):
    """The DB-API cursor subset the query modules read."""

    @property
    def description(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    """One connection to one compliance store."""

    dialect: str
    """``"sqlite"`` or ``"postgresql"``: for the few statements that differ."""

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert many rows at once, inside a transaction (SQLite: ``executemany``;
        PostgreSQL: ``COPY``, about 6x faster than its ``executemany`` on a national list)."""
        ...

    @property
    def in_transaction(self) -> bool: ...

    def begin_write(self) -> None:
        """Open a transaction holding the write lock from its start (SQLite: ``BEGIN
        IMMEDIATE``), so what it reads cannot change before it writes."""
        ...

    def commit_write(self) -> None: ...

    def rollback_write(self) -> None:
        """Roll back the open transaction, if the error left one open."""
        ...

    def savepoint(self, name: str) -> None: ...

    def release_savepoint(self, name: str) -> None: ...

    def rollback_to_savepoint(self, name: str) -> None: ...

    def lock_keys(self, keys: Iterable[str]) -> None:
        """Hold a lock on each of these keys until the transaction ends, taken in one sorted
        order (SQLite: ``BEGIN IMMEDIATE`` already serialises writers; PostgreSQL:
        transaction-level advisory locks). De-duplication and suppression lock identities."""
        ...

    def lock_audit_chain(self) -> None:
        """Serialise appends to the audit chain until the commit (SQLite: already held by
        ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-level advisory lock)."""
        ...

    def anchor_base(self) -> Path | None:
        """The path the audit head anchor files are named after (``<base>.audit-head``),
        or None when the store has no place for them (an in-memory database)."""
        ...

    def close(self) -> None: ...


def rows_as_dicts(cursor: Cursor) -> list[dict[str, Any]]:
    """Every row of ``cursor`` as a dict keyed by column name."""
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def marks(values: Sequence[Any]) -> str:
    """``?, ?, ?``: one placeholder per value, for ``IN (...)``."""
    return ", ".join("?" for _ in values)


def chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    """``values`` in slices of at most ``size`` (SQLite limits the placeholders a statement
    may hold)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
