"""One ``drops`` row per item and reason, keyed by the item's identifier hashes (issue 16
item 2, issue 13).

- An item whose values are not kept for one reason is one row naming its fields (a JSON
  array), not one row per field; the stats (``compliance/dropped/<reason>``), the audit's
  counts by reason and by field still count each value.
- Each row carries the suppression list's keyed hashes of the item's email and E.164 number
  (``email_hash``, ``phone_hash``), also when the dropped field is that identifier, so an
  erasure finds the person's drops by identifier (``record_expiry.delete_for_hashes``).
- A store written before (one row per field) is migrated: each row names its one field, and
  the audit log vouches for the rewritten rows (a new baseline), so ``audit verify`` stays
  clean and still catches a later change.

Before this change the first test found three rows for the item (one per field) and no hash
column; the PostgreSQL store has the same schema (its migration p007) and runs the same tests.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from support.stores import StoreTarget, rows

from compliant_scraper.cli import main
from compliant_scraper.config import Config
from compliant_scraper.crawl.context import ComplianceContext
from compliant_scraper.crawl.pipeline import CompliancePipeline
from compliant_scraper.crawl.refusals import ComplianceDrop
from compliant_scraper.opposition.suppression import identifier_hash, lookup_hashes
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.provenance import ITEM_KEY, Provenance
from compliant_scraper.screening.processor import ContactProcessor
from compliant_scraper.store import (
    audit_log,
    audit_tables,
    record_expiry,
    runs,
    schema,
    schema_tooling,
)
from compliant_scraper.store.database import open_database
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 11, 23)
AT = "2026-11-23T10:00:00Z"
EMAIL = "Jeanne.Martin@Cabinet-Martin.fr"
PHONE = "01 42 68 53 00"  # +33142685300


def provenance(url: str, run_id: str) -> Provenance:
    return Provenance(url, AT, "directory", run_id, "domains/a.toml", "a" * 64, "b" * 64, "json-ld")


class Crawl:
    """The crawl's pipeline over a real crawl store (either backend), as in a crawl."""

    def __init__(self, target: StoreTarget, tmp_path: Path) -> None:
        registry = load_registry(FIXTURES / "policies")
        self.purpose = registry.purposes["test_b2b_email"]
        config = Config.from_settings(
            Settings(
                {
                    "COMPLIANCE_PURPOSE": self.purpose.name,
                    "COMPLIANCE_DB": str(tmp_path / "c.db"),
                    "COMPLIANCE_KEY_FILE": str(tmp_path / "c.db.key"),
                }
            )
        )
        self.store = target.crawl_store()
        crawler = get_crawler()
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.ctx = ComplianceContext.build(
            config, registry, self.purpose, self.store, self.stats, today=TODAY
        )
        self.run_id = self.ctx.facts.run_id
        self.store.start_run(self.run_id, "directory", self.purpose.name, AT)
        screening = self.store.open_screening(self.purpose, TODAY, config.key_file, "FR")
        self.suppression: SuppressionList = screening.suppression
        processor = ContactProcessor(
            self.purpose, "FR", self.ctx.recorder.drop, self.suppression, screening.opposition
        )
        self.pipeline = CompliancePipeline(
            processor,
            self.store.contact_writer(self.purpose.name, self.purpose.legal_basis),
            self.ctx.recorder,
            self.suppression.subject_hashes,
        )

    def item(self, url: str, **values: Any) -> dict[str, Any]:
        return {"kind": "person", ITEM_KEY: provenance(url, self.run_id), **values}

    def run(self, item: dict[str, Any]) -> bool:
        """True when kept, False when the whole item was dropped."""
        try:
            self.pipeline.process_item(item)
        except ComplianceDrop:
            return False
        return True

    def finish(self) -> None:
        self.pipeline.close_spider()
        self.ctx.recorder.flush_stats()
        self.store.flush()

    def drops(self) -> list[dict[str, Any]]:
        return rows(
            self.store.db,
            "SELECT url, fields, reason, rule, email_hash, phone_hash FROM drops ORDER BY id",
        )

    def hash(self, kind: str, value: str) -> str:
        return identifier_hash(self.suppression._key, kind, value)


@pytest.fixture
def crawl(store: StoreTarget, tmp_path: Path) -> Crawl:
    return Crawl(store, tmp_path)


