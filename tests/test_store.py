from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path

import pytest
from support.stores import StoreTarget, count, one, rows

from compliant_scraper.errors import ContactDropped
from compliant_scraper.law import retention_until
from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Refusal
from compliant_scraper.store.backend import Db
from compliant_scraper.store.contacts import ContactWriter, dedupe_keys
from compliant_scraper.store.database import open_database
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.values.persons import fold


def prov(url: str, at: str = "2026-11-23T10:00:00Z") -> Provenance:
    return Provenance(url, at, "directory", "run1", "domains/a.toml", "p" * 64, "r" * 64, "json-ld")


def db_with_run(store: StoreTarget) -> Db:
    db = store.open()
    with transaction(db):
        db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p')")
    return db


def test_database_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    open_database(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_existing_database_permissions_tightened(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    open_database(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_refusals_are_batched_and_flushed(store: StoreTarget) -> None:
    crawl = store.crawl_store(batch_size=3)
    crawl.start_run("run1", "directory", "p", "2026-11-23T10:00:00Z")
    other = store.open()  # what another connection sees: what was committed
    for i in range(4):
        crawl.record_refusal(
            Refusal("run1", f"http://x.test/{i}", "x.test", "policy", "R2", "no", "t")
        )
    assert count(other, "refusals") == 3
    crawl.finish_run("run1", "2026-11-23T10:01:00Z", "finished", {"a": 1})
    assert count(other, "refusals") == 4
    run = one(other, "runs", "run1")
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


def test_same_person_two_pages_one_contact_two_sources(store: StoreTarget) -> None:
    db = db_with_run(store)
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
    contact = one(db, "contacts", first)
    assert contact["job_title"] == "CEO"
    assert contact["first_seen"] == "2026-11-23T10:00:00Z"
    assert contact["last_seen"] == "2027-01-01T00:00:00Z"
    # Re-crawling never restarts the retention clock (R9).
    assert contact["retention_until"] == "2029-11-23"
    sql = "SELECT url FROM sources WHERE contact_id = ? ORDER BY id"
    urls = [r["url"] for r in rows(db, sql, [first])]
    assert urls == ["http://a.test/1", "http://a.test/2"]


def test_recrawl_same_url_updates_source(store: StoreTarget) -> None:
    db = db_with_run(store)
    writer = ContactWriter(db, "p", "b")
    cid = writer.save({"email": "a@b.test"}, prov("http://a.test/1"), ["email"])
    writer.save(
        {"email": "a@b.test"}, prov("http://a.test/1", at="2027-01-01T00:00:00Z"), ["email"]
    )
    writer.flush()
    found = rows(db, "SELECT * FROM sources WHERE contact_id = ?", [cid])
    assert len(found) == 1
    assert found[0]["last_retrieved_at"] == "2027-01-01T00:00:00Z"
    assert found[0]["first_retrieved_at"] == "2026-11-23T10:00:00Z"  # kept (issue 13)


def test_contacts_per_purpose_are_separate(store: StoreTarget) -> None:
    db = db_with_run(store)
    a = ContactWriter(db, "p1", "b").save({"email": "a@b.test"}, prov("http://a.test/1"), [])
    b = ContactWriter(db, "p2", "b").save({"email": "a@b.test"}, prov("http://a.test/1"), [])
    assert a != b


def test_recrawl_does_not_undo_a_rectification(store: StoreTarget) -> None:
    db = db_with_run(store)
    writer = ContactWriter(db, "p", "b")
    cid = writer.save({"email": "a@b.example", "job_title": "Old"}, prov("http://a.test/1"), [])
    writer.flush()
    with transaction(db):
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
    row = one(db, "contacts", cid)
    assert row["job_title"] == "Corrected"
    assert row["locality"] == "Lyon"


def test_a_person_suppressed_after_screening_is_not_stored(
    store: StoreTarget, tmp_path: Path
) -> None:
    """The screening passed the contact; an erasure (another connection: another worker, or
    ``subject erase``) lists them before the write. The writer checks again, under the
    identity's locks, and stores nothing (R8)."""
    db = db_with_run(store)
    key = tmp_path / "c.key"
    writer = ContactWriter(db, "p", "b", suppression=SuppressionList.open(db, key))
    SuppressionList.open(store.open(), key).add("phone", "06 12 34 56 78", "erasure")
    with pytest.raises(ContactDropped, match=r"\[R8\] suppressed"):
        writer.save({"name": "Jeanne Martin", "phone": "+33612345678"}, prov("http://a.test/1"), [])
    kept = writer.save(
        {"name": "Paul Durand", "phone": "+33612345679"}, prov("http://a.test/1"), []
    )
    writer.flush()
    assert [r["name"] for r in rows(db, "SELECT name FROM contacts")] == ["Paul Durand"]
    assert count(db, "sources") == 1 and one(db, "sources", kept, "contact_id")


def test_pages_gone_or_no_longer_showing_the_contact_mark_their_sources(
    store: StoreTarget,
) -> None:
    """Issue 13 item 6: 404/410 at once, ``contact_absent`` once the run's contacts are in."""
    db = db_with_run(store)
    with transaction(db):
        db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run2', 'directory', 'p')")
    first = ContactWriter(db, "p", "b")
    kept = first.save({"email": "kept@b.test"}, prov("http://a.test/list"), ["email"])
    left = first.save({"email": "left@b.test"}, prov("http://a.test/list"), ["email"])
    gone = first.save({"email": "gone@b.test"}, prov("http://a.test/gone"), ["email"])
    failed = first.save({"email": "failed@b.test"}, prov("http://a.test/broken"), ["email"])
    first.flush()
    again = ContactWriter(db, "p", "b")
    at = "2027-01-01T00:00:00Z"
    for url, status in (("http://a.test/list", 200), ("http://a.test/broken", 200)):
        again.page_answered(url, status, at)
    again.page_answered("http://a.test/gone", 404, at)
    again.page_failed("http://a.test/broken")  # the spider raised on it: says nothing
    second = Provenance(
        "http://a.test/list", at, "directory", "run2", "domains/a.toml", "p" * 64, "r" * 64, "m"
    )
    again.save({"email": "kept@b.test"}, second, ["email"])
    again.flush()
    again.close_pages("run2", at)
    marks = {r["contact_id"]: r["gone_reason"] for r in rows(db, "SELECT * FROM sources")}
    assert marks == {kept: None, left: "contact_absent", gone: "http_404", failed: None}
    # Seen there again, a source is no longer gone.
    later = Provenance(
        "http://a.test/gone", at, "directory", "run2", "domains/a.toml", "p" * 64, "r" * 64, "m"
    )
    again.save({"email": "gone@b.test"}, later, ["email"])
    again.flush()
    assert one(db, "sources", gone, "contact_id")["gone_at"] is None


@pytest.mark.parametrize(
    "text",
    ["Jeanne  MARTIN", " Cabinet\tMartin & Fils ", "Éva Dupont", "ÉVA  DUPONT", "ﬁrm Straße", ""],
)
def test_name_folding_fast_path_agrees_with_unicode_folding(text: str) -> None:
    """The ASCII shortcut of the name folding (issue 16) folds exactly as NFKD does."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    expected = " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
    assert fold(text) == expected
