"""The SQLite schema, created and evolved with sqlite-utils migrations.

Each migration is applied once, in order, and recorded in ``_sqlite_migrations``. Never edit
a migration that has shipped: add a new one. docs/schema.md documents every table and column.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("compliant_scraper")


@migrations()
def m001_crawl_records(db: Database) -> None:
    """Runs, refusals, robots.txt and policy snapshots (crawl path, part 1)."""
    db.table("runs").create(
        {
            "id": str,
            "spider": str,
            "purpose": str,
            "started_at": str,
            "finished_at": str,
            "finish_reason": str,
            "stats": str,
        },
        pk="id",
    )
    db.table("refusals").create(
        {
            "id": int,
            "run_id": str,
            "url": str,
            "domain": str,
            "stage": str,
            "rule": str,
            "reason": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("refusals").create_index(["run_id"])
    db.table("refusals").create_index(["domain"])
    db.table("robots_snapshots").create(
        {
            "id": int,
            "run_id": str,
            "url": str,
            "host": str,
            "fetched_at": str,
            "status": int,
            "error": str,
            "sha256": str,
            "body": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("robots_snapshots").create_index(["sha256"])
    db.table("policy_snapshots").create(
        {
            "run_id": str,
            "file": str,
            "domain": str,
            "sha256": str,
            "content": str,
        },
        pk=("run_id", "file"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("policy_snapshots").create_index(["sha256"])


@migrations()
def m002_contacts(db: Database) -> None:
    """Contacts, their sources, and dropped values (crawl path, part 2)."""
    db.table("contacts").create(
        {
            "id": int,
            "kind": str,
            "name": str,
            "given_name": str,
            "family_name": str,
            "job_title": str,
            "organization": str,
            "email": str,
            "email_kind": str,
            "phone": str,
            "phone_type": str,
            "street_address": str,
            "postal_code": str,
            "locality": str,
            "country": str,
            "website": str,
            "purpose": str,
            "legal_basis": str,
            "dedupe_key": str,
            "first_seen": str,
            "last_seen": str,
            "last_contact_at": str,
            "retention_until": str,
        },
        pk="id",
    )
    db.table("contacts").create_index(["purpose", "dedupe_key"], unique=True)
    db.table("contacts").create_index(["email"])
    db.table("contacts").create_index(["phone"])
    db.table("sources").create(
        {
            "id": int,
            "contact_id": int,
            "url": str,
            "retrieved_at": str,
            "spider": str,
            "run_id": str,
            "policy_file": str,
            "policy_sha256": str,
            "robots_sha256": str,
            "method": str,
            "fields": str,
        },
        pk="id",
        foreign_keys=[("contact_id", "contacts", "id"), ("run_id", "runs", "id")],
    )
    db.table("sources").create_index(["contact_id", "url"], unique=True)
    db.table("drops").create(
        {
            "id": int,
            "run_id": str,
            "url": str,
            "field": str,
            "reason": str,
            "rule": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("drops").create_index(["run_id"])
    db.table("drops").create_index(["reason"])


@migrations()
def m003_opposition(db: Database) -> None:
    """Opposition lists (Bloctel and its kind, R7) and the keyed-hash suppression list (R8)."""
    db.table("opposition_lists").create(
        {
            "id": int,
            "name": str,
            "jurisdiction": str,
            "list_date": str,
            "imported_at": str,
            "file_sha256": str,
            "count": int,
            "active": int,
        },
        pk="id",
    )
    db.execute(
        "CREATE TABLE opposition_numbers ("
        " list_id INTEGER NOT NULL REFERENCES opposition_lists(id),"
        " number INTEGER NOT NULL,"
        " PRIMARY KEY (list_id, number)) WITHOUT ROWID"
    )
    db.table("suppression").create(
        {"hash": str, "kind": str, "added_at": str, "reason": str},
        pk="hash",
    )


@migrations()
def m004_opposition_audit(db: Database) -> None:
    """What each opposition-list import skipped, and at most one active list per name (R7)."""
    db.table("opposition_lists").add_column("source_file", str)
    db.table("opposition_lists").add_column("skipped_lines", int)
    db.table("opposition_lists").add_column("duplicates", int)
    db.execute(
        "CREATE UNIQUE INDEX opposition_lists_one_active ON opposition_lists(name) WHERE active = 1"
    )


@migrations()
def m005_audit_covers_rows(db: Database) -> None:
    """The audit log covers the data (issue 10 item 13): each opposition list records the
    sha256 of its numbers, which ``audit verify`` recomputes (the numbers themselves, millions
    of rows, are covered through it; see audit_rows.py)."""
    db.table("opposition_lists").add_column("numbers_sha256", str)


@migrations()
def m006_people_and_time(db: Database) -> None:
    """Issue 13: one person across records, and time that is not overwritten.

    - ``contacts.name_key``: the folded name (``values.persons.person_name``), so the records
      of one person (same name and organisation, or same name and postal address) are found
      by an index, not a scan; ``restricted_at`` and ``restricted_reason``: Art. 18.
    - ``sources.retrieved_at`` becomes ``last_retrieved_at`` beside a new
      ``first_retrieved_at`` (a re-crawl no longer overwrites when a value was first
      collected); ``gone_at`` and ``gone_reason`` (``http_404``, ``http_410``,
      ``contact_absent``) mark a source page that no longer carries the contact.
    """
    from ..values.persons import person_name

    contacts = db.table("contacts")
    contacts.add_column("name_key", str)
    contacts.add_column("restricted_at", str)
    contacts.add_column("restricted_reason", str)
    rows = db.execute("SELECT id, name, given_name, family_name FROM contacts").fetchall()
    for cid, name, given, family in rows:
        key = person_name({"name": name, "given_name": given, "family_name": family})
        db.execute("UPDATE contacts SET name_key = ? WHERE id = ?", [key or None, cid])
    contacts.create_index(["name_key"])
    db.execute("ALTER TABLE sources RENAME COLUMN retrieved_at TO last_retrieved_at")
    sources = db.table("sources")
    sources.add_column("first_retrieved_at", str)
    sources.add_column("gone_at", str)
    sources.add_column("gone_reason", str)
    db.execute("UPDATE sources SET first_retrieved_at = last_retrieved_at")
    sources.create_index(["url"])


@migrations()
def m007_policy_registries(db: Database) -> None:
    """Cluster mode's published registries and each run's switches (registries.py, issue 15)."""
    db.table("policy_registries").create(
        {"sha256": str, "published_at": str, "published_by": str, "files": int}, pk="sha256"
    )
    db.table("registry_files").create(
        {"registry_sha256": str, "file": str, "sha256": str, "content": str, "encoding": str},
        pk=("registry_sha256", "file"),
        foreign_keys=[("registry_sha256", "policy_registries", "sha256")],
    )
    db.table("registry_switches").create(
        {
            "id": int,
            "run_id": str,
            "at": str,
            "version": int,
            "from_sha256": str,
            "to_sha256": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("registry_switches").create_index(["run_id"])


@migrations()
def m008_drops_per_item(db: Database) -> None:
    """Issue 16 item 2 and issue 13: one ``drops`` row per item and reason.

    - ``field`` becomes ``fields``, a JSON array of the item's field names not kept for that
      reason (``["*"]`` for the whole item); a row written before holds its one field.
    - ``email_hash`` and ``phone_hash``: the keyed hashes of the item's email and E.164
      number, the suppression list's (``opposition.suppression.identifier_hash``), so an
      erasure finds the person's drops by identifier and not only by page
      (``record_expiry.delete_for_hashes``).
    """
    db.execute("ALTER TABLE drops ADD COLUMN fields TEXT")
    db.execute("UPDATE drops SET fields = json_array(field)")
    db.execute("ALTER TABLE drops DROP COLUMN field")
    drops = db.table("drops")
    drops.add_column("email_hash", str)
    drops.add_column("phone_hash", str)
    drops.create_index(["email_hash"])
    drops.create_index(["phone_hash"])