def test_an_item_is_one_drops_row_per_reason_with_its_fields_and_hashes(crawl: Crawl) -> None:
    kept = crawl.run(
        crawl.item(
            "http://a.test/jeanne.html",
            name="Jeanne Martin",
            job_title="Avocate",
            email=EMAIL,
            phone=PHONE,  # test_b2b_email keeps no phone
            description="Avocate au barreau de Paris depuis 2001.",
            birth_date="1970-01-01",
        )
    )
    crawl.finish()
    assert kept
    [row] = crawl.drops()
    fields = ["birth_date", "description", "phone", "phone_type"]
    assert sorted(json.loads(row["fields"])) == fields
    assert (row["reason"], row["rule"]) == ("not_needed_for_purpose", "R4")
    assert row["email_hash"] == crawl.hash("email", EMAIL)
    assert row["phone_hash"] == crawl.hash("phone", PHONE)  # the dropped value's own hash
    # Each value is still counted: stats, the audit's counts by reason and by field.
    assert crawl.stats.get_value("compliance/dropped/not_needed_for_purpose") == 4
    assert runs.drops_by_reason(crawl.store.db) == [("not_needed_for_purpose", "R4", 4)]
    assert runs.drop_count(crawl.store.db) == 4
    by_field = {r["field"]: r["count"] for r in audit_tables.drops_by_field(crawl.store.db)}
    assert by_field == dict.fromkeys(fields, 1)
    total, groups = audit_tables.drop_groups(crawl.store.db, 10)
    assert total == 4 and sorted(g["field"] for g in groups) == fields
    [run] = audit_tables.runs_with_counts(crawl.store.db, 10)
    assert run["dropped"] == 4


def test_two_reasons_are_two_rows_and_a_dropped_identifier_keeps_its_hash(crawl: Crawl) -> None:
    kept = crawl.run(
        crawl.item(
            "http://a.test/paul.html",
            name="Paul Durand",
            job_title="Boulanger",  # not a target profession: the whole item is dropped
            email="paul@durand.fr",
            phone="06 12",  # not a number
        )
    )
    crawl.finish()
    assert not kept
    drops = crawl.drops()
    assert [(json.loads(d["fields"]), d["reason"]) for d in drops] == [
        (["phone"], "invalid_phone"),
        (["*"], "unrelated_to_offer"),
    ]
    assert {d["email_hash"] for d in drops} == {crawl.hash("email", "paul@durand.fr")}
    assert {d["phone_hash"] for d in drops} == {None}  # no valid number, nothing to hash
    assert crawl.stats.get_value("compliance/dropped/invalid_phone") == 1
    assert crawl.stats.get_value("compliance/dropped/unrelated_to_offer") == 1


def test_an_erasure_finds_drops_by_identifier_hash(crawl: Crawl) -> None:
    for name, email, phone in [
        ("Jeanne Martin", EMAIL, PHONE),
        ("Marc Petit", "marc@petit.fr", "01 45 00 00 01"),
    ]:
        crawl.run(
            crawl.item(
                f"http://a.test/{name.split()[0].lower()}.html",
                name=name,
                job_title="Avocat",
                email=email,
                phone=phone,
            )
        )
    crawl.finish()
    assert len(crawl.drops()) == 2
    key = crawl.suppression._key
    db = crawl.store.db
    with transaction(db):  # by her number alone: every form it is looked up under
        deleted = record_expiry.delete_for_hashes(db, lookup_hashes(key, "phone", "+33142685300"))
    assert deleted == 1
    assert [d["url"] for d in crawl.drops()] == ["http://a.test/marc.html"]
    with transaction(db):
        assert record_expiry.delete_for_hashes(db, lookup_hashes(key, "email", EMAIL)) == 0
        assert record_expiry.delete_for_hashes(db, lookup_hashes(key, "email", "MARC@petit.fr"))
    assert crawl.drops() == []


def test_a_store_with_a_row_per_field_is_migrated_and_stays_verified(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = SqliteDb(path)
    schema.migrations.apply(db, stop_before="m008_drops_per_item")
    schema_tooling.migrations.apply(db)
    with transaction(db):
        db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p')")
        db.executemany(
            "INSERT INTO drops (run_id, url, field, reason, rule, at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("run1", "http://a.test/1", "description", "not_needed_for_purpose", "R4", AT),
                ("run1", "http://a.test/1", "birth_date", "not_needed_for_purpose", "R4", AT),
                ("run1", "http://a.test/2", "*", "suppressed", "R8", AT),
            ],
        )
    audit_log.write_baseline(db)  # the rows as the log vouched for them, one per field
    db.close()
    open_database(path).close()  # a writing command: migrates
    conn = sqlite3.connect(path)
    assert conn.execute(
        "SELECT fields, email_hash, phone_hash FROM drops ORDER BY id"
    ).fetchall() == [
        ('["description"]', None, None),
        ('["birth_date"]', None, None),
        ('["*"]', None, None),
    ]
    conn.close()
    verified = CliRunner().invoke(main, ["audit", "verify", "--db", str(path)])
    assert verified.exit_code == 0, verified.output
    conn = sqlite3.connect(path)
    conn.execute("""UPDATE drops SET fields = '["job_title"]' WHERE id = 1""")
    conn.commit()
    conn.close()
    verified = CliRunner().invoke(main, ["audit", "verify", "--db", str(path)])
    assert verified.exit_code == 1 and "drops row [1] differs" in verified.output
