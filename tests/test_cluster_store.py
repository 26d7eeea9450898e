"""What a cluster crawl keeps in the shared PostgreSQL store, beyond contacts (issue 15):

- the opposition lists: ``bloctel import --db postgresql://...`` writes the list every
  worker screens against, so a phone purpose runs in cluster mode instead of failing closed
  at start, and a listed number is dropped (R7) as on SQLite;
- exports: ``export`` from the shared store screens against that list too (R7);
- the feeds: each feed a worker writes is recorded as an export in the shared store (where
  erasure and the audit look), not in a SQLite file beside the worker.

One real worker, a real redis-server and PostgreSQL, the fixture world behind its proxy.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from conftest import BASE_SETTINGS, FIXTURES, POLICY_DIR, SETTINGS_MODULE, WORLD_DIR
from support.workers import Worker, WorkerGroup

from compliant_scraper.cli import main
from compliant_scraper.clock import today_utc
from compliant_scraper.demo.world import VirtualWorld
from compliant_scraper.hashing import sha256_hex
from compliant_scraper.provenance import Provenance
from compliant_scraper.store import contacts, runs
from compliant_scraper.store.postgres import close_pool, open_postgres
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.tooling.cluster_publish import publish

pytestmark = pytest.mark.e2e

SITE = "http://annuaire.test"
PURPOSE = "test_b2b_phone"
MARC = f"{SITE}/pros/marc-petit.html"  # "06.48.27.19.55": on the list (tests/fixtures/bloctel.csv)
CLAIRE_PHONE = "+33612345678"  # not on it


@dataclass
class Crawled:
    store_url: str
    worker: Worker
    feed: Path

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.store_url) as conn:
            return conn.execute(sql, params).fetchall()


def _import_list(store_url: str, list_date: date) -> str:
    day = list_date.isoformat()
    args = ["bloctel", "import", str(FIXTURES / "bloctel.csv"), "--date", day, "--db", store_url]
    result = CliRunner().invoke(main, args)
    close_pool(store_url)
    assert result.exit_code == 0, result.output
    return result.output


def _crawl(tmp_path: Path, redis_url: str, store_url: str) -> tuple[Worker, Path]:
    feed = tmp_path / "feed" / "contacts.jsonl"
    feed.parent.mkdir()
    settings = {
        **BASE_SETTINGS,
        "LOG_LEVEL": "INFO",
        "COMPLIANCE_PURPOSE": PURPOSE,
        "COMPLIANCE_STORE_URL": store_url,
        "COMPLIANCE_KEY_FILE": str(tmp_path / "suppression.key"),
        "COMPLIANCE_CLUSTER_REDIS_URL": redis_url,
        "COMPLIANCE_CRAWL_ID": "lists-and-feeds",
        "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.2",
        "FEEDS": json.dumps({str(feed): {"format": "jsonlines"}}),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "directory"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    command += ["-a", f"start_url={SITE}/"]
    # The worker judges with the registry `cluster publish` put in force (docs/cluster.md).
    publish(POLICY_DIR, store_url, redis_url, "lists-and-feeds", today=today_utc(), wait=0)
    close_pool(store_url)
    with VirtualWorld(WORLD_DIR) as world:
        group = WorkerGroup(
            tmp_path / "run", {**world.env(), "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE}
        )
        worker = group.start(command)
        try:
            group.wait(120)
        finally:
            group.stop()
    return worker, feed


@pytest.fixture
def crawled(tmp_path: Path, redis_url: str, postgres_schema_url: str) -> Iterator[Crawled]:
    today = datetime.now(UTC).date()
    output = _import_list(postgres_schema_url, today - timedelta(days=3))
    assert output.startswith("Imported the Bloctel list (FR)"), output
    worker, feed = _crawl(tmp_path, redis_url, postgres_schema_url)
    yield Crawled(postgres_schema_url, worker, feed)
    close_pool(postgres_schema_url)


def test_a_phone_crawl_screens_against_the_shared_list_and_records_its_feed_there(
    crawled: Crawled,
) -> None:
    assert crawled.worker.returncode == 0, crawled.worker.tail()
    [(name, count)] = crawled.rows("SELECT name, count FROM opposition_lists WHERE active = 1")
    assert (name, count) == ("bloctel", 5)
    phones = {r[0] for r in crawled.rows("SELECT phone FROM contacts WHERE phone IS NOT NULL")}
    assert CLAIRE_PHONE in phones
    assert "+33648271955" not in phones
    assert crawled.rows("SELECT id FROM contacts WHERE name = 'Marc Petit'") == []
    rules = {r[0] for r in crawled.rows("SELECT rule FROM drops WHERE url = %s", (MARC,))}
    assert "R7" in rules
    # Nothing written beside the worker: no SQLite store of its own.
    folder = crawled.worker.log_path.parent / "worker-0"
    assert not [p.name for p in folder.rglob("*.db*")]
    # The worker's feed is an export of the shared store (one crawl for both checks).
    kept = {r[0] for r in crawled.rows("SELECT id FROM contacts")}
    assert kept
    [(export_id, recipient, path, rows, sha)] = crawled.rows(
        "SELECT id, recipient, path, count, file_sha256 FROM exports"
    )
    items = crawled.feed.read_text().splitlines()  # an item per page: a person on two is one
    assert (recipient, path, rows) == ("feed", str(crawled.feed), len(items))
    assert sha == sha256_hex(crawled.feed.read_bytes())
    members = crawled.rows("SELECT contact_id FROM export_rows WHERE export_id = %s", (export_id,))
    assert {m[0] for m in members} == kept
    events = [r[0] for r in crawled.rows("SELECT event FROM audit_log ORDER BY id")]
    assert "export" in events and "opposition_import" in events
    verify = CliRunner().invoke(main, ["audit", "verify", "--db", crawled.store_url])
    close_pool(crawled.store_url)
    assert verify.exit_code == 0, verify.output


def test_without_a_list_in_the_shared_store_a_phone_crawl_fails_closed(
    tmp_path: Path, redis_url: str, postgres_schema_url: str
) -> None:
    worker, feed = _crawl(tmp_path, redis_url, postgres_schema_url)
    assert worker.returncode == 1, worker.tail()
    assert "bloctel" in worker.output.lower() and "R7" in worker.output
    assert not feed.exists()


def test_an_export_from_the_shared_store_screens_against_its_list(
    tmp_path: Path, postgres_schema_url: str
) -> None:
    """R7 at export time on a PostgreSQL store: refused while no list is in force, then the
    listed number is excluded and the export names the list it was screened against."""
    url = postgres_schema_url
    today = datetime.now(UTC).date()
    at = f"{today.isoformat()}T10:00:00Z"
    key = tmp_path / "suppression.key"
    db = open_postgres(url)
    suppression = SuppressionList.open(db, key)
    with transaction(db):
        runs.start(db, "r1", "directory", PURPOSE, at)
        for n, phone in enumerate([CLAIRE_PHONE, "+33648271955"]):  # the second is listed
            prov = Provenance(
                f"{SITE}/{n}", at, "directory", "r1", "domains/annuaire.test.toml",
                "p" * 64, "r" * 64, "json-ld",
            )  # fmt: skip
            person = {"kind": "person", "name": f"P{n} Test", "phone": phone}
            contacts.store(db, PURPOSE, "Legitimate interest", person, prov, ["phone"], suppression)
    db.close()
    close_pool(url)
    export = ["export", "--purpose", PURPOSE, "--format", "csv", "--db", url]
    export += ["--policies", str(POLICY_DIR), "--key-file", str(key)]
    refused = CliRunner().invoke(main, [*export, "--out", str(tmp_path / "a.csv")])
    assert refused.exit_code == 1
    assert "no Bloctel list imported" in refused.output and "(R7)" in refused.output
    _import_list(url, today - timedelta(days=3))
    done = CliRunner().invoke(main, [*export, "--out", str(tmp_path / "b.csv")])
    close_pool(url)
    assert done.exit_code == 0, done.output
    assert "excluded: opposition_list 1" in done.output and "Bloctel of" in done.output
    written = (tmp_path / "b.csv").read_text()
    assert CLAIRE_PHONE in written and "+33648271955" not in written
