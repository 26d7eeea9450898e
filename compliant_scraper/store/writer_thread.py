"""``COMPLIANCE_WRITE_THREAD``: the crawl's batches written on a thread of their own (issue 16
item 1, the measured part).

The crawl's thread (the reactor's) still screens every item and queues its rows; when a batch
is due (``batch_size`` rows, ``batch_seconds`` old, the pipeline closing) it is handed to this
thread, which writes it over a connection of its own, in one transaction, in the order the
batches were handed over. SQLite releases the GIL while it runs a statement, so the reactor
goes on downloading and screening meanwhile (bench/offload.py, the pipeline alone: the calling
thread's CPU per item 0.60 of the inline writer's; in a crawl no gain was measured, so it is
off by default: docs/performance.md).

What does not change (tests/test_writer_thread.py):

- a batch is one transaction: a ``kill -9`` leaves no partial rows, a stored source has its
  page's drops beside it;
- the crawl's end waits: ``SqliteStore.flush`` hands the last batch over and waits until every
  batch handed over is written (the pipeline's ``close_spider`` and ``spider_closed`` call it);
- a batch that cannot be written, or an error of any kind on this thread, fails closed: the
  batch and every later one go back to the front of the store's queue, unwritten and not
  counted as stored; the store's ``failure`` is set and ``on_failure`` called once, on the
  crawl's thread (at its next row or one-second tick), so the crawl stops with exit 1 and the
  error names what is not stored;
- ``stored_contacts`` and ``suppressed_at_store`` count only committed rows; the in-transaction
  suppression check reads the list on this thread's connection (same key).

At most ``QUEUE_BATCHES`` batches wait: a writer slower than the crawl slows the crawl down
instead of filling memory.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ..errors import StoreWriteError

if TYPE_CHECKING:
    from .sqlite_store import SqliteStore

QUEUE_BATCHES: Final = 2
"""Batches handed over and not yet written before the crawl's thread waits."""


@dataclass
class QueuedRows:
    contacts: list[Any] = field(default_factory=list)
    refusals: list[Any] = field(default_factory=list)
    drops: list[Any] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.contacts) + len(self.refusals) + len(self.drops)


class WriterThread:
    """Writes handed-over batches with ``target`` (a ``SqliteStore`` over its own connection)."""

    def __init__(self, target: SqliteStore) -> None:
        self.target = target
        self._jobs: queue.Queue[QueuedRows | None] = queue.Queue(QUEUE_BATCHES)
        self._lock = threading.Lock()
        self._unwritten: list[QueuedRows] = []  # after a failure: this batch and every later one
        self.error: StoreWriteError | None = None
        self._counts = (0, 0)  # (stored, suppressed at store) not yet taken by the store
        self._thread = threading.Thread(target=self._run, name="compliance-store-writer")
        self._thread.daemon = True  # a kill of the crawl aborts the open transaction, no more
        self._thread.start()

    def submit(self, batch: QueuedRows) -> None:
        self._jobs.put(batch)

    def drain(self) -> None:
        """Wait until every batch handed over is written (or set aside by a failure)."""
        self._jobs.join()

    def take_unwritten(self) -> list[QueuedRows]:
        """The batches a failure left unwritten, oldest first (once)."""
        with self._lock:
            batches, self._unwritten = self._unwritten, []
        return batches

    def take_counts(self) -> tuple[int, int]:
        """Contacts stored and suppressed at store since the last call."""
        with self._lock:
            counts, self._counts = self._counts, (0, 0)
        return counts

    def close(self) -> None:
        """Write what is handed over, stop the thread, close its connection."""
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        self.target.db.close()

    def _run(self) -> None:
        while True:
            batch = self._jobs.get()
            try:
                if batch is None:
                    return
                self._write(batch)
            finally:
                self._jobs.task_done()

    def _write(self, batch: QueuedRows) -> None:
        if self.error is not None:  # the crawl is stopping: later batches stay unwritten
            with self._lock:
                self._unwritten.append(batch)
            return
        target = self.target
        target._contacts, target._refusals, target._drops = (
            batch.contacts,
            batch.refusals,
            batch.drops,
        )
        try:
            target.flush()
            with self._lock:
                stored, suppressed = self._counts
                self._counts = (
                    stored + target.stored_contacts,
                    suppressed + target.suppressed_at_store,
                )
            target.stored_contacts = target.suppressed_at_store = 0
        except BaseException as exc:  # a write error, or any bug here: fail closed
            error = (
                exc
                if isinstance(exc, StoreWriteError)
                else StoreWriteError(
                    f"the store's writer thread failed ({type(exc).__name__}: {exc}); not "
                    f"stored: {len(batch.contacts)} contact(s), {len(batch.refusals)} "
                    f"refusal(s), {len(batch.drops)} drop(s). The crawl stops (fail closed)"
                )
            )
            with self._lock:
                self._unwritten.append(batch)
                self.error = error
        finally:
            target._contacts, target._refusals, target._drops = [], [], []
