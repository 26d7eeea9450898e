"""The screening lookups share one read snapshot (issue 16 item 2), and it never hides a write.

Outside a transaction each SQLite statement takes and drops the WAL read lock (system calls:
about 50 us a lookup on the benchmark machine, 1 us inside a transaction), and an item makes
up to seven lookups (suppression list, retention markers, opposition lists). So
``SqliteDb.read`` keeps one deferred read transaction open across lookups. What must hold:

- the lookups run in one snapshot (before this change: each in its own, none open after it);
- any other statement, and every write transaction, ends it first: a write right after
  lookups works, and then sees (and the next lookups see) what other connections committed;
- a snapshot older than ``SNAPSHOT_SECONDS`` is renewed (a clock moved by hand, no timing),
  so an objection recorded by another process is seen by the screening within that bound;
  the batch's re-check under the write lock catches it in any case (test_store_durability).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from compliant_scraper.screening.checks import suppressed
from compliant_scraper.store import runs, sqlite
from compliant_scraper.store.database import open_database
from compliant_scraper.store.opposition import OppositionScreen
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.values.persons import postal_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sqlite, "time", SimpleNamespace(monotonic=fake), raising=False)
    return fake


@pytest.fixture
def lists(tmp_path: Path) -> Iterator[tuple[SqliteDb, SuppressionList, SuppressionList]]:
    """The crawl's connection and list, and another connection's list (another process:
    ``subject object`` during the crawl)."""
    path, key = tmp_path / "c.db", tmp_path / "c.db.key"
    crawl, other = open_database(path), open_database(path)
    yield crawl, SuppressionList.open(crawl, key), SuppressionList.open(other, key)
    crawl.close()
    other.close()


Lists = tuple[SqliteDb, SuppressionList, SuppressionList]


def test_lookups_share_one_snapshot(lists: Lists, clock: Clock) -> None:
    crawl, suppression, _ = lists
    statements: list[str] = []
    crawl.conn.set_trace_callback(statements.append)
    for i in range(5):
        assert not suppression.is_suppressed("email", f"p{i}@acme.fr")
    assert not suppression.is_suppressed("phone", "+33612345678")
    assert "+33612345678" not in OppositionScreen(crawl, ["bloctel"])
    crawl.conn.set_trace_callback(None)
    assert [s for s in statements if s in ("BEGIN", "COMMIT")] == ["BEGIN"]
    assert crawl.conn.in_transaction  # the snapshot, still open for the next item
    assert not crawl.in_transaction  # but it is not a write transaction


def test_a_write_ends_the_snapshot_and_sees_what_others_committed(
    lists: Lists, clock: Clock
) -> None:
    crawl, suppression, other = lists
    assert not suppression.is_suppressed("email", "jeanne@acme.fr")  # snapshot opened
    assert other.add("email", "jeanne@acme.fr", "objection")  # committed elsewhere
    assert not suppression.is_suppressed("email", "jeanne@acme.fr")  # same snapshot
    with transaction(crawl):  # the batch: its re-check reads under the write lock
        assert suppression.is_suppressed("email", "jeanne@acme.fr")
        runs.start(crawl, "run1", "directory", "p", "2026-12-04T10:00:00Z")
    assert suppression.is_suppressed("email", "jeanne@acme.fr")  # a new snapshot
    crawl.execute("SELECT 1")  # any other statement ends it too
    assert not crawl.conn.in_transaction


def test_an_old_snapshot_is_renewed(lists: Lists, clock: Clock) -> None:
    _, suppression, other = lists
    assert not suppression.is_suppressed("phone", "+33612345678")
    assert other.add("phone", "+33612345678", "objection")
    clock.now += sqlite.SNAPSHOT_SECONDS / 2
    assert not suppression.is_suppressed("phone", "+33612345678")  # within the bound
    clock.now += sqlite.SNAPSHOT_SECONDS
    assert suppression.is_suppressed("phone", "+33612345678")  # renewed: seen


def test_closing_with_a_snapshot_open_loses_nothing(tmp_path: Path, clock: Clock) -> None:
    crawl = open_database(tmp_path / "c.db")
    suppression = SuppressionList.open(crawl, tmp_path / "c.db.key")
    with transaction(crawl):
        runs.start(crawl, "run1", "directory", "p", "2026-12-04T10:00:00Z")
    assert not suppression.is_suppressed("email", "x@acme.fr")
    crawl.close()
    reopened = open_database(tmp_path / "c.db")
    assert reopened.execute("SELECT id FROM runs").fetchall() == [("run1",)]
    reopened.close()


def test_an_item_is_one_query_to_each_list(lists: Lists, clock: Clock) -> None:
    """Email, number and name plus address: one suppression query and one retention-marker
    query for the item (before: one each per identifier, six), same answer."""
    crawl, suppression, other = lists
    markers = suppression.markers("b2b_post")
    contact = {
        "name": "Jeanne Martin",
        "email": "jeanne@cabinet-martin.fr",
        "phone": "+33142685300",
        "street_address": "1 rue de la Paix",
        "postal_code": "75002",
        "locality": "Paris",
    }
    statements: list[str] = []
    crawl.conn.set_trace_callback(statements.append)
    assert not suppressed(contact, suppression)
    assert not suppressed(contact, markers)
    crawl.conn.set_trace_callback(None)
    assert sum("FROM suppression" in s for s in statements) == 1, statements
    assert sum("FROM retention_markers" in s for s in statements) == 1, statements
    key = postal_key(contact)
    assert key is not None
    assert other.add("postal", key, "objection")  # the person, by post only
    crawl.end_snapshot()
    assert suppressed(contact, suppression)
