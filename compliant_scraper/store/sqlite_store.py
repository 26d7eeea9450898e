"""The embedded default store: one SQLite file through sqlite-utils, writes batched."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from sqlite_utils import Database

from . import audit_log
from .database import open_database
from .records import Drop, PolicySnapshot, Refusal, RobotsSnapshot


class SqliteStore:
    """Buffers audit rows and writes them in one transaction per batch."""

    def __init__(self, db: Database, batch_size: int = 500) -> None:
        self.db = db
        self.batch_size = batch_size
        self._refusals: list[dict[str, Any]] = []
        self._drops: list[dict[str, Any]] = []

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
            self.db.table("policy_snapshots").insert_all(rows, batch_size=self.batch_size, replace=True)

    def record_robots_snapshot(self, snapshot: RobotsSnapshot) -> None:
        with self.db.conn:
            self.db.table("robots_snapshots").insert(asdict(snapshot))

    def record_refusal(self, refusal: Refusal) -> None:
        self._refusals.append(asdict(refusal))
        if len(self._refusals) >= self.batch_size:
            self.flush()

    def record_drop(self, drop: Drop) -> None:
        self._drops.append(asdict(drop))
        if len(self._drops) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not (self._refusals or self._drops):
            return
        with self.db.conn:
            if self._refusals:
                self.db.table("refusals").insert_all(self._refusals, batch_size=self.batch_size)
                audit_log.append(self.db, "refusal_batch", _batch_summary(self._refusals))
            if self._drops:
                self.db.table("drops").insert_all(self._drops, batch_size=self.batch_size)
                audit_log.append(self.db, "drop_batch", _batch_summary(self._drops))
        self._refusals.clear()
        self._drops.clear()

    def close(self) -> None:
        self.flush()
        self.db.close()


def _batch_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the audit log says of a batch: run, count, and counts by reason (never values)."""
    by_reason: dict[str, int] = {}
    for row in rows:
        key = f"{row.get('stage', row.get('field', ''))}/{row['reason'][:80]}"
        by_reason[key] = by_reason.get(key, 0) + 1
    return {"run_id": rows[0]["run_id"], "count": len(rows), "by_reason": by_reason}
