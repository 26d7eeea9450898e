"""The store keeps the crawl's work (issue 10 items 6-8, issue 9 item 14).

- Batches are bounded by time as well as count: a kill mid-crawl keeps what was committed,
  and a committed source always has its page's drops beside it (one transaction).
- Writers wait for each other (busy timeout); a write that still fails names the database,
  says what to do, and stops the crawl with a non-zero exit; nothing is counted as stored
  that is not.
- De-duplication holds under concurrent writers: 2 to 4 processes writing the same people
  store each person once.
- An erasure that committed before a batch is honoured by that batch (the suppression list
  is read again inside the batch's write transaction), and the erasure itself looks the
  person up under the write lock.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, WORLD_DIR, RunCrawl, import_bloctel

from compliant_scraper.cli import main
from compliant_scraper.demo.world import VirtualWorld
from compliant_scraper.errors import StoreWriteError
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Drop, Refusal
from compliant_scraper.store import audit_log
from compliant_scraper.store.database import open_database
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.sqlite_store import SqliteStore
from compliant_scraper.store.suppression import SuppressionList

AT = "2026-11-23T10:00:00Z"
RUN = "run1"


class Clock:
    """A clock the test moves by hand (no timed assertion)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def purpose() -> Purpose:
    from compliant_scraper.policy.loader import load_registry

    registry = load_registry(Path(__file__).parent / "fixtures" / "policies")
    return registry.purposes["test_b2b_email"]  # no opposition list to import


def prov(url: str) -> Provenance:
    return Provenance(url, AT, "directory", RUN, "domains/a.toml", "p" * 64, "r" * 64, "json-ld")


def count(path: Path, table: str) -> int:
    """Rows committed, as another connection sees them."""
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def store_at(path: Path, clock: Clock, batch_size: int = 1000, **kwargs: float) -> SqliteStore:
    store = SqliteStore(
        open_database(path, **kwargs), batch_size=batch_size, batch_seconds=1.0, clock=clock
    )
    store.start_run(RUN, "directory", "p", AT)
    return store


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "c.db"


def test_a_batch_commits_after_its_time_bound_with_the_drops_of_its_pages(
    path: Path, tmp_path: Path
) -> None:
    clock = Clock()
    store = store_at(path, clock)
    store.open_screening(purpose(), _today(), tmp_path / "key", "FR")
    writer = store.contact_writer("p", "legitimate interest")
    writer.save({"kind": "person", "email": "a@b.test"}, prov("http://x.test/a"), ["email"])
    store.record_drop(Drop(RUN, "http://x.test/a", ("job_title",), "sensitive_health", "R4", AT))
    store.record_refusal(Refusal(RUN, "http://x.test/p", "x.test", "policy", "R2", "no", AT))
    clock.now = 0.5
    store.flush_due()
    assert (count(path, "contacts"), count(path, "drops"), count(path, "refusals")) == (0, 0, 0)
    clock.now = 1.0
    store.flush_due()  # the crawl's one-second tick: no new row needed
    assert (count(path, "contacts"), count(path, "drops"), count(path, "refusals")) == (1, 1, 1)
    assert store.stored_contacts == 1
    clock.now = 5.0
    store.record_drop(Drop(RUN, "http://x.test/b", ("*",), "no_identifier", "R4", AT))
    assert count(path, "drops") == 1  # the queue was empty since 1.0: a new row starts a batch
    clock.now = 6.0
    store.flush_due()
    assert count(path, "drops") == 2
    store.close()


_CHILD = textwrap.dedent(
    """
    import sys
    from compliant_scraper.provenance import Provenance
    from compliant_scraper.records import Drop
    from compliant_scraper.store.database import open_database
    from compliant_scraper.store.sqlite_store import SqliteStore, _Queued

    store = SqliteStore(open_database(sys.argv[1]), batch_size=10**9, batch_seconds=0.05)
    if sys.argv[2] == "thread":  # COMPLIANCE_WRITE_THREAD (issue 16 item 1)
        store.write_on_thread(lambda: open_database(sys.argv[1]))
    store.start_run("run1", "directory", "p", "2026-11-23T10:00:00Z")
    store._suppression = type("Nobody", (), {"is_suppressed": lambda *a: False})()
    said = False
    i = 0
    while True:
        url = f"http://x.test/{i}"
        store.record_drop(Drop("run1", url, ("job_title",), "sensitive_health", "R4", "t"))
        prov = Provenance(url, "2026-11-23T10:00:00Z", "d", "run1", "a.toml", "p", "r", "x")
        contact = {"kind": "person", "email": f"p{i}@x.test"}
        store.queue_contact(_Queued("p", "b", contact, prov, ["email"]))
        i += 1
        if store.stored_contacts >= 50 and not said:
            print("committed", flush=True)
            said = True
    """
)


