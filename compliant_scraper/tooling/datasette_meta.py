"""Datasette metadata for the store (``audit serve``): table docs and canned queries.

The optional extra ``compliant-scraper[audit]`` installs Datasette. ``audit serve`` starts it
on 127.0.0.1 only, over the database, with a description of every table and the auditor's
questions as canned queries (provenance, refusals, drops, retention, notices, lists,
exports). Datasette 1.0 reads canned queries from its configuration file, 0.64 from the
metadata: ``serve_files`` writes whichever the installed version reads.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any, Final

TITLE: Final = "compliant-scraper: compliance store"
TABLES: Final[dict[str, str]] = {
    "runs": "One row per crawl: spider, declared purpose, start, end, finish reason, stats.",
    "refusals": "Every request not sent (or response not used), with its stage, rule and reason.",
    "robots_snapshots": "Every robots.txt fetched, with its status and the body in force.",
    "policy_snapshots": "The policy files in force for each run, with their sha256 and text.",
    "contacts": "One row per person or organisation per purpose; retention_until is R9's clock.",
    "sources": "One row per contact per source URL: time, run, policy file and robots.txt sha256.",
    "drops": "Every value or item not kept, and why: never the value itself.",
    "opposition_lists": "Every opposition-list import (Bloctel...); active = 1: in force.",
    "opposition_numbers": "The numbers of the lists (E.164 digits as integers).",
    "suppression": "People who objected or were erased: keyed hashes only (R8).",
    "audit_log": "The tamper-evident log: each row chains the sha256 of the previous one.",
    "notices": "The Art. 14 notice ledger: notices sent, exemptions, due at first communication.",
    "exports": "Every export: when, purpose, recipient, row count, sha256 of the file.",
    "export_rows": "Which contacts each export held, and when and why they were taken out.",
    "contact_events": "Contacts from the person (R9 clock) and rectifications (field names only).",
    "purges": "Retention purges: when, cut-off date, ids deleted.",
}
_HOST: Final = (
    "lower(substr(substr(s.url, instr(s.url, '//') + 2), 1, "
    "instr(substr(s.url, instr(s.url, '//') + 2) || '/', '/') - 1))"
)
QUERIES: Final[dict[str, dict[str, str]]] = {
    "provenance_by_email": {
        "title": "Where did this contact come from? (by email)",
        "sql": "SELECT c.id, c.name, c.email, c.phone, s.url, s.retrieved_at, s.method, "
        "s.policy_file, s.policy_sha256, p.content AS policy_text, s.robots_sha256, "
        "r.body AS robots_txt FROM contacts c JOIN sources s ON s.contact_id = c.id "
        "LEFT JOIN policy_snapshots p ON p.run_id = s.run_id AND p.file = s.policy_file "
        "LEFT JOIN robots_snapshots r ON r.sha256 = s.robots_sha256 AND r.run_id = s.run_id "
        "WHERE lower(c.email) = lower(:email)",
    },
    "provenance_by_id": {
        "title": "Where did this contact come from? (by contact id)",
        "sql": "SELECT s.url, s.retrieved_at, s.spider, s.run_id, s.method, s.policy_file, "
        "s.policy_sha256, s.robots_sha256, s.fields FROM sources s WHERE s.contact_id = :id "
        "ORDER BY s.retrieved_at",
    },
    "contacts_by_domain_and_purpose": {
        "title": "Contacts kept, by source domain and purpose",
        "sql": f"SELECT {_HOST} AS domain, c.purpose, count(DISTINCT c.id) AS contacts "
        "FROM sources s JOIN contacts c ON c.id = s.contact_id GROUP BY 1, 2 ORDER BY 3 DESC",
    },
    "refusals_by_stage_rule_domain": {
        "title": "What was refused, and why",
        "sql": "SELECT stage, rule, domain, count(*) AS refusals, min(reason) AS example_reason "
        "FROM refusals GROUP BY 1, 2, 3 ORDER BY 4 DESC",
    },
    "drops_by_reason": {
        "title": "What was not kept, and why",
        "sql": "SELECT reason, rule, field, count(*) AS drops FROM drops GROUP BY 1, 2, 3 "
        "ORDER BY 4 DESC",
    },
    "opposition_lists_in_force": {
        "title": "Opposition lists in force and their age",
        "sql": "SELECT name, list_date, CAST(julianday('now') - julianday(list_date) AS INTEGER) "
        "AS age_days, count, imported_at, file_sha256 FROM opposition_lists WHERE active = 1",
    },
    "past_retention": {
        "title": "Contacts past retention (to purge)",
        "sql": "SELECT id, purpose, first_seen, last_contact_at, retention_until FROM contacts "
        "WHERE retention_until < date('now') ORDER BY retention_until",
    },
    "notices_pending": {
        "title": "Contacts not yet informed (Art. 14), deadline first",
        "sql": "SELECT c.id, c.purpose, c.first_seen, min(date(c.first_seen, '+1 month'), "
        "coalesce((SELECT min(n.on_date) FROM notices n WHERE n.contact_id = c.id AND "
        "n.status = 'due_first_communication'), '9999-12-31')) AS deadline FROM contacts c "
        "WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.contact_id = c.id AND "
        "n.status IN ('sent', 'exempt')) ORDER BY deadline",
    },
    "exports_by_recipient": {
        "title": "Recipients of exports (Art. 30)",
        "sql": "SELECT recipient, purpose, count(*) AS exports, sum(count) AS rows, max(at) AS "
        "last_export FROM exports GROUP BY 1, 2",
    },
    "audit_log_events": {
        "title": "Audit log: events by kind",
        "sql": "SELECT event, count(*) AS rows, min(at) AS first, max(at) AS last "
        "FROM audit_log GROUP BY 1 ORDER BY 1",
    },
}


def database_name(db_path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return db_path.stem


def build_metadata(db_path: Path, *, with_queries: bool) -> dict[str, Any]:
    tables: dict[str, Any] = {name: {"description": text} for name, text in TABLES.items()}
    tables["opposition_numbers"]["hidden"] = True
    database: dict[str, Any] = {"tables": tables}
    if with_queries:
        database["queries"] = QUERIES
    return {
        "title": TITLE,
        "description": "Read-only view for auditors: docs/auditor.md explains each question.",
        "databases": {database_name(db_path): database},
    }


def build_config(db_path: Path) -> dict[str, Any]:
    """Datasette 1.0's configuration: canned queries only."""
    return {"databases": {database_name(db_path): {"queries": QUERIES}}}


def datasette_major() -> int:
    try:
        return int(metadata.version("datasette").split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return 0


def serve_files(db_path: Path, directory: Path) -> list[str]:
    """Write metadata (and config) into ``directory``; the Datasette options that load them."""
    modern = datasette_major() >= 1
    meta = directory / "metadata.json"
    meta.write_text(json.dumps(build_metadata(db_path, with_queries=not modern), indent=2))
    options = ["--metadata", str(meta)]
    if modern:
        config = directory / "datasette.json"
        config.write_text(json.dumps(build_config(db_path), indent=2))
        options += ["--config", str(config)]
    return options
