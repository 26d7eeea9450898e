"""Second migration set: tables of the legal/auditor/data-subject tooling.

Kept apart from ``schema.py`` so the crawl-path and tooling schemas evolve independently;
``database.open_database`` applies both sets, crawl path first.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("compliant_scraper_tooling")


@migrations()
def t001_audit_log(db: Database) -> None:
    """The tamper-evident audit log (see audit_log.py)."""
    db["audit_log"].create(
        {
            "id": int,
            "at": str,
            "event": str,
            "details": str,
            "prev_sha256": str,
            "sha256": str,
        },
        pk="id",
        not_null={"at", "event", "details", "prev_sha256", "sha256"},
    )
