"""``sources``: one row per contact per source URL, with its provenance (R5).

``first_retrieved_at`` is when the page first gave the contact, ``last_retrieved_at`` the
latest time: a re-crawl moves only the latter (issue 13). A page that answers 404 or 410, or
that no longer carries the contact, is marked gone (``gone_at``, ``gone_reason``); seeing the
contact there again clears the mark.
"""

from __future__ import annotations

import json
from typing import Any, Final

from ..provenance import Provenance
from .backend import Db, marks
from .transaction import transaction


def upsert(db: Db, contact_id: int, provenance: Provenance, fields: list[str]) -> None:
    """Record (or refresh) where ``contact_id`` was seen, and which fields came from there."""
    row = provenance.as_source_row()
    db.execute(
        "INSERT INTO sources (contact_id, url, first_retrieved_at, last_retrieved_at, spider, "
        "run_id, policy_file, policy_sha256, robots_sha256, method, fields) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (contact_id, url) DO UPDATE SET "
        "last_retrieved_at = excluded.last_retrieved_at, gone_at = NULL, gone_reason = NULL, "
        "spider = excluded.spider, run_id = excluded.run_id, "
        "policy_file = excluded.policy_file, policy_sha256 = excluded.policy_sha256, "
        "robots_sha256 = excluded.robots_sha256, method = excluded.method, "
        "fields = excluded.fields",
        [
            contact_id,
            row["url"],
            row["retrieved_at"],
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
SELECT s.url, s.last_retrieved_at, s.spider, s.run_id, s.policy_file, s.policy_sha256,
       EXISTS (SELECT 1 FROM policy_snapshots p
               WHERE p.run_id = s.run_id AND p.file = s.policy_file
                 AND p.sha256 = s.policy_sha256)
       OR EXISTS (SELECT 1 FROM registry_switches w
                  JOIN registry_files f ON f.registry_sha256 = w.to_sha256
                  WHERE w.run_id = s.run_id AND f.file = s.policy_file
                    AND f.sha256 = s.policy_sha256),
       s.robots_sha256,
       EXISTS (SELECT 1 FROM robots_snapshots r WHERE r.sha256 = s.robots_sha256),
       s.method, s.fields, s.first_retrieved_at, s.gone_at, s.gone_reason
FROM sources s WHERE s.contact_id = ? ORDER BY s.first_retrieved_at, s.id
"""


def trail(db: Db, contact_id: int) -> list[tuple[Any, ...]]:
    """(url, last_retrieved_at, spider, run_id, policy_file, policy_sha256, policy snapshot
    kept?, robots_sha256, robots snapshot kept?, method, fields JSON, first_retrieved_at,
    gone_at, gone_reason) of each source, first collected first."""
    return [tuple(r) for r in db.execute(_TRAIL, [contact_id]).fetchall()]


def by_policy_file(db: Db) -> list[tuple[str, int, str, str]]:
    """(policy file, contacts, first retrieved, last retrieved), most contacts first."""
    rows = db.execute(
        "SELECT policy_file, count(DISTINCT contact_id), min(first_retrieved_at), "
        "max(last_retrieved_at) FROM sources GROUP BY policy_file ORDER BY 2 DESC"
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


_LIVE_OF_PURPOSE = (
    "gone_at IS NULL AND contact_id IN "
    "(SELECT id FROM contacts WHERE purpose = ? AND restricted_at IS NULL)"
)


def mark_gone(db: Db, url: str, at: str, reason: str) -> int:
    """The page at ``url`` answered 404/410 (``http_404``, ``http_410``): every live source
    row there, in every purpose, is gone. A restricted contact is frozen (Art. 18)."""
    sql = (
        "UPDATE sources SET gone_at = ?, gone_reason = ? WHERE url = ? AND gone_at IS NULL "
        "AND contact_id IN (SELECT id FROM contacts WHERE restricted_at IS NULL)"
    )
    return int(db.execute(sql, [at, reason, url]).rowcount)


def mark_absent(db: Db, url: str, purpose: str, run_id: str, at: str) -> int:
    """The page at ``url`` was read in ``run_id`` but did not give these contacts again: their
    source rows there (not refreshed by this run) are gone (``contact_absent``)."""
    sql = (
        "UPDATE sources SET gone_at = ?, gone_reason = 'contact_absent' "
        f"WHERE url = ? AND (run_id IS NULL OR run_id != ?) AND {_LIVE_OF_PURPOSE}"
    )
    return int(db.execute(sql, [at, url, run_id, purpose]).rowcount)


def all_gone(db: Db) -> dict[int, str]:
    """{contact id: when its last source went} for every contact whose sources are all gone."""
    rows = db.execute(
        "SELECT contact_id, max(gone_at) FROM sources GROUP BY contact_id "
        "HAVING count(*) = count(gone_at)"
    ).fetchall()
    return {int(r[0]): str(r[1]) for r in rows}


def urls_of(db: Db, contact_ids: list[int]) -> list[str]:
    """The distinct source URLs of these contacts."""
    if not contact_ids:
        return []
    rows = db.execute(
        f"SELECT DISTINCT url FROM sources WHERE contact_id IN ({marks(contact_ids)})",
        list(contact_ids),
    ).fetchall()
    return [str(r[0]) for r in rows]


class PagesRead:
    """What the crawl's pages said about their stored contacts (issue 13, R9), for a writer.

    A page that answers 404 or 410 marks its sources gone at once (its own transaction); a
    2xx page is remembered, and ``close`` (once the run's contacts are committed) marks
    ``contact_absent`` the sources there that this run did not refresh. A page the spider
    failed on is forgotten: what it did not yield says nothing.
    """

    GONE_STATUSES: Final = {404: "http_404", 410: "http_410"}

    def __init__(self, db: Db, purpose: str) -> None:
        self.db = db
        self.purpose = purpose
        self._read: set[str] = set()

    def answered(self, url: str, status: int, at: str) -> None:
        reason = self.GONE_STATUSES.get(status)
        if reason is not None:
            with transaction(self.db):
                mark_gone(self.db, url, at, reason)
        elif 200 <= status < 300:
            self._read.add(url)

    def failed(self, url: str) -> None:
        self._read.discard(url)

    def close(self, run_id: str, at: str) -> None:
        if self._read:
            with transaction(self.db):
                for url in sorted(self._read):
                    mark_absent(self.db, url, self.purpose, run_id, at)
        self._read.clear()