@pytest.mark.parametrize("writer", ["inline", "thread"])
def test_a_kill_mid_crawl_keeps_the_committed_work_whole(path: Path, writer: str) -> None:
    """Before: only every 2,000 contacts (16,000 drops) committed, apart from each other."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), writer], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the child says when 50 contacts are committed
        assert line.strip() == "committed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    conn = sqlite3.connect(path)
    stored = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM sources s WHERE NOT EXISTS "
        "(SELECT 1 FROM drops d WHERE d.url = s.url)"
    ).fetchone()[0]
    conn.close()
    assert stored >= 50
    assert orphans == 0  # every committed source has its page's drop beside it


def test_a_locked_database_is_waited_for_then_named(path: Path) -> None:
    clock = Clock()
    store = store_at(path, clock, busy_timeout=0.05)
    holder = open_database(path)
    holder.begin_write()  # another writer holds the lock and does not let go
    store.record_refusal(Refusal(RUN, "http://x.test/p", "x.test", "policy", "R2", "no", AT))
    with pytest.raises(StoreWriteError) as caught:
        store.flush()
    message = str(caught.value)
    assert str(path) in message
    assert "locked by another writer" in message
    assert "COMPLIANCE_DB_BUSY_TIMEOUT" in message
    assert "not stored: 0 contact(s), 1 refusal(s), 0 drop(s)" in message
    holder.rollback_write()
    store.flush()  # the queue was kept: once the lock is free, nothing is lost
    assert count(path, "refusals") == 1
    store.close()
    holder.close()


def test_a_batch_that_fails_is_not_counted_and_calls_its_handler(path: Path) -> None:
    clock = Clock()
    store = store_at(path, clock, batch_size=1)
    seen: list[StoreWriteError] = []
    store.on_failure = seen.append
    store.db.execute(
        "CREATE TRIGGER no_refusals BEFORE INSERT ON refusals "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    store.record_refusal(Refusal(RUN, "http://x.test/p", "x.test", "policy", "R2", "no", AT))
    store.record_refusal(Refusal(RUN, "http://x.test/q", "x.test", "policy", "R2", "no", AT))
    assert len(seen) == 1 and "disk full" in str(seen[0])  # once, not once per row
    assert store.failure is seen[0]
    assert store.pending == 2 and count(path, "refusals") == 0


# -- concurrent writers (issue 9 item 14) ------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import sys
    from compliant_scraper.provenance import Provenance
    from compliant_scraper.store.database import open_database
    from compliant_scraper.store.sqlite_store import SqliteStore, _Queued

    path, worker, people = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = SqliteStore(open_database(path), batch_size=7, batch_seconds=60)
    run = f"run-{worker}"
    store.start_run(run, "directory", "p", "2026-11-23T10:00:00Z")
    store._suppression = type("Nobody", (), {"is_suppressed": lambda *a: False})()
    for i in range(people):
        url = f"http://x.test/{worker}/{i}"
        prov = Provenance(url, "2026-11-23T10:00:00Z", "d", run, "a.toml", "p", "r", "x")
        # The same people under different keys each time: email, phone, name + organisation.
        contact = {"kind": "person", "email": f"p{i}@x.test", "name": f"Person {i}"}
        if int(worker) % 2:
            contact = {"kind": "person", "name": f"Person {i}", "phone": f"+3361234{i:04d}"}
            contact["email"] = f"p{i}@x.test"
        store.queue_contact(_Queued("p", "b", contact, prov, ["email"]))
    store.finish_run(run, "2026-11-23T10:01:00Z", "finished", {})
    store.close()
    print("stored", store.stored_contacts)
    """
)


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_first_crawls_store_each_person_once(path: Path, writers: int) -> None:
    """Before: a new database migrated by two crawls at once, "database is locked" untranslated."""
    people = 120
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(w), str(people)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * writers, outputs
    assert [o[0].strip() for o in outputs] == [f"stored {people}"] * writers
    conn = sqlite3.connect(path)
    per_person = conn.execute("SELECT email, count(*) FROM contacts GROUP BY email").fetchall()
    sources = conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    conn.close()
    assert len(per_person) == people and {n for _e, n in per_person} == {1}
    assert sources == people * writers
    db = open_database(path)
    assert audit_log.verify(db) is None
    db.close()


# -- erasure during a crawl (issue 10 item 6) --------------------------------------------------


def test_an_erasure_between_screening_and_storing_is_honoured(path: Path, tmp_path: Path) -> None:
    """The contact was screened (not suppressed) and queued; the erasure commits; the batch
    then writes: it must not store the person (before: 3 of 6 erasures were followed by a
    store)."""
    clock = Clock()
    key = tmp_path / "c.db.key"
    store = store_at(path, clock)
    store.open_screening(purpose(), _today(), key, "FR")
    writer = store.contact_writer("p", "legitimate interest")
    writer.save({"kind": "person", "email": "jeanne@acme.fr"}, prov("http://x.test/j"), ["email"])
    writer.save({"kind": "person", "email": "paul@acme.fr"}, prov("http://x.test/p"), ["email"])
    erased = CliRunner().invoke(
        main,
        ["subject", "erase", "jeanne@acme.fr", "--yes", "--db", str(path), "--key-file", str(key)],
    )
    assert erased.exit_code == 0, erased.output
    store.flush()
    conn = sqlite3.connect(path)
    emails = [r[0] for r in conn.execute("SELECT email FROM contacts")]
    drops = conn.execute("SELECT url, fields, reason, rule FROM drops").fetchall()
    conn.close()
    assert emails == ["paul@acme.fr"]
    assert drops == [("http://x.test/j", '["*"]', "suppressed", "R8")]
    assert store.stored_contacts == 1 and store.suppressed_at_store == 1
    store.close()


