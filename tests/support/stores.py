"""The store tests run on both backends: the ``store`` and ``store_db`` fixtures.

- ``store``: a ``StoreTarget`` per backend (parametrized ``sqlite`` / ``postgresql``): a
  SQLite file in the test's folder, or a schema of its own on the session's PostgreSQL
  (``tests/support/servers.py``). ``store.open()`` opens (and migrates) one more connection
  to it; ``store.crawl_store()`` the crawl's ``ComplianceStore`` over one.
- ``store_db``: one open connection to it, closed after the test.
- ``count``, ``rows``, ``one``: plain reads, the same on both.

A test that takes ``store_db`` runs twice; one that needs a SQLite file (its permissions,
what its bytes hold) keeps ``open_database``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from compliant_scraper.store.backend import Db, rows_as_dicts
from compliant_scraper.store.database import open_database
from compliant_scraper.store.postgres import close_pool, open_postgres
from compliant_scraper.store.postgres_store import PostgresStore
from compliant_scraper.store.sqlite_store import SqliteStore

BACKENDS = ("sqlite", "postgresql")


@dataclass
class StoreTarget:
    backend: str
    where: str  # a file path or a postgresql:// URL
    opened: list[Db] = field(default_factory=list)

    def open(self) -> Db:
        db: Db = (
            open_database(self.where) if self.backend == "sqlite" else open_postgres(self.where)
        )
        self.opened.append(db)
        return db

    def crawl_store(self, batch_size: int = 500) -> SqliteStore:
        """Batches bounded by count only here (an hour), so no test depends on timing."""
        if self.backend == "sqlite":
            return SqliteStore(self.open(), batch_size, batch_seconds=3600.0)
        return PostgresStore(self.open(), batch_size, batch_seconds=3600.0)

    def close(self) -> None:
        for db in self.opened:
            db.close()
        if self.backend == "postgresql":
            close_pool(self.where)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreTarget]:
    if request.param == "sqlite":
        target = StoreTarget("sqlite", str(tmp_path / "c.db"))
    else:
        target = StoreTarget("postgresql", request.getfixturevalue("postgres_schema_url"))
    try:
        yield target
    finally:
        target.close()


@pytest.fixture
def store_db(store: StoreTarget) -> Db:
    return store.open()


def rows(db: Db, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    return rows_as_dicts(db.execute(sql, list(params)))


def one(db: Db, table: str, key: Any, column: str = "id") -> dict[str, Any]:
    """The row of ``table`` whose ``column`` is ``key`` (names from the test, never input)."""
    [row] = rows(db, f"SELECT * FROM {table} WHERE {column} = ?", [key])
    return row


def count(db: Db, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
