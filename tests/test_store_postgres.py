"""The PostgreSQL store: its schema is SQLite's, and what only concurrent writers can break.

The tests of the store itself run on both backends (``store`` / ``store_db`` fixtures, in
test_store*.py, test_suppression.py, ...). Here: the parity of the two schemas, and what
SQLite's single write lock gives for free but PostgreSQL must earn with advisory locks: no
person stored twice by writers racing, and an erasure that no writer in flight can undo.
Every server is real (tests/support/servers.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.stores import count, rows

from compliant_scraper.provenance import Provenance
from compliant_scraper.store import postgres_schema, schema_shape
from compliant_scraper.store.contacts import ContactWriter
from compliant_scraper.store.database import open_database
from compliant_scraper.store.postgres import PostgresDb, close_pool, open_postgres, translate
from compliant_scraper.store.postgres_store import PostgresStore
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import Batch, transaction
from compliant_scraper.tooling.lookup import parse_identifier
from compliant_scraper.tooling.subjects import remove_person

AT = "2026-11-23T10:00:00Z"


@pytest.fixture
def pg(postgres_schema_url: str) -> Iterator[str]:
    yield postgres_schema_url
    close_pool(postgres_schema_url)


def _prov(url: str) -> Provenance:
    return Provenance(url, AT, "directory", "run1", "d.toml", "p" * 64, "r" * 64, "json-ld")


def _with_run(url: str) -> PostgresDb:
    db = open_postgres(url)
    with transaction(db):
        db.execute(
            "INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p') "
            "ON CONFLICT (id) DO NOTHING"
        )
    return db


# -- the schemas --------------------------------------------------------------------------------


def test_the_two_schemas_are_the_same(pg: str, tmp_path: Path) -> None:
    sqlite = schema_shape.shape(open_database(tmp_path / "c.db"))
    postgres = schema_shape.shape(open_postgres(pg))
    assert schema_shape.differences(sqlite, postgres, ("sqlite", "postgresql")) == []
    assert len(sqlite) == 22  # the comparison saw every table


def test_the_parity_check_names_a_drift(pg: str, tmp_path: Path) -> None:
    """A migration on one backend only is caught: a column on PostgreSQL, an index on SQLite."""
    extra = postgres_schema.Migration(
        "p999_drift", ("ALTER TABLE contacts ADD COLUMN nickname TEXT",)
    )
    db = open_postgres(pg)
    assert postgres_schema.apply(db, (*postgres_schema.MIGRATIONS, extra)) == ["p999_drift"]
    sqlite = open_database(tmp_path / "c.db")
    sqlite.execute("CREATE UNIQUE INDEX idx_drift ON contacts (email)")
    found = schema_shape.differences(
        schema_shape.shape(sqlite), schema_shape.shape(db), ("sqlite", "postgresql")
    )
    assert found == [
        "table contacts: column Column(name='nickname', type='TEXT', not_null=False, pk=0) "
        "only in postgresql",
        "table contacts: index Index(columns=('email',), unique=True, partial=False) only in "
        "sqlite",
    ]


def test_migrations_run_once_however_many_workers_start_together(pg: str) -> None:
    results: list[list[str]] = []

    def start() -> None:
        raw = PostgresDb(__import__("psycopg").connect(pg, autocommit=True))
        try:
            results.append(postgres_schema.apply(raw))
        finally:
            raw.close()

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [m.name for m in postgres_schema.MIGRATIONS]
    assert sorted(results) == [[], [], [], every]
    assert postgres_schema.applied(open_postgres(pg)) == every


@pytest.mark.parametrize(
    ("sql", "translated"),
    [
        ("WHERE a = ? AND b IN (?, ?)", "WHERE a = %s AND b IN (%s, %s)"),
        ("SELECT coalesce(k, '?') WHERE a = ?", "SELECT coalesce(k, '?') WHERE a = %s"),
        ("SELECT 'it''s ?', a % 2 FROM t", "SELECT 'it''s ?', a %% 2 FROM t"),
    ],
)  # fmt: skip
def test_placeholders_are_translated_outside_literals(sql: str, translated: str) -> None:
    assert translate(sql) == translated


def test_an_unreachable_store_is_one_clear_error() -> None:
    from compliant_scraper.errors import ComplianceConfigError
    from compliant_scraper.store.postgres import POOL_MAX

    url = "postgresql://crawler:secret@127.0.0.1:1/none?connect_timeout=1"
    with pytest.raises(ComplianceConfigError) as caught:
        open_postgres(url, timeout=1.0)
    message = str(caught.value)
    assert message.startswith("COMPLIANCE_STORE_URL: cannot connect to postgresql://crawler:***@")
    assert "secret" not in message and POOL_MAX > 0
    close_pool(url)


# -- de-duplication under concurrent writers ----------------------------------------------------

PEOPLE = 100
WRITERS = 4


def _variants(i: int) -> list[dict[str, Any]]:
    """One person as three pages show them, stored under different keys (email:, phone:)
    and one person whatever the order when written one after the other (they share the
    phone): only a writer that sees the others' rows can tell."""
    email, phone, name = f"p{i}@acme.example", f"+3361{i:07d}", f"Person {i}"
    return [
        {"kind": "person", "name": name, "email": email, "phone": phone},
        {"kind": "person", "name": name, "phone": phone},
        {"kind": "person", "email": email, "phone": phone},
    ]


