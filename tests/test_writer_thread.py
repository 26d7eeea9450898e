"""``COMPLIANCE_WRITE_THREAD`` (issue 16 item 1): the SQLite store's batches written on a
thread of their own, with every promise of the inline writer kept.

- the batches are written by the writer thread, not the caller's (the reactor's) thread;
- ``flush`` (the crawl's end) waits until every row handed over is committed;
- a batch that cannot be written, or an error of any kind on the thread, stops the crawl once
  (fail closed), and no row is lost: every one is back in the queue, in order, not counted,
  and written by the last try as the crawl closes when the database allows it;
- ``kill -9`` mid-crawl leaves only whole batches
  (``test_store_durability.py::test_a_kill_mid_crawl_keeps_the_committed_work_whole[thread]``);
- a real crawl stores the same rows and the same ``compliance/`` stats with and without it,
  and a user's pipeline after the compliance pipeline sees only the kept contacts, in the
  order they are stored.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, POLICY_DIR, WORLD_DIR, CrawlResult, RunCrawl, import_bloctel
from scrapy.settings import Settings

from compliant_scraper.config import Config
from compliant_scraper.demo.world import VirtualWorld
from compliant_scraper.errors import ComplianceConfigError, StoreWriteError
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Refusal
from compliant_scraper.store import contacts
from compliant_scraper.store.sqlite_store import SqliteStore

AT = "2026-11-23T10:00:00Z"
RUN = "run1"
WRITER = "compliance-store-writer"


def prov(url: str) -> Provenance:
    return Provenance(url, AT, "directory", RUN, "domains/a.toml", "p" * 64, "r" * 64, "json-ld")


def refusal(i: int) -> Refusal:
    return Refusal(RUN, f"http://x.test/p{i}", "x.test", "policy", "R2", "no", AT)


def committed(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows committed, as another connection sees them."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def open_store(path: Path, tmp_path: Path, *, thread: bool, batch_size: int = 2) -> SqliteStore:
    store = SqliteStore.open(path, batch_size, 60.0, write_thread=thread)
    store.start_run(RUN, "directory", "p", AT)
    purpose = load_registry(POLICY_DIR).purposes["test_b2b_email"]  # no opposition list
    today = datetime.now(UTC).date()
    store.open_screening(purpose, today, tmp_path / "key", "FR")
    return store


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "c.db"


@pytest.mark.parametrize(("thread", "writers"), [(False, {"MainThread"}), (True, {WRITER})])
def test_batches_are_written_on_the_writer_thread_and_flush_waits_for_them(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, thread: bool, writers: set[str]
) -> None:
    seen: set[str] = set()
    real = contacts.store

    def recording(*args: Any, **kwargs: Any) -> int:
        seen.add(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(contacts, "store", recording)
    store = open_store(path, tmp_path, thread=thread)
    writer = store.contact_writer("p", "legitimate interest")
    for i in range(7):  # three full batches of 2 handed over, one contact still queued
        writer.save({"kind": "person", "email": f"p{i}@x.test"}, prov(f"http://x/{i}"), ["email"])
    store.record_refusal(refusal(0))
    store.flush()  # the crawl's end: returns once everything handed over is committed
    assert committed(path, "SELECT count(*) FROM contacts") == [(7,)]
    assert committed(path, "SELECT count(*) FROM refusals") == [(1,)]
    assert store.stored_contacts == 7 and store.pending == 0
    assert seen == writers
    store.close()


def test_a_batch_that_cannot_be_written_stops_once_and_loses_no_row(
    path: Path, tmp_path: Path
) -> None:
    store = open_store(path, tmp_path, thread=True, batch_size=1)
    failures: list[StoreWriteError] = []
    store.on_failure = failures.append
    store.db.execute(
        "CREATE TRIGGER no_refusals BEFORE INSERT ON refusals "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    for i in range(3):
        store.record_refusal(refusal(i))  # each a batch of its own, handed over
    store.commit_queue()  # the pipeline closing: waits, then reports
    assert len(failures) == 1 and "disk full" in str(failures[0])
    assert store.failure is failures[0]
    assert store.pending == 3  # every row back in the queue, none counted
    assert committed(path, "SELECT count(*) FROM refusals") == [(0,)]
    store.record_refusal(refusal(3))  # the crawl stopping still queues; nothing is handed over
    store.flush_due()
    assert len(failures) == 1 and store.pending == 4
    store.db.execute("DROP TRIGGER no_refusals")
    store.flush()  # the spider closing tries the queue once more, in order
    urls = committed(path, "SELECT url FROM refusals ORDER BY id")
    assert urls == [(f"http://x.test/p{i}",) for i in range(4)]
    store.close()


def test_an_error_of_any_kind_on_the_writer_thread_fails_closed(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a database error (those are ``flush``'s): anything else raised on the thread."""
    real = SqliteStore.flush

    def crashing(self: SqliteStore) -> None:
        if threading.current_thread().name == WRITER:
            raise RuntimeError("a bug in the writer")
        real(self)

    monkeypatch.setattr(SqliteStore, "flush", crashing)
    store = open_store(path, tmp_path, thread=True)
    failures: list[StoreWriteError] = []
    store.on_failure = failures.append
    writer = store.contact_writer("p", "legitimate interest")
    for i in range(5):
        writer.save({"kind": "person", "email": f"p{i}@x.test"}, prov(f"http://x/{i}"), ["email"])
    store.commit_queue()
    assert len(failures) == 1, failures
    assert "writer thread failed (RuntimeError: a bug in the writer)" in str(failures[0])
    assert "not stored: 2 contact(s)" in str(failures[0])
    assert store.stored_contacts == 0 and store.pending == 5
    assert committed(path, "SELECT count(*) FROM contacts") == [(0,)]
    store.flush()  # the last try, on the crawl's own connection: nothing was lost
    assert committed(path, "SELECT email FROM contacts ORDER BY id") == [
        (f"p{i}@x.test",) for i in range(5)
    ]
    assert store.stored_contacts == 5
    store.close()


