"""The embedded default store: one SQLite file through sqlite-utils, writes batched."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from sqlite_utils import Database

from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot
from . import audit_log
from .database import open_database


class SqliteStore:
    """Buffers audit rows and writes them in one transaction per batch."""

    def __init__(self, db: Database, batch_size: int = 500) -> None:
        self.db = db
        self.batch_size = batch_size
        # Buffered as the frozen records themselves; one executemany per batch (hot path).
        self._refusals: list[Refusal] = []
        self._drops: list[Drop] = []

    @classmethod
    def open(cls, path: str | os.PathLike[str], batch_size: int = 500) -> SqliteStore:
        return cls(open_database(path), batch_size)

    def start_run(self, run_id: str, spider: str, purpose: str, started_at: str) -> None:
        with self.db.conn:
            self.db.table("runs").insert(
                {"id": run_id, "spider": spider, "purpose": purpose, "started_at": started_at}
            )
            audit_log.append(
                self.db, "run_start", {"run_id": run_id, "spider": spider, "purpose": purpose}
            )

    def finish_run(
        self, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]
    ) -> None:
        self.flush()
        with self.db.conn:
            self.db.table("runs").update(
                run_id,
                {
                    "finished_at": finished_at,
                    "finish_reason": reason,
                    "stats": json.dumps(dict(stats), default=str, sort_keys=True),
                },
            )
            audit_log.append(self.db, "run_end", {"run_id": run_id, "reason": reason})

    def record_policy_snapshots(self, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None:
        rows = [{"run_id": run_id, **asdict(s)} for s in snapshots]
        with self.db.conn:
            self.db.table("policy_snapshots").insert_all(
                rows, batch_size=self.batch_size, replace=True
            )

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None:
        with self.db.conn:
            self.db.table("robots_snapshots").insert(asdict(snapshot))

    def record_refusal(self, refusal: Refusal) -> None:
        self._refusals.append(refusal)
        if len(self._refusals) >= self.batch_size:
            self.flush()

    def record_drop(self, drop: Drop) -> None:
        self._drops.append(drop)
        # Several values are dropped per item: a larger buffer, so commits stay rare.
        if len(self._drops) >= self.batch_size * 8:
            self.flush()

    def flush(self) -> None:
        if not (self._refusals or self._drops):
            return
        with self.db.conn:
            if self._refusals:
                self.db.conn.executemany(
                    "INSERT INTO refusals (run_id, url, domain, stage, rule, reason, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (r.run_id, r.url, r.domain, r.stage, r.rule, r.reason, r.at)
                        for r in self._refusals
                    ],
                )
                audit_log.append(
                    self.db,
                    "refusal_batch",
                    _batch_summary(self._refusals[0].run_id, (r.stage for r in self._refusals)),
                )
            if self._drops:
                self.db.conn.executemany(
                    "INSERT INTO drops (run_id, url, field, reason, rule, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(d.run_id, d.url, d.field, d.reason, d.rule, d.at) for d in self._drops],
                )
                audit_log.append(
                    self.db,
                    "drop_batch",
                    _batch_summary(self._drops[0].run_id, (d.reason for d in self._drops)),
                )
        self._refusals.clear()
        self._drops.clear()

    def close(self) -> None:
        self.flush()
        self.db.close()


def _batch_summary(run_id: str, keys: Iterable[str]) -> dict[str, Any]:
    """What the audit log says of a batch: run, count, counts by stage or reason (no values)."""
    counts = Counter(keys)
    return {"run_id": run_id, "count": sum(counts.values()), "by": dict(sorted(counts.items()))}