def _write_all(url: str, key: Path, seed: int, errors: list[BaseException]) -> None:
    try:
        db = _with_run(url)
        store = PostgresStore(db)
        store.suppression = SuppressionList.open(db, key)
        writer = store.contact_writer("p", "legitimate interest")
        # Every writer takes the people in the same order, each starting with another of
        # their pages: they meet on the same person at the same time.
        work = [(i, (v + seed) % 3) for i in range(PEOPLE) for v in range(3)]
        for i, v in work:
            writer.save(_variants(i)[v], _prov(f"http://a.test/{i}/{v}"), [])
        writer.flush()
        db.close()
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def test_concurrent_writers_store_each_person_once(pg: str, tmp_path: Path) -> None:
    """Four writers, each its own connection, store the same 100 people (three pages each)
    each starting with another page. Without the identity locks some people were stored
    twice (a writer's lookup ran before another's insert committed) or a write failed on
    the unique key."""
    key = tmp_path / "c.key"
    SuppressionList.open(_with_run(pg), key)
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_write_all, args=(pg, key, seed, errors)) for seed in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = open_postgres(pg)
    assert count(db, "contacts") == PEOPLE
    assert count(db, "sources") == PEOPLE * 3
    twice = rows(db, "SELECT email FROM contacts GROUP BY email HAVING count(*) > 1")
    assert twice == []


# -- an erasure while a write is in flight -----------------------------------------------------


def _waiting_for_advisory_lock(db: PostgresDb) -> bool:
    return bool(
        db.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        ).fetchone()[0]
    )


def test_an_erasure_waits_for_a_write_in_flight_then_deletes_it(pg: str, tmp_path: Path) -> None:
    """A worker is storing Jeanne (its transaction holds her identity locks, uncommitted)
    when she is erased. The erasure waits for the write, then finds and deletes what it
    stored; and no later write can store her again."""
    key = tmp_path / "c.key"
    worker = _with_run(pg)
    suppression = SuppressionList.open(worker, key)
    writer = ContactWriter(
        worker, "p", "b", batch=Batch(worker, commit_every=1), suppression=suppression
    )
    jeanne = {"kind": "person", "name": "Jeanne Martin", "email": "jeanne@acme.example"}
    # What ContactWriter.save does, stopped before its commit:
    worker.begin_write()
    writer._lock(["email:jeanne@acme.example"], jeanne)
    worker.execute(
        "INSERT INTO contacts (name, email, purpose, dedupe_key) VALUES (?, ?, 'p', ?)",
        [jeanne["name"], jeanne["email"], "email:jeanne@acme.example"],
    )
    eraser = open_postgres(pg)
    outcome: list[Any] = []

    def erase() -> None:
        try:
            ident = parse_identifier("jeanne@acme.example", "FR")
            listing = SuppressionList.open(eraser, key)
            outcome.append(remove_person(eraser, listing, ident, action="erase"))
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=erase)
    thread.start()
    watcher = open_postgres(pg)
    deadline = time.monotonic() + 10
    while not _waiting_for_advisory_lock(watcher) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _waiting_for_advisory_lock(watcher)  # the erasure waits on Jeanne's lock
    assert outcome == []
    worker.commit_write()
    thread.join(30)
    [removal] = outcome
    assert not isinstance(removal, BaseException), removal
    assert len(removal.contact_ids) == 1  # the contact committed while it waited
    assert count(watcher, "contacts") == 0
    with pytest.raises(Exception, match="suppressed"):
        writer.save(jeanne, _prov("http://a.test/again"), [])
    assert count(watcher, "contacts") == 0


# -- the command line on a PostgreSQL store ---------------------------------------------------


def test_the_commands_take_a_store_url(pg: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from compliant_scraper.cli import main

    key = tmp_path / "c.key"
    db = _with_run(pg)
    store = PostgresStore(db)
    store.suppression = SuppressionList.open(db, key)
    writer = store.contact_writer("p", "legitimate interest")
    writer.save({"kind": "person", "email": "jeanne@acme.example"}, _prov("http://a.test/"), [])
    runner = CliRunner()
    erase = ["subject", "erase", "jeanne@acme.example", "--yes", "--db", pg]
    missing_key = runner.invoke(main, erase)
    assert missing_key.exit_code == 2
    assert "--key-file is required with a PostgreSQL store" in missing_key.output
    done = runner.invoke(main, [*erase, "--key-file", str(key)])
    assert done.exit_code == 0, done.output
    assert count(db, "contacts") == 0
    verify = runner.invoke(main, ["audit", "verify", "--db", pg])
    assert verify.exit_code == 0, verify.output
    assert "PostgreSQL store: no head anchor file" in verify.output
    assert "subject_erase" in [r["event"] for r in rows(db, "SELECT event FROM audit_log")]
    numbers = tmp_path / "list.txt"
    numbers.write_text("0612345678\n")
    lists = runner.invoke(
        main, ["bloctel", "import", str(numbers), "--date", "2026-01-01", "--db", pg]
    )
    assert lists.exit_code == 0, lists.output  # the shared list (tests/test_cluster_store.py)
    report = runner.invoke(main, ["audit", "--json", "--db", pg])
    assert report.exit_code == 0, report.output
    assert "***@127.0.0.1" in report.output and pg.split("@")[0] not in report.output
