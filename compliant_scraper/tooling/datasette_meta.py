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

from ..store.datasette_queries import QUERIES

TITLE: Final = "compliant-scraper: compliance store"
TABLES: Final[dict[str, str]] = {
    "runs": "One row per crawl: spider, declared purpose, start, end, finish reason, stats.",
    "refusals": "Every request not sent (or response not used), with its stage, rule and reason.",
    "robots_snapshots": "Every robots.txt fetched, with its status and the body in force.",
    "policy_snapshots": "The policy files in force for each run, with their sha256 and text.",
    "policy_registries": "Cluster mode: each registry published with cluster publish, by sha256.",
    "registry_files": "Cluster mode: the files of each published registry, with their text.",
    "registry_switches": "Cluster mode: each registry a run judged with, and when it switched.",
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
    "requests": "Data-subject requests (Art. 12): received, due, extended, answered by what.",
    "recipient_steps": "Recipients to tell of a rectification or erasure (Art. 19), until done.",
    "retention_markers": "Keyed hashes of people purged at the end of retention, per purpose.",
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


def serve_documents(db_path: Path) -> list[tuple[str, str, str]]:
    """(Datasette option, file name, content) of each file Datasette is given."""
    modern = datasette_major() >= 1
    meta = json.dumps(build_metadata(db_path, with_queries=not modern), indent=2)
    documents = [("--metadata", "metadata.json", meta)]
    if modern:
        documents.append(
            ("--config", "datasette.json", json.dumps(build_config(db_path), indent=2))
        )
    return documents


def serve_files(db_path: Path, directory: Path) -> list[str]:
    """Write metadata (and config) into ``directory``; the Datasette options that load them."""
    options: list[str] = []
    for option, name, text in serve_documents(db_path):
        path = directory / name
        path.write_text(text)
        options += [option, str(path)]
    return options
