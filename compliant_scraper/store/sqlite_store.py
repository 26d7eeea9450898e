"""The embedded default store: one SQLite file, writes batched (the crawl's ``ComplianceStore``).

The crawl's contacts, refusals and drops are queued in memory and written together, in one
transaction (issue 10 item 7), when the queue holds ``batch_size`` contacts or refusals
(``COMPLIANCE_WRITE_BATCH_SIZE``; drops: 8 x that), when its oldest entry is
``batch_seconds`` old (``COMPLIANCE_WRITE_BATCH_SECONDS``, 1 s: the crawl also calls
``flush_due`` once a second), and when the run finishes. So:

- a kill loses at most about a second of work, and what was committed is whole: a stored
  source always has the drops and refusals of its page beside it (same transaction);
- the write lock is held only while a batch is written (milliseconds), never across the
  crawl, so another crawl or a ``subject erase`` waits little;
- each queued contact is looked up and stored under that lock (``contacts.store``: two
  writers never store one person twice), after checking the suppression list again inside
  the transaction (issue 10 item 6): an erasure or objection that committed before the
  batch is honoured even when the contact was screened before it. Such a contact is not
  stored; its ``drops`` row says ``suppressed`` (R8), ``field`` ``*``.

A batch that cannot be written (the lock not had within the busy timeout, three times; a
disk error) is not dropped: it stays queued, ``failure`` holds a ``StoreWriteError`` naming
the database and how much is not stored, and ``on_failure`` is called once, so the crawl
stops with a non-zero exit (issue 10 item 8). ``stored_contacts`` counts only what was
committed.

With ``write_thread`` (``COMPLIANCE_WRITE_THREAD``) a due batch is written by a thread of its
own over a connection of its own instead of the crawl's thread; ``flush`` waits for it, and
the promises above hold unchanged (``writer_thread``).

Nothing here is SQLite's but ``open``: the class is written against ``backend.Db``, and
``postgres_store.PostgresStore`` is this store over a PostgreSQL connection (its contacts are
written one transaction each, not queued: see there).
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ..errors import ContactDropped, StoreWriteError
from ..policy.model import Purpose
from ..provenance import Provenance
from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot
from ..rules import Rule
from . import audit_log, contacts, registries, runs
from .backend import Db
from .base import ContactSink
from .database import open_database
from .screening import Screening, open_screening
from .sources import PagesRead
from .sqlite import DEFAULT_BUSY_TIMEOUT, StoreBusyError
from .suppression import SuppressionList
from .transaction import transaction
from .writer_thread import QueuedRows, WriterThread

logger = logging.getLogger(__name__)

ATTEMPTS: Final = 3
"""Tries of one batch when the lock is not had (each waits up to the busy timeout)."""

DROPS_PER_BATCH: Final = 8
"""Several values are dropped per item: the drop queue is this many times larger."""


@dataclass(frozen=True)
class _Queued:
    purpose: str
    legal_basis: str
    contact: Mapping[str, Any]
    provenance: Provenance
    fields: list[str]


class QueuedWriter:
    """The crawl's ``ContactSink``: a save joins the store's next batch."""

    def __init__(self, store: SqliteStore, purpose: str, legal_basis: str) -> None:
        self.store = store
        self.purpose = purpose
        self.legal_basis = legal_basis
        self.pages = PagesRead(store.db, purpose)

    def save(self, contact: Mapping[str, Any], provenance: Provenance, fields: list[str]) -> None:
        if not contacts.dedupe_keys(contact):
            raise ValueError("a contact needs an email, a phone or a name to be stored")
        self.store.queue_contact(
            _Queued(self.purpose, self.legal_basis, dict(contact), provenance, list(fields))
        )

    def flush(self) -> None:
        """The pipeline closing: commit the queue (a failure stops the crawl, once)."""
        self.store.commit_queue()

    # Pages that no longer carry their contacts (issue 13, R9): ``sources.PagesRead``.

    def page_answered(self, url: str, status: int, at: str) -> None:
        self.pages.answered(url, status, at)

    def page_failed(self, url: str) -> None:
        self.pages.failed(url)

    def close_pages(self, run_id: str, at: str) -> None:
        """After ``flush``: judged only once every contact of the run is committed."""
        self.store.commit_queue()
        if not self.store.pending:
            self.pages.close(run_id, at)


class SqliteStore:
    """Queues the crawl's rows and writes them in batches bounded by count and time."""

    def __init__(
        self,
        db: Db,
        batch_size: int = 500,
        batch_seconds: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self._clock = clock
        self._contacts: list[_Queued] = []
        self._refusals: list[Refusal] = []
        self._drops: list[Drop] = []
        self._since: float | None = None
        self.suppression: SuppressionList | None = None  # set by open_screening
        self.stored_contacts = 0
        self.suppressed_at_store = 0
        self.failure: StoreWriteError | None = None
        self.on_failure: Callable[[StoreWriteError], None] | None = None
        self._open_writer_db: Callable[[], Db] | None = None
        self._writer: WriterThread | None = None

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        batch_size: int = 500,
        batch_seconds: float = 1.0,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        audit_key_file: str | os.PathLike[str] | None = None,
        write_thread: bool = False,
    ) -> SqliteStore:
        db = open_database(path, busy_timeout=busy_timeout, audit_key_file=audit_key_file)
        store = cls(db, batch_size, batch_seconds)
        if write_thread:
            store.write_on_thread(
                lambda: open_database(
                    path, busy_timeout=busy_timeout, audit_key_file=audit_key_file
                )
            )
        return store

    def write_on_thread(self, open_db: Callable[[], Db]) -> None:
        """Write due batches on a thread of their own, over the connection ``open_db`` opens
        (started at the first batch, once the suppression list is known)."""
        self._open_writer_db = open_db

    # -- rows written at once ------------------------------------------------------------------

    def start_run(self, run_id: str, spider: str, purpose: str, started_at: str) -> None:
        with transaction(self.db):
            runs.start(self.db, run_id, spider, purpose, started_at)

    def finish_run(
        self, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]
    ) -> None:
        """Commit the queue, then record the run's end, even when the queue could not be
        written (the error is raised after: the run says how it ended)."""
        error: StoreWriteError | None = None
        if self.failure is None:  # after a failure the crawl already tried its last flush
            try:
                self.flush()
            except StoreWriteError as exc:
                self.failure = error = exc
        with transaction(self.db):
            runs.finish(self.db, run_id, finished_at, reason, stats)
        if error is not None:
            raise error

    def record_policy_snapshots(self, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None:
        with transaction(self.db):
            runs.add_policy_snapshots(self.db, run_id, snapshots)

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None:
        with transaction(self.db):
            runs.add_robots_snapshot(self.db, snapshot)

    def registry_files(self, sha256: str) -> dict[str, bytes] | None:
        """The files of the published registry ``sha256``; None when none was published."""
        return registries.files(self.db, sha256)

    def record_registry_switch(
        self, run_id: str, at: str, version: int, from_sha256: str, to_sha256: str
    ) -> None:
        with transaction(self.db):
            registries.add_switch(self.db, run_id, at, version, from_sha256, to_sha256)

    # -- rows queued for the next batch --------------------------------------------------------

    def record_refusal(self, refusal: Refusal) -> None:
        self._refusals.append(refusal)
        self._queued()

    def record_drop(self, drop: Drop) -> None:
        self._drops.append(drop)
        self._queued()

    def queue_contact(self, queued: _Queued) -> None:
        self._contacts.append(queued)
        self._queued()

    def contact_writer(self, purpose: str, legal_basis: str) -> ContactSink:
        """The writer of this crawl's contacts, in the store's batches; each batch checks
        the suppression list the start-up check opened (``open_screening``) again."""
        return QueuedWriter(self, purpose, legal_basis)

    def open_screening(
        self,
        purpose: Purpose,
        today: date,
        key_file: str | os.PathLike[str],
        default_region: str,
    ) -> Screening:
        """The opposition screen and suppression list, checked usable (R7, R8)."""
        screening = open_screening(self.db, purpose, today, key_file, default_region)
        self.suppression = screening.suppression
        return screening

    @property
    def pending(self) -> int:
        """Rows queued and not yet committed."""
        return len(self._contacts) + len(self._refusals) + len(self._drops)

    def _queued(self) -> None:
        now = self._clock()
        if self._since is None:
            self._since = now
        if self.failure is not None:
            return  # the crawl is stopping; what is queued is tried again when it closes
        full = (
            len(self._contacts) + len(self._refusals) >= self.batch_size
            or len(self._drops) >= self.batch_size * DROPS_PER_BATCH
        )
        if full or now - self._since >= self.batch_seconds:
            self._flush_reporting()

    def flush_due(self) -> None:
        """Commit the queue if its oldest row has waited ``batch_seconds`` (the crawl's
        one-second tick, so an idle crawl does not sit on its rows)."""
        since = self._since
        due = since is not None and self._clock() - since >= self.batch_seconds
        if due and self.failure is None:
            self._flush_reporting()
        elif self._writer is not None and self.failure is None:
            self._collect()  # a failure of the writer thread stops even an idle crawl

    def commit_queue(self) -> None:
        """``flush``, but a failure goes to ``on_failure`` (once) instead of being raised."""
        if self.failure is None:
            self._report_flush()

    def _flush_reporting(self) -> None:
        if self._open_writer_db is None:
            self._report_flush()
            return
        self._collect()  # an earlier batch's failure first: it stops the hand-overs
        if self.failure is None:
            self._hand_over()

    def _report_flush(self) -> None:
        try:
            self.flush()
        except StoreWriteError as exc:
            if self.failure is None:
                self.failure = exc
                if self.on_failure is not None:
                    self.on_failure(exc)
                else:
                    raise

    # -- writing a batch -----------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything queued in one transaction; ``StoreWriteError`` if it cannot be
        written (the queue is kept, nothing is counted as stored). With a writer thread: hand
        the queue over and wait until every batch handed over is written."""
        if self._open_writer_db is not None and self.failure is None:
            failed = self._take_back()
            if failed is None:
                self._hand_over()
                self._drain()
                failed = self._take_back()
            if failed is not None:  # raised until the caller records it: never fails open
                raise failed
            return
        # Inline; with a writer thread only once its failure is recorded: the crawl closing
        # tries its queue once more, on this connection.
        if not self.pending:
            self._since = None
            return
        error: BaseException | None = None
        for _attempt in range(ATTEMPTS):
            try:
                self._write_batch()
            except StoreBusyError as exc:
                error = exc
                continue
            except Exception as exc:  # a disk, driver or constraint error: fail closed
                error = exc
                break
            self._since = None
            return
        raise StoreWriteError(
            f"could not write to the database {_where(self.db)} ({error}); not stored: "
            f"{len(self._contacts)} contact(s), {len(self._refusals)} refusal(s), "
            f"{len(self._drops)} drop(s). The crawl stops (fail closed): see the error, "
            "free the database (another writer, disk space, permissions) and run it again"
        ) from error

    def _write_batch(self) -> None:
        stored = suppressed_now = 0
        late: list[Drop] = []
        with transaction(self.db):
            for queued in self._contacts:
                try:
                    contacts.store(
                        self.db,
                        queued.purpose,
                        queued.legal_basis,
                        queued.contact,
                        queued.provenance,
                        queued.fields,
                        self.suppression,
                    )
                except ContactDropped:  # erased or objected since the screening: not stored
                    late.append(_suppressed_drop(queued, self.suppression))
                    suppressed_now += 1
                    continue
                stored += 1
            if self._refusals:
                runs.add_refusals(self.db, self._refusals)
                audit_log.append(
                    self.db,
                    "refusal_batch",
                    _batch_summary(self._refusals[0].run_id, (r.stage for r in self._refusals)),
                )
            drops = [*self._drops, *late]
            if drops:
                runs.add_drops(self.db, drops)
                audit_log.append(
                    self.db,
                    "drop_batch",
                    _batch_summary(drops[0].run_id, (d.reason for d in drops for _ in d.fields)),
                )
        self.stored_contacts += stored
        self.suppressed_at_store += suppressed_now
        self._contacts.clear()
        self._refusals.clear()
        self._drops.clear()

    # -- the writer thread (``writer_thread``) -------------------------------------------------

    def _hand_over(self) -> None:
        """The queue becomes the writer thread's next batch (started at the first)."""
        self._since = None
        if not self.pending or self.failure is not None:
            return
        writer = self._writer
        if writer is None:
            writer = self._writer = WriterThread(self._writer_target())
        batch = QueuedRows(self._contacts, self._refusals, self._drops)
        self._contacts, self._refusals, self._drops = [], [], []
        writer.submit(batch)

    def _writer_target(self) -> SqliteStore:
        assert self._open_writer_db is not None
        target = SqliteStore(self._open_writer_db(), self.batch_size, self.batch_seconds)
        if self.suppression is not None:
            target.suppression = self.suppression.on(target.db)
        return target

    def _drain(self) -> None:
        if self._writer is not None:
            self._writer.drain()

    def _take_back(self) -> StoreWriteError | None:
        """The writer thread's counts; after its failure, its unwritten batches back at the
        front of the queue (in order), and the failure."""
        writer = self._writer
        if writer is None:
            return None
        stored, suppressed = writer.take_counts()
        self.stored_contacts += stored
        self.suppressed_at_store += suppressed
        error = writer.error
        if error is None:
            return None
        writer.drain()  # batches handed over after the failed one: set aside, quickly
        unwritten = writer.take_unwritten()
        if unwritten:
            unwritten.append(QueuedRows(self._contacts, self._refusals, self._drops))
            self._contacts = [c for b in unwritten for c in b.contacts]
            self._refusals = [r for b in unwritten for r in b.refusals]
            self._drops = [d for b in unwritten for d in b.drops]
            self._since = self._clock()
        return error

    def _collect(self) -> None:
        """A failure of the writer thread: ``failure`` set, ``on_failure`` called (once)."""
        error = self._take_back()
        if error is None or self.failure is not None:
            return
        self.failure = error
        if self.on_failure is None:
            raise error
        self.on_failure(error)

    def close(self) -> None:
        try:
            if self.failure is None:
                self.flush()
        finally:
            if self._writer is not None:
                self._writer.close()
                self._take_back()
            self.db.close()


def _where(db: Db) -> str:
    path = getattr(db, "path", None) or db.anchor_base()
    return str(path) if path is not None else f"({db.dialect} store)"


def _suppressed_drop(queued: _Queued, suppression: SuppressionList | None) -> Drop:
    provenance = queued.provenance
    email, phone = (
        suppression.subject_hashes(queued.contact.get("email"), queued.contact.get("phone"))
        if suppression is not None
        else (None, None)
    )
    return Drop(
        provenance.run_id,
        provenance.source_url,
        ("*",),
        "suppressed",
        Rule.R8,
        provenance.retrieved_at,
        email,
        phone,
    )


def _batch_summary(run_id: str, keys: Iterable[str]) -> dict[str, Any]:
    """What the audit log says of a batch: run, count, counts by stage or reason (no values)."""
    counts = Counter(keys)
    return {"run_id": run_id, "count": sum(counts.values()), "by": dict(sorted(counts.items()))}
