"""The report's tables (issue 14 item 6): capped pages of contacts, sources, snapshots,
grouped refusals and drops, runs with their counts. Every query takes a ``limit``; the
totals say how much the cap left out, and ``datasette_sql`` gives the query for the rest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .backend import Db, chunks, marks, rows_as_dicts

CONTACT_COLUMNS = (
    "id, purpose, kind, name, job_title, organization, email, phone, locality, country, "
    "first_seen, retention_until"
)

DATASETTE_SQL = {
    "contacts": f"SELECT {CONTACT_COLUMNS} FROM contacts ORDER BY id",
    "refusals": "SELECT stage, domain, reason, rule, count(*) AS count, min(url) AS example "
    "FROM refusals GROUP BY stage, domain, reason, rule ORDER BY count DESC",
    "drops": "SELECT reason, rule, field, url, count(*) AS count FROM drops "
    "GROUP BY reason, rule, field, url ORDER BY count DESC",
}
"""The queries that list what a capped table of the report leaves out (for Datasette)."""


def contacts_page(db: Db, limit: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts ORDER BY id LIMIT ?", [limit])
    )


def sources_of(db: Db, contact_ids: Sequence[int]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for chunk in chunks(list(contact_ids)):
        found += rows_as_dicts(
            db.execute(
                "SELECT id, contact_id, url, last_retrieved_at AS retrieved_at, run_id, "
                "policy_file, policy_sha256, "
                f"robots_sha256, method FROM sources WHERE contact_id IN ({marks(chunk)}) "
                "ORDER BY contact_id, id",
                list(chunk),
            )
        )
    return found


def _texts_by_sha(
    db: Db, table: str, columns: Sequence[str], shas: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """sha256 -> {column: value} of ``table``'s snapshots with those hashes (one each)."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(set(shas))):
        for row in db.execute(
            f"SELECT sha256, {', '.join(columns)} FROM {table} "
            f"WHERE sha256 IN ({marks(chunk)}) GROUP BY sha256",
            list(chunk),
        ).fetchall():
            found[str(row[0])] = dict(zip(columns, row[1:], strict=True))
    return found


def policy_texts(db: Db, shas: Sequence[str]) -> dict[str, dict[str, Any]]:
    """sha256 -> {file, domain, content} of the policy snapshots with those hashes."""
    return _texts_by_sha(db, "policy_snapshots", ("file", "domain", "content"), shas)


def robots_texts(db: Db, shas: Sequence[str]) -> dict[str, dict[str, Any]]:
    """sha256 -> {url, fetched_at, status, body} of the robots.txt snapshots with those hashes."""
    return _texts_by_sha(db, "robots_snapshots", ("url", "fetched_at", "status", "body"), shas)


def refusal_groups(db: Db, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """(number of groups, the largest ``limit``): refusals by stage, domain, reason, rule,
    with their count and an example URL."""
    group = "stage, domain, reason, rule"
    total = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM refusals GROUP BY {group})")
    rows = rows_as_dicts(
        db.execute(
            f"SELECT {group}, count(*) AS count, min(url) AS example FROM refusals "
            f"GROUP BY {group} ORDER BY count DESC, stage, domain LIMIT ?",
            [limit],
        )
    )
    return int(total.fetchone()[0]), rows


def drop_groups(db: Db, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """(number of groups, the largest ``limit``): drops by reason, field and page."""
    group = "reason, rule, field, url"
    total = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM drops GROUP BY {group})")
    rows = rows_as_dicts(
        db.execute(
            f"SELECT {group}, count(*) AS count FROM drops GROUP BY {group} "
            "ORDER BY count DESC, reason, field, url LIMIT ?",
            [limit],
        )
    )
    return int(total.fetchone()[0]), rows


def drops_by_field(db: Db) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute(
            "SELECT field, reason, rule, count(*) AS count, count(DISTINCT url) AS pages "
            "FROM drops GROUP BY field, reason, rule ORDER BY count DESC, field, reason"
        )
    )


def runs_with_counts(db: Db, limit: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute(
            "SELECT r.id, r.spider, r.purpose, r.started_at, r.finished_at, r.finish_reason, "
            "(SELECT count(*) FROM refusals x WHERE x.run_id = r.id) AS refused, "
            "(SELECT count(*) FROM drops x WHERE x.run_id = r.id) AS dropped, "
            "(SELECT count(*) FROM sources x WHERE x.run_id = r.id) AS sources "
            "FROM runs r ORDER BY r.started_at DESC LIMIT ?",
            [limit],
        )
    )
