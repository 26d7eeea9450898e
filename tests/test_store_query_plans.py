"""The crawl's per-item lookups stay on indexes as the store grows (issue 16 item 4).

Every statement a contact save, a suppression check and an opposition probe run is recorded
as it runs, then ``EXPLAIN QUERY PLAN`` must show no full scan of a table: a store of a
million contacts answers each in a few index probes (measured in ``bench/growth.py``; speed
is never asserted here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from compliant_scraper.provenance import Provenance
from compliant_scraper.store import runs
from compliant_scraper.store.contacts import ContactWriter
from compliant_scraper.store.database import open_database
from compliant_scraper.store.opposition import OppositionScreen
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction


class Recording:
    """Wraps a ``SqliteDb``'s ``execute`` to keep each distinct statement it runs."""

    def __init__(self, db: SqliteDb) -> None:
        self.db = db
        self.statements: dict[str, list[Any]] = {}
        self._execute = db.execute
        self._read = db.read

    def __enter__(self) -> Recording:
        def execute(sql: str, parameters: Any = None) -> Any:
            self._note(sql, parameters)
            return self._execute(sql, parameters)

        def read(sql: str, parameters: Any = None) -> Any:  # the screening lookups
            self._note(sql, parameters)
            return self._read(sql, parameters)

        self.db.execute = execute  # type: ignore[method-assign]
        self.db.read = read  # type: ignore[method-assign]
        return self

    def _note(self, sql: str, parameters: Any) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            self.statements.setdefault(sql, list(parameters or ()))

    def __exit__(self, *exc: object) -> None:
        del self.db.execute
        del self.db.read


def full_scans(db: SqliteDb, sql: str, parameters: list[Any]) -> list[str]:
    """The plan lines that read a whole table (``SCAN t``; ``SEARCH`` uses an index; the
    ``SCAN CONSTANT ROW`` of a ``SELECT`` without ``FROM`` reads no table)."""
    plan = db.conn.execute(f"EXPLAIN QUERY PLAN {sql}", parameters).fetchall()
    lines = [str(row[3]) for row in plan]
    return [line for line in lines if line.startswith("SCAN ") and line != "SCAN CONSTANT ROW"]


def provenance(url: str) -> Provenance:
    return Provenance(
        source_url=url,
        retrieved_at="2026-12-04T10:00:00Z",
        spider="directory",
        run_id="r1",
        policy_file="domains/example.test.toml",
        policy_sha256="0" * 64,
        robots_sha256="1" * 64,
        method="json-ld",
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[SqliteDb]:
    database = open_database(tmp_path / "c.db")
    with transaction(database):
        runs.start(database, "r1", "directory", "p", "2026-12-04T10:00:00Z")
    writer = ContactWriter(database, "p", "basis", 100)
    for i in range(200):  # enough rows for the planner to prefer an index when it has one
        writer.save(
            {"name": f"Person {i}", "email": f"p{i}@acme.test", "phone": f"+3361234{i:04d}"},
            provenance(f"http://example.test/{i}"),
            ["name", "email", "phone"],
        )
    writer.flush()
    database.conn.execute("ANALYZE")
    yield database
    database.close()


def lookups(db: SqliteDb, tmp_path: Path) -> dict[str, list[Any]]:
    """Run what one crawled item costs the store, and return the statements it ran."""
    writer = ContactWriter(db, "p", "basis", 100)
    suppression = SuppressionList.open(db, tmp_path / "c.db.key")
    with Recording(db) as recording:
        for contact in [
            {"name": "New Person", "email": "new@acme.test", "phone": "+33699999999"},
            {"name": "Other Name", "email": "p1@acme.test"},  # found by email
            {"name": "Third Name", "phone": "+33612340002"},  # found by phone
            {"name": "Person 3"},  # found by name
        ]:
            writer.save(contact, provenance("http://example.test/x"), sorted(contact))
        suppression.is_suppressed("email", "p1@acme.test")
        suppression.is_suppressed("phone", "+33612340002")
        "+33612340002" in OppositionScreen(db, ["bloctel"])  # noqa: B015 - the probe itself
    writer.flush()
    return recording.statements


def test_every_per_item_lookup_uses_an_index(db: SqliteDb, tmp_path: Path) -> None:
    statements = lookups(db, tmp_path)
    assert any("dedupe_key IN" in sql for sql in statements)  # the de-duplication lookup ran
    assert any("FROM suppression" in sql for sql in statements)
    assert any("opposition_numbers" in sql for sql in statements)
    scans = {sql: found for sql, p in statements.items() if (found := full_scans(db, sql, p))}
    assert scans == {}


@pytest.mark.parametrize("index", ["contacts_phone", "contacts_email"])
def test_a_missing_index_is_seen(db: SqliteDb, tmp_path: Path, index: str) -> None:
    """The check above can fail: without the phone (or email) index, the de-duplication
    lookup by that column reads the whole table."""
    with transaction(db):
        db.execute(f"DROP INDEX idx_{index}")
    statements = lookups(db, tmp_path)
    scans = [line for sql, p in statements.items() for line in full_scans(db, sql, p)]
    assert scans
    assert all(line.startswith("SCAN contacts") for line in scans)


def test_opposition_screen_probe_is_a_key_search(tmp_path: Path) -> None:
    """The opposition numbers table is keyed on (list, number): a probe is one search."""
    database = open_database(tmp_path / "o.db")
    with Recording(database) as recording:
        "+33612345678" in OppositionScreen(database, ["bloctel"])  # noqa: B015
    probes = [sql for sql in recording.statements if "opposition_numbers" in sql]
    assert probes
    assert all(full_scans(database, sql, recording.statements[sql]) == [] for sql in probes)
    database.close()
