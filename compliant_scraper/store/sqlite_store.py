"""The embedded default store: one SQLite file, writes batched (the crawl's ``ComplianceStore``).

The crawl's writes share one open transaction (``transaction.Batch``): contacts, refusals
and drops accumulate in it and are committed together, every ``batch_size`` contacts, every
refusal or drop flush, and when the run finishes. Refusal and drop rows are buffered as the
frozen records themselves and written with one ``executemany`` each (the hot path).

Nothing here is SQLite's but ``open``: the class is written against ``backend.Db``, and
``postgres_store.PostgresStore`` is this store over a PostgreSQL connection.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ..policy.model import Purpose
from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot
from . import audit_log, runs
from .backend import Db
from .contacts import ContactWriter
from .database import open_database
from .screening import Screening, open_screening
from .suppression import SuppressionList
from .transaction import Batch, transaction


class SqliteStore:
    """Buffers audit rows and writes them in the crawl's batch."""

    def __init__(self, db: Db, batch_size: int = 500) -> None:
        self.db = db
        self.batch_size = batch_size
        self.batch = Batch(db, batch_size)
        self.suppression: SuppressionList | None = None  # set by open_screening
        self._refusals: list[Refusal] = []
        self._drops: list[Drop] = []

    @classmethod
    def open(cls, path: str | os.PathLike[str], batch_size: int = 500) -> SqliteStore:
        return cls(open_database(path), batch_size)

    def start_run(self, run_id: str, spider: str, purpose: str, started_at: str) -> None:
        with transaction(self.db):
            runs.start(self.db, run_id, spider, purpose, started_at)

    def finish_run(
        self, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]
    ) -> None:
        self.flush()
        with transaction(self.db):
            runs.finish(self.db, run_id, finished_at, reason, stats)

    def record_policy_snapshots(self, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None:
        with transaction(self.db):
            runs.add_policy_snapshots(self.db, run_id, snapshots)

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None:
        with transaction(self.db):
            runs.add_robots_snapshot(self.db, snapshot)

    def record_refusal(self, refusal: Refusal) -> None:
        self._refusals.append(refusal)
        if len(self._refusals) >= self.batch_size:
            self.flush()

    def record_drop(self, drop: Drop) -> None:
        self._drops.append(drop)
        # Several values are dropped per item: a larger buffer, so commits stay rare.
        if len(self._drops) >= self.batch_size * 8:
            self.flush()

    def contact_writer(self, purpose: str, legal_basis: str) -> ContactWriter:
        """The writer of this crawl's contacts, in the store's batch, re-checking the
        suppression list the start-up check opened."""
        return ContactWriter(
            self.db,
            purpose,
            legal_basis,
            self.batch_size,
            batch=self.batch,
            suppression=self.suppression,
        )

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

    def flush(self) -> None:
        """Write the buffered refusals and drops, and commit the batch with them."""
        if self._refusals or self._drops:
            with self.batch.write():
                if self._refusals:
                    runs.add_refusals(self.db, self._refusals)
                    audit_log.append(
                        self.db,
                        "refusal_batch",
                        _batch_summary(self._refusals[0].run_id, (r.stage for r in self._refusals)),
                    )
                if self._drops:
                    runs.add_drops(self.db, self._drops)
                    audit_log.append(
                        self.db,
                        "drop_batch",
                        _batch_summary(self._drops[0].run_id, (d.reason for d in self._drops)),
                    )
            self._refusals.clear()
            self._drops.clear()
        self.batch.commit()

    def close(self) -> None:
        self.flush()
        self.db.close()


def _batch_summary(run_id: str, keys: Iterable[str]) -> dict[str, Any]:
    """What the audit log says of a batch: run, count, counts by stage or reason (no values)."""
    counts = Counter(keys)
    return {"run_id": run_id, "count": sum(counts.values()), "by": dict(sorted(counts.items()))}