def test_flush_raises_a_failure_not_yet_recorded(path: Path, tmp_path: Path) -> None:
    """A caller without ``on_failure`` (``finish_run``, a script) gets the error raised."""
    store = open_store(path, tmp_path, thread=True, batch_size=1)
    store.db.execute(
        "CREATE TRIGGER no_refusals BEFORE INSERT ON refusals "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    store.record_refusal(refusal(0))
    with pytest.raises(StoreWriteError, match="disk full"):
        store.flush()
    with pytest.raises(StoreWriteError, match="disk full"):
        store.flush()  # raised again: the failure is not forgotten while nobody records it
    assert store.pending == 1
    store.db.execute("DROP TRIGGER no_refusals")
    store.failure = StoreWriteError("recorded")
    store.close()


# -- a real crawl, with and without the writer thread ------------------------------------------

SITE = "http://annuaire.test"
BLOCTEL = FIXTURES / "bloctel.csv"
USER_PIPELINE = """
import json


class SeenPipeline:
    def open_spider(self):
        self.out = open("seen.jsonl", "w")

    def process_item(self, item):
        seen = dict(item)
        seen["source_url"] = seen.pop("provenance").source_url
        self.out.write(json.dumps(seen, default=str) + "\\n")
        return item

    def close_spider(self):
        self.out.close()
"""
# Stats that depend on the clock or on the machine, not on what was crawled and kept.
_TIMING = ("time", "memusage", "elapsed", "log_count", "start", "finish", "scheduler/")


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory, crawl: RunCrawl
) -> Iterator[dict[bool, CrawlResult]]:
    results = {}
    with VirtualWorld(WORLD_DIR) as world:
        for thread in (False, True):
            workdir = tmp_path_factory.mktemp(f"thread-{thread}")
            (workdir / "user_pipelines.py").write_text(USER_PIPELINE)
            list_date = datetime.now(UTC).date() - timedelta(days=3)
            imported = import_bloctel(BLOCTEL, workdir / "compliance.db", list_date)
            assert imported.returncode == 0, imported.stdout + imported.stderr
            results[thread] = crawl(
                "directory",
                workdir,
                env=world.env(),
                purpose="test_b2b_phone",
                args={"start_url": SITE + "/"},
                settings={
                    "COMPLIANCE_WRITE_THREAD": str(thread),
                    "COMPLIANCE_WRITE_BATCH_SIZE": "2",  # several batches in a small crawl
                    "ITEM_PIPELINES": json.dumps({"user_pipelines.SeenPipeline": 300}),
                    "CONCURRENT_REQUESTS": "1",  # one order of pages, both crawls alike
                },
            )
    yield results


def compliance_stats(result: CrawlResult) -> dict[str, Any]:
    [run] = result.rows("SELECT stats, finish_reason FROM runs")
    assert run["finish_reason"] == "finished", result
    stats = json.loads(str(run["stats"]))
    return {
        k: v
        for k, v in stats.items()
        if k.startswith("compliance/") and not any(t in k for t in _TIMING)
    }


def test_a_crawl_stores_the_same_rows_and_stats_with_the_writer_thread(
    both: dict[bool, CrawlResult],
) -> None:
    inline, threaded = both[False], both[True]
    assert inline.returncode == 0 and threaded.returncode == 0, (inline, threaded)
    assert "CRITICAL" not in threaded.output, threaded
    for table, columns in (
        ("contacts", "name, email, phone, job_title"),
        ("sources", "url"),
        ("drops", "url, reason, rule"),
        ("refusals", "url, stage, rule"),
    ):
        sql = f"SELECT {columns} FROM {table} ORDER BY {columns}"
        assert threaded.rows(sql) == inline.rows(sql), table
    stats = compliance_stats(threaded)
    assert stats == compliance_stats(inline)
    saves = len(threaded.rows("SELECT id FROM sources"))  # a person on two pages: two saves
    assert stats["compliance/store/contacts_stored"] == saves > 0


@pytest.mark.parametrize("thread", [False, True])
def test_a_user_pipeline_sees_only_kept_contacts_in_the_order_stored(
    both: dict[bool, CrawlResult], thread: bool
) -> None:
    result = both[thread]
    seen = [
        json.loads(line)
        for line in (result.workdir / "seen.jsonl").read_text().splitlines()
        if line.strip()
    ]
    stored = [r["url"] for r in result.rows("SELECT url FROM sources ORDER BY id")]
    assert [item["source_url"] for item in seen] == stored, (seen, stored)
    assert seen and all("description" not in item for item in seen)  # screened: no bio
    assert not [item for item in seen if "06.48.27.19.55" in json.dumps(item)]  # Bloctel


@pytest.mark.parametrize(("value", "expected"), [("True", True), ("0", False), (None, False)])
def test_the_setting_reads_a_boolean(tmp_path: Path, value: str | None, expected: bool) -> None:
    settings = Settings({"COMPLIANCE_DB": str(tmp_path / "c.db")})
    if value is not None:
        settings.set("COMPLIANCE_WRITE_THREAD", value)
    assert Config.from_settings(settings, root=tmp_path).write_thread is expected


def test_a_setting_that_is_not_a_boolean_is_refused(tmp_path: Path) -> None:
    settings = Settings({"COMPLIANCE_WRITE_THREAD": "maybe"})
    with pytest.raises(ComplianceConfigError, match="COMPLIANCE_WRITE_THREAD: expected True or"):
        Config.from_settings(settings, root=tmp_path)
