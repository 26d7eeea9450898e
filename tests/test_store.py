from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlite_utils import Database

from compliant_scraper.law import retention_until
from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Refusal
from compliant_scraper.store.contacts import ContactWriter, dedupe_keys
from compliant_scraper.store.database import open_database
from compliant_scraper.store.sqlite_store import SqliteStore


def prov(url: str, at: str = "2026-11-23T10:00:00Z") -> Provenance:
    return Provenance(url, at, "directory", "run1", "domains/a.toml", "p" * 64, "r" * 64, "json-ld")


def db_with_run(tmp_path: Path) -> Database:
    db = open_database(tmp_path / "c.db")
    db["runs"].insert({"id": "run1", "spider": "directory", "purpose": "p"})
    return db


def test_database_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.db"
    open_database(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_existing_database_permissions_tightened(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    open_database(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_refusals_are_batched_and_flushed(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "c.db", batch_size=3)
    store.start_run("run1", "directory", "p", "2026-11-23T10:00:00Z")
    for i in range(4):
        store.record_refusal(
            Refusal("run1", f"http://x.test/{i}", "x.test", "policy", "R2", "no", "t")
        )
    assert store.db["refusals"].count == 3
    store.finish_run("run1", "2026-11-23T10:01:00Z", "finished", {"a": 1})
    assert store.db["refusals"].count == 4
    run = store.db["runs"].get("run1")
    assert run["finish_reason"] == "finished"
    assert run["stats"] == '{"a": 1}'


def test_retention_is_three_years() -> None:
    assert retention_until("2026-11-23T10:00:00Z") == "2029-11-23"
    assert retention_until("2028-02-29T10:00:00Z") == "2031-02-28"


def test_dedupe_keys_order() -> None:
    assert dedupe_keys({"email": "a@b.test", "phone": "+33612345678", "name": "Éva Dupont"}) == [
        "email:a@b.test",
        "phone:+33612345678",
        "name:eva dupont|",
    ]


def test_same_person_two_pages_one_contact_two_sources(tmp_path: Path) -> None:
    db = db_with_run(tmp_path)
    writer = ContactWriter(db, "b2b_phone", "legitimate interest", batch_size=100)
    first = writer.save(
        {"kind": "person", "name": "Jeanne Martin", "phone": "+33612345678"},
        prov("http://a.test/1"),
        ["name", "phone"],
    )
    second = writer.save(
        {"kind": "person", "name": "Jeanne Martin", "phone": "+33612345678", "job_title": "CEO"},
        prov("http://a.test/2", at="2027-01-01T00:00:00Z"),
        ["job_title", "name", "phone"],
    )
    writer.flush()
    assert first == second
    contact = db["contacts"].get(first)
    assert contact["job_title"] == "CEO"
    assert contact["first_seen"] == "2026-11-23T10:00:00Z"
    assert contact["last_seen"] == "2027-01-01T00:00:00Z"
    # Re-crawling never restarts the retention clock (R9).
    assert contact["retention_until"] == "2029-11-23"
    urls = [r["url"] for r in db["sources"].rows_where("contact_id = ?", [first], order_by="id")]
    assert urls == ["http://a.test/1", "http://a.test/2"]


def test_recrawl_same_url_updates_source(tmp_path: Path) -> None:
    db = db_with_run(tmp_path)
    writer = ContactWriter(db, "p", "b")
    cid = writer.save({"email": "a@b.test"}, prov("http://a.test/1"), ["email"])
    writer.save(
        {"email": "a@b.test"}, prov("http://a.test/1", at="2027-01-01T00:00:00Z"), ["email"]
    )
    writer.flush()
    rows = list(db["sources"].rows_where("contact_id = ?", [cid]))
    assert len(rows) == 1
    assert rows[0]["last_retrieved_at"] == "2027-01-01T00:00:00Z"
    assert rows[0]["first_retrieved_at"] == "2026-11-23T10:00:00Z"  # kept (issue 13)


def test_contacts_per_purpose_are_separate(tmp_path: Path) -> None:
    db = db_with_run(tmp_path)
    a = ContactWriter(db, "p1", "b").save({"email": "a@b.test"}, prov("http://a.test/1"), [])
    b = ContactWriter(db, "p2", "b").save({"email": "a@b.test"}, prov("http://a.test/1"), [])
    assert a != b


def test_recrawl_does_not_undo_a_rectification(tmp_path: Path) -> None:
    db = db_with_run(tmp_path)
    writer = ContactWriter(db, "p", "b")
    cid = writer.save({"email": "a@b.example", "job_title": "Old"}, prov("http://a.test/1"), [])
    writer.flush()
    db.execute("UPDATE contacts SET job_title = 'Corrected' WHERE id = ?", [cid])
    db.execute(
        "INSERT INTO contact_events (contact_id, event, at, field) "
        "VALUES (?, 'rectified', 't', 'job_title')",
        [cid],
    )
    writer.save(
        {"email": "a@b.example", "job_title": "Old", "locality": "Lyon"},
        prov("http://a.test/1"),
        [],
    )
    writer.flush()
    row = db["contacts"].get(cid)
    assert row["job_title"] == "Corrected"
    assert row["locality"] == "Lyon"
