"""One transaction helper (issue 9 item 12): a failure mid-transaction commits nothing of it,
and the audit log's head anchor never names a row that was rolled back.

Failures are injected with triggers (SQLite's ``RAISE(ABORT)``, a PostgreSQL trigger function
raising), so each test breaks the very statement it names, whatever code path writes it. The
tests taking ``store_db`` run on both backends.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support.stores import StoreTarget, count

from compliant_scraper.cli import main
from compliant_scraper.errors import StoreWriteError
from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Drop, Refusal
from compliant_scraper.store import audit_log
from compliant_scraper.store.backend import Db
from compliant_scraper.store.contacts import ContactWriter
from compliant_scraper.store.database import open_database
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.transaction import Batch, after_commit, transaction

AT = "2026-11-23T10:00:00Z"


def fail_on(db: Db, table: str, action: str = "INSERT") -> None:
    name = f"fail_{table}_{action.lower()}"
    if db.dialect == "sqlite":
        db.execute(
            f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )
        return
    with transaction(db):
        db.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
        )
        db.execute(
            f"CREATE TRIGGER {name} BEFORE {action} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


def anchored_row(path: Path) -> int | None:
    head = Path(f"{path}.audit-head")
    if not head.exists():
        return None
    return int(head.read_text().split('"id": ')[1].split(",")[0])


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "c.db"


@pytest.fixture
def db(path: Path) -> SqliteDb:
    return open_database(path)


def test_a_run_is_not_recorded_when_its_audit_row_fails(store: StoreTarget) -> None:
    """Under sqlite-utils 4 ``with db.conn:`` opened no transaction: the runs row stayed."""
    crawl = store.crawl_store()
    db = crawl.db
    fail_on(db, "audit_log")
    with pytest.raises(Exception, match="injected failure"):
        crawl.start_run("run1", "directory", "p", AT)
    assert count(db, "runs") == 0
    assert count(db, "audit_log") == 0


def test_a_batch_that_fails_half_way_leaves_no_row_and_a_clean_log(store: StoreTarget) -> None:
    """The refusals and their audit row went in, then the drops failed: the anchor used to
    name the rolled-back audit row, a false tamper alarm in ``audit verify``."""
    crawl = store.crawl_store()
    db = crawl.db
    crawl.start_run("run1", "directory", "p", AT)
    before = count(db, "audit_log")
    fail_on(db, "drops")
    crawl.record_refusal(Refusal("run1", "http://x.test/", "x.test", "policy", "R2", "no", AT))
    crawl.record_drop(Drop("run1", "http://x.test/", ("email",), "sensitive_health", "R4", AT))
    with pytest.raises(StoreWriteError, match="injected failure"):
        crawl.flush()
    assert count(db, "refusals") == 0
    assert count(db, "audit_log") == before
    if store.backend == "sqlite":  # PostgreSQL keeps no anchor file (docs/cluster.md)
        assert anchored_row(Path(store.where)) == before
    assert audit_log.verify(db) is None


def test_the_anchor_is_written_only_after_the_commit(db: SqliteDb, path: Path) -> None:
    audit_log.append(db, "export", {"export_id": 1})
    seen: list[int | None] = []
    with transaction(db):
        audit_log.append(db, "export", {"export_id": 2})
        after_commit(db, lambda: seen.append(anchored_row(path)))
        assert anchored_row(path) == 1  # not yet: the transaction has not committed
    assert anchored_row(path) == 2
    assert seen in ([1], [2])  # hooks run after the commit, in the order they were queued
    with pytest.raises(RuntimeError), transaction(db):
        audit_log.append(db, "export", {"export_id": 3})
        raise RuntimeError("the caller fails after the append")
    assert count(db, "audit_log") == 2
    assert anchored_row(path) == 2
    assert audit_log.verify(db) is None


def test_a_failing_savepoint_undoes_only_itself(store_db: Db) -> None:
    db = store_db
    with transaction(db):
        db.execute("INSERT INTO purges (at, cutoff, count, contact_ids) VALUES (?, ?, 0, '[]')",
                   [AT, "2026-01-01"])  # fmt: skip
        audit_log.append(db, "purge", {"n": 1})
        with pytest.raises(RuntimeError), transaction(db):
            db.execute(
                "INSERT INTO purges (at, cutoff, count, contact_ids) VALUES (?, ?, 0, '[]')",
                [AT, "2026-02-01"],
            )
            audit_log.append(db, "purge", {"n": 2})
            raise RuntimeError("inner failure")
    assert [r[0] for r in db.execute("SELECT cutoff FROM purges")] == ["2026-01-01"]
    details = db.execute("SELECT details FROM audit_log WHERE event != 'rows'").fetchall()
    assert [r[0] for r in details] == ['{"n": 1}']
    assert audit_log.verify(db) is None


def test_a_contact_whose_source_fails_is_not_half_stored(store_db: Db) -> None:
    db = store_db
    with transaction(db):
        db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p')")
    writer = ContactWriter(db, "p", "legitimate interest", batch_size=100)
    good = Provenance("http://a.test/1", AT, "directory", "run1", "d.toml", "p" * 64, "r" * 64, "")
    writer.save({"kind": "person", "name": "Jeanne Martin"}, good, ["name"])
    fail_on(db, "sources")
    with pytest.raises(Exception, match="injected failure"):
        writer.save({"kind": "person", "name": "Paul Durand"}, good, ["name"])
    writer.flush()
    assert [r[0] for r in db.execute("SELECT name FROM contacts")] == ["Jeanne Martin"]


def test_a_batch_commits_every_n_writes_and_on_commit(store: StoreTarget) -> None:
    db = store.open()
    batch = Batch(db, commit_every=2)
    other = store.open()
    for cutoff in ("2026-01-01", "2026-02-01", "2026-03-01"):
        with batch.write():
            db.execute(
                "INSERT INTO purges (at, cutoff, count, contact_ids) VALUES (?, ?, 0, '[]')",
                [AT, cutoff],
            )
    assert count(other, "purges") == 2  # the third waits in the open batch
    batch.commit()
    assert count(other, "purges") == 3


def test_an_erasure_that_fails_deletes_nothing_and_the_log_verifies(
    db: SqliteDb, path: Path
) -> None:
    db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p')")
    writer = ContactWriter(db, "p", "legitimate interest")
    source = Provenance("http://a.test/", AT, "directory", "run1", "d.toml", "p" * 64, "r" * 64, "")
    writer.save({"kind": "person", "email": "jeanne@acme.fr"}, source, ["email"])
    writer.flush()
    fail_on(db, "contacts", "DELETE")
    result = CliRunner().invoke(
        main, ["subject", "erase", "jeanne@acme.fr", "--yes", "--db", str(path)]
    )
    assert result.exit_code == 1, result.output
    assert "injected failure" in result.output
    assert count(db, "contacts") == 1 and count(db, "sources") == 1
    events = [r[0] for r in db.execute("SELECT event FROM audit_log ORDER BY id")]
    assert "subject_erase" not in events  # the suppression itself is kept, on purpose
    assert events[-1] == "suppression_add"
    verify = CliRunner().invoke(main, ["audit", "verify", "--db", str(path)])
    assert verify.exit_code == 0, verify.output


def test_each_backend_implements_the_store_interface(store: StoreTarget) -> None:
    conforming: Db = store.open()  # mypy checks the package; this checks them at runtime
    for name in (
        "execute", "executemany", "begin_write", "commit_write", "rollback_write", "savepoint",
        "release_savepoint", "rollback_to_savepoint", "lock_keys", "lock_audit_chain",
        "anchor_base", "close",
    ):  # fmt: skip
        assert callable(getattr(conforming, name)), name
    assert conforming.dialect == store.backend
    with pytest.raises(RuntimeError, match="inside"):
        conforming.executemany("INSERT INTO purges (at) VALUES (?)", [(AT,)])
