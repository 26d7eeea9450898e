"""The ``drops`` and ``refusals`` rows about a person (issue 13), on both backends: those of
her source pages and those whose URL names her, found by ``crawl_records.of_person`` (what
``subject access`` lists and ``subject erase`` deletes)."""

from __future__ import annotations

from support.stores import count

from compliant_scraper.store import record_expiry
from compliant_scraper.store.backend import Db
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


def test_her_rows_are_found_and_deleted_on_either_backend(store_db: Db) -> None:
    db = store_db
    with transaction(db):
        db.execute("INSERT INTO runs (id) VALUES ('run1')")
        db.execute(
            "INSERT INTO contacts (kind, name, name_key, email, purpose, dedupe_key) VALUES "
            "('person', 'Jeanne Martin', 'jeanne martin', 'jeanne@martin.fr', 'p', 'k1')"
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
    person = find_person(db, parse_identifier("jeanne@martin.fr"))
    found = crawl_records.of_person(db, person)
    urls = [r["url"] for r in record_expiry.rows_of(db, found)]
    assert sorted(urls) == sorted(url for url, hers in URLS if hers)
    with transaction(db):
        assert record_expiry.delete_ids(db, found) == {"drops": 0, "refusals": 2}
    assert count(db, "refusals") == 2
