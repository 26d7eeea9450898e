"""``sources``: one row per contact per source URL, with its provenance (R5)."""

from __future__ import annotations

import json
from typing import Any

from ..provenance import Provenance
from .backend import Db


def upsert(db: Db, contact_id: int, provenance: Provenance, fields: list[str]) -> None:
    """Record (or refresh) where ``contact_id`` was seen, and which fields came from there."""
    row = provenance.as_source_row()
    db.execute(
        "INSERT INTO sources (contact_id, url, retrieved_at, spider, run_id, policy_file, "
        "policy_sha256, robots_sha256, method, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (contact_id, url) DO UPDATE SET retrieved_at = excluded.retrieved_at, "
        "spider = excluded.spider, run_id = excluded.run_id, "
        "policy_file = excluded.policy_file, policy_sha256 = excluded.policy_sha256, "
        "robots_sha256 = excluded.robots_sha256, method = excluded.method, "
        "fields = excluded.fields",
        [
            contact_id,
            row["url"],
            row["retrieved_at"],
            row["spider"],
            row["run_id"],
            row["policy_file"],
            row["policy_sha256"],
            row["robots_sha256"],
            row["method"],
            json.dumps(sorted(fields)),
        ],
    )


_TRAIL = """
SELECT s.url, s.retrieved_at, s.spider, s.run_id, s.policy_file, s.policy_sha256,
       EXISTS (SELECT 1 FROM policy_snapshots p
               WHERE p.run_id = s.run_id AND p.file = s.policy_file
                 AND p.sha256 = s.policy_sha256),
       s.robots_sha256,
       EXISTS (SELECT 1 FROM robots_snapshots r WHERE r.sha256 = s.robots_sha256),
       s.method, s.fields
FROM sources s WHERE s.contact_id = ? ORDER BY s.retrieved_at, s.id
"""


def trail(db: Db, contact_id: int) -> list[tuple[Any, ...]]:
    """(url, retrieved_at, spider, run_id, policy_file, policy_sha256, policy snapshot kept?,
    robots_sha256, robots snapshot kept?, method, fields JSON) of each source, oldest first."""
    return [tuple(r) for r in db.execute(_TRAIL, [contact_id]).fetchall()]


def by_policy_file(db: Db) -> list[tuple[str, int, str, str]]:
    """(policy file, contacts, first retrieved, last retrieved), most contacts first."""
    rows = db.execute(
        "SELECT policy_file, count(DISTINCT contact_id), min(retrieved_at), max(retrieved_at) "
        "FROM sources GROUP BY policy_file ORDER BY 2 DESC"
    ).fetchall()
    return [(r[0], int(r[1]), r[2], r[3]) for r in rows]


def urls_with_purpose(db: Db) -> list[tuple[int, str, str]]:
    """(contact id, source URL, the contact's purpose) of every source."""
    rows = db.execute(
        "SELECT s.contact_id, s.url, c.purpose FROM sources s "
        "JOIN contacts c ON c.id = s.contact_id"
    ).fetchall()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def count(db: Db) -> int:
    return int(db.execute("SELECT count(*) FROM sources").fetchone()[0])