def test_an_erasure_looks_the_person_up_under_the_write_lock(path: Path, tmp_path: Path) -> None:
    """A crawl's batch holding the lock stores the person; the erasure waiting behind it
    must find and delete them (before: it looked up first, found nobody, exited 0)."""
    key = tmp_path / "c.db.key"
    setup = open_database(path)
    SuppressionList.open(setup, key)  # the key and its check row exist: no write before lookup
    setup.close()
    crawl = open_database(path)
    crawl.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'directory', 'p')")
    crawl.begin_write()
    crawl.execute(
        "INSERT INTO contacts (kind, email, purpose, dedupe_key, first_seen, last_seen, "
        "retention_until) VALUES ('person', 'jeanne@acme.fr', 'p', 'email:jeanne@acme.fr', "
        "?, ?, '2029-11-23')",
        [AT, AT],
    )
    waiting = threading.Event()
    real_begin = SqliteDb.begin_write

    def begin_and_say(db: SqliteDb) -> None:
        waiting.set()  # the erasure asks for the lock now (the crawl still holds it)
        real_begin(db)

    results: list[object] = []

    def erase() -> None:
        args = ["subject", "erase", "jeanne@acme.fr", "--yes", "--db", str(path)]
        results.append(CliRunner().invoke(main, [*args, "--key-file", str(key)]))

    original = SqliteDb.begin_write
    SqliteDb.begin_write = begin_and_say  # type: ignore[method-assign]
    try:
        thread = threading.Thread(target=erase)
        thread.start()
        assert waiting.wait(60)
        crawl.commit_write()
        thread.join(120)
    finally:
        SqliteDb.begin_write = original  # type: ignore[method-assign]
    result = results[0]
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert count(path, "contacts") == 0
    crawl.close()


# -- a crawl whose store fails (issue 10 item 8) ----------------------------------------------


@pytest.mark.e2e
@pytest.mark.parametrize("write_thread", ["False", "True"])
def test_a_crawl_whose_writes_fail_stops_with_a_non_zero_exit(
    tmp_path: Path, crawl: RunCrawl, write_thread: str
) -> None:
    """Before: the item's error was logged, the crawl went on and exited 0. The same with
    the batches written on the writer thread (``COMPLIANCE_WRITE_THREAD``, issue 16)."""
    workdir = tmp_path / "crawl"
    workdir.mkdir()
    listed = import_bloctel(FIXTURES / "bloctel.csv", workdir / "compliance.db", _today())
    assert listed.returncode == 0, listed.stdout + listed.stderr
    db = open_database(workdir / "compliance.db")
    db.execute(
        "CREATE TRIGGER no_sources BEFORE INSERT ON sources "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END"
    )
    db.close()
    with VirtualWorld(WORLD_DIR) as world:
        result = crawl(
            "directory",
            workdir,
            env=world.env(),
            purpose="test_b2b_phone",
            args={"start_url": "http://annuaire.test/"},
            settings={"COMPLIANCE_WRITE_BATCH_SIZE": "1", "COMPLIANCE_WRITE_THREAD": write_thread},
        )
    assert result.returncode != 0, result
    assert "The crawl stops (compliance store)" in result.output
    assert "disk I/O error (injected)" in result.output
    assert "not stored: 1 contact(s)" in result.output
    assert result.rows("SELECT count(*) AS n FROM contacts") == [{"n": 0}]
    runs = result.rows("SELECT finish_reason, stats FROM runs")
    assert [r["finish_reason"] for r in runs] == ["compliance_store_failed"]
    assert '"compliance/store/contacts_stored": 0' in str(runs[0]["stats"])


def _today():  # type: ignore[no-untyped-def]
    from compliant_scraper.clock import today_utc

    return today_utc()


_APPENDER = textwrap.dedent(
    """
    import sys
    from compliant_scraper.store import audit_log
    from compliant_scraper.store.database import open_database

    db = open_database(sys.argv[1])
    for i in range(40):
        audit_log.append(db, "export", {"writer": sys.argv[2], "i": i})
    """
)


def test_concurrent_writers_never_lose_committed_rows(tmp_path: Path) -> None:
    """Before: opening the store closed a descriptor of the database file, which drops the
    process's POSIX locks on it (SQLite's too): in 4 of 12 rounds of 4 writers, one writer's
    committed rows were gone. Six rounds here; each must keep all 160 rows."""
    lost = []
    for round_ in range(6):
        path = tmp_path / f"round{round_}.db"
        open_database(path).close()
        writers = [
            subprocess.Popen([sys.executable, "-c", _APPENDER, str(path), str(n)]) for n in range(4)
        ]
        assert [w.wait(timeout=120) for w in writers] == [0, 0, 0, 0]
        lost.append(160 - count(path, "audit_log"))
    assert lost == [0] * 6
