"""The ``drops`` and ``refusals`` rows about a person (issue 13), on both backends: those of
her source pages, the drops of items that carried her email or phone (keyed hashes) on pages
that neither are her sources nor name her, and those whose URL names her, found by
``crawl_records.of_person`` (what ``subject access`` lists and ``subject erase`` deletes)."""

from __future__ import annotations

from pathlib import Path

from support.stores import count

from compliant_scraper.store import record_expiry
from compliant_scraper.store.backend import Db
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.tooling import crawl_records
from compliant_scraper.tooling.lookup import parse_identifier
from compliant_scraper.tooling.person import find_person

AT = "2026-11-23T10:00:00Z"
URLS = (
    ("https://annuaire.test/p/1", True),  # her source page
    ("https://www.linkedin.com/in/Jeanne-Martin", True),  # names her
    ("https://annuaire.test/p/%C3%89lodie-Roux", False),
    ("https://annuaire.test/p/2", False),
)


def test_her_rows_are_found_and_deleted_on_either_backend(store_db: Db, tmp_path: Path) -> None:
    db = store_db
    suppression = SuppressionList.open(db, tmp_path / "c.key")
    dropped = (  # pages dropped whole: no source, a URL that does not name her
        ("https://annuaire.test/p/17", "jeanne@martin.fr", None),  # hers, by email
        ("https://annuaire.test/p/18", None, "+33612345678"),  # hers, by her phone
        ("https://annuaire.test/p/19", "paul@durand.fr", "+33698765432"),  # someone else
    )
    with transaction(db):
        db.execute("INSERT INTO runs (id) VALUES ('run1')")
        db.execute(
            "INSERT INTO contacts (kind, name, name_key, email, phone, purpose, dedupe_key) "
            "VALUES ('person', 'Jeanne Martin', 'jeanne martin', 'jeanne@martin.fr', "
            "'+33612345678', 'p', 'k1')"
        )
        cid = db.execute("SELECT id FROM contacts").fetchone()[0]
        db.execute(
            "INSERT INTO sources (contact_id, url, run_id) VALUES (?, ?, 'run1')",
            [cid, URLS[0][0]],
        )
        for url, _hers in URLS:
            db.execute(
                "INSERT INTO refusals (run_id, url, domain, stage, rule, reason, at) "
                "VALUES ('run1', ?, 'd', 'policy', 'R2', 'x', ?)",
                [url, AT],
            )
        for url, email, phone in dropped:  # as the crawl writes them (crawl.recorder)
            email_hash, phone_hash = suppression.subject_hashes(email, phone)
            db.execute(
                "INSERT INTO drops (run_id, url, fields, reason, rule, at, email_hash, "
                "phone_hash) VALUES ('run1', ?, '[\"*\"]', 'unrelated_to_offer', 'R4', ?, ?, ?)",
                [url, AT, email_hash, phone_hash],
            )
    person = find_person(db, parse_identifier("jeanne@martin.fr"))
    found = crawl_records.of_person(db, person, suppression)
    urls = [r["url"] for r in record_expiry.rows_of(db, found)]
    hers = [url for url, hers in URLS if hers] + [u for u, *_ in dropped[:2]]
    assert sorted(urls) == sorted(hers)  # before: p/17 and p/18 were not found
    with transaction(db):
        assert record_expiry.delete_ids(db, found) == {"drops": 2, "refusals": 2}
    assert count(db, "refusals") == 2 and count(db, "drops") == 1
