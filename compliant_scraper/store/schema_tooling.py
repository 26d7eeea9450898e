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
    db.table("audit_log").create(
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


@migrations()
def t002_notices(db: Database) -> None:
    """The Art. 14 notice ledger (R5): each notice sent, exemption invoked, or marked due.

    ``contact_id`` has no foreign key on purpose: the ledger outlives an erased or purged
    contact (it proves the notice was given) and holds no personal data itself.
    """
    db.table("notices").create(
        {
            "id": int,
            "contact_id": int,
            "status": str,  # sent | exempt | due_first_communication
            "recorded_at": str,
            "on_date": str,  # the date the notice was sent, or the exemption or marking took effect
            "channel": str,
            "lang": str,
            "text_sha256": str,
            "ground": str,  # for an exemption: the Art. 14(5) ground
            "reason": str,
            "export_id": int,
        },
        pk="id",
        not_null={"contact_id", "status", "recorded_at", "on_date"},
    )
    db.table("notices").create_index(["contact_id"])


@migrations()
def t003_exports(db: Database) -> None:
    """Exports (R10): each file produced, its rows, and later amendments (Art. 19)."""
    db.table("exports").create(
        {
            "id": int,
            "at": str,
            "purpose": str,
            "format": str,
            "recipient": str,
            "path": str,
            "count": int,
            "file_sha256": str,
            "opposition_lists": str,  # JSON: the lists screened against, with their dates
            "amended_at": str,
        },
        pk="id",
        not_null={"at", "purpose", "format", "count", "file_sha256"},
    )
    db.table("export_rows").create(
        {"export_id": int, "contact_id": int, "removed_at": str, "removed_reason": str},
        pk=("export_id", "contact_id"),
        foreign_keys=[("export_id", "exports", "id")],
    )
    db.table("export_rows").create_index(["contact_id"])


@migrations()
def t004_contact_events(db: Database) -> None:
    """Events about a contact that the law cares about: contacts from the person (R9),
    rectifications. Never a value: a rectification records the field, not the old or new value.
    """
    db.table("contact_events").create(
        {
            "id": int,
            "contact_id": int,
            "event": str,  # contacted | rectified
            "at": str,
            "on_date": str,
            "how": str,
            "field": str,
            "retention_before": str,
            "retention_after": str,
        },
        pk="id",
        not_null={"contact_id", "event", "at"},
    )
    db.table("contact_events").create_index(["contact_id"])


@migrations()
def t005_purges(db: Database) -> None:
    """Retention purges (R9): when, the cut-off date, and the ids deleted."""
    db.table("purges").create(
        {"id": int, "at": str, "cutoff": str, "count": int, "contact_ids": str},
        pk="id",
        not_null={"at", "cutoff", "count", "contact_ids"},
    )


@migrations()
def t006_notice_ledger_time(db: Database) -> None:
    """The ledger sees time (issue 12): a notice sent after its deadline records its deadline
    and how many days late it was; a sent notice records the recipients it named (keys of
    recipients.toml, JSON), so a new recipient makes the contact due again; an Art. 14(5)(b)
    exemption records the public-information measure taken."""
    notices = db.table("notices")
    notices.add_column("deadline", str)
    notices.add_column("days_late", int)
    notices.add_column("recipients", str)
    notices.add_column("measure", str)


@migrations()
def t007_subject_rights(db: Database) -> None:
    """Issue 13: the request ledger (Art. 12), the Art. 19 steps, the retention markers.

    - ``requests``: each request from a person, its one-month due date, its extension and
      when it was answered. ``requester`` is what the person gave (``--from``): the ledger is
      the controller's proof that it answered (Art. 5(2)), so it outlives the erasure it
      records; the audit log holds the request id, never that text.
    - ``recipient_steps``: an external recipient that received a record later rectified or
      erased must be told (Art. 19): one row per (contact, export recipient), open until
      ``subject notified``. ``contact_id`` has no foreign key: the step outlives an erasure.
    - ``retention_markers``: a keyed hash per identifier of a contact purged at the end of
      its retention, with the purpose and the first collection date, so a later crawl cannot
      collect the person again with a new clock (R9, the KASPR failing).
    """
    db.table("requests").create(
        {
            "id": int,
            "kind": str,  # access | rectify | erase | object | restrict
            "received_on": str,
            "requester": str,
            "identity_checked_on": str,
            "opened_at": str,
            "due_on": str,
            "extended_months": int,
            "extension_reason": str,
            "extended_at": str,
            "closed_at": str,
            "closed_on": str,
            "closed_by": str,  # the subject action that answered it
            "contact_ids": str,  # JSON: the records the answer touched
        },
        pk="id",
        not_null={"kind", "received_on", "requester", "opened_at", "due_on"},
        defaults={"extended_months": 0},
    )
    db.table("recipient_steps").create(
        {
            "id": int,
            "contact_id": int,
            "recipient": str,
            "export_ids": str,  # JSON
            "action": str,  # rectify | erase | object
            "recorded_at": str,
            "notified_at": str,
            "request_id": int,
        },
        pk="id",
        not_null={"contact_id", "recipient", "action", "recorded_at"},
    )
    db.table("recipient_steps").create_index(["contact_id"])
    db.table("retention_markers").create(
        {
            "hash": str,
            "kind": str,
            "purpose": str,
            "first_collected": str,
            "purged_at": str,
            "lifted_on": str,  # a contact from the person was recorded that day
        },
        pk=("hash", "purpose"),
        not_null={"kind", "purpose", "first_collected", "purged_at"},
    )


@migrations()
def t008_audit_covers_rights(db: Database) -> None:
    """The audit log covers ``requests``, ``recipient_steps`` and ``retention_markers`` too
    (issue 13): no column changes; applying it writes the baseline of their rows
    (``audit_rows.NEWLY_COVERED``, ``database._migrate``)."""
