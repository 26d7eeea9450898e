"""A store with a row in every table the audit covers, written by compliant-scraper's own
store functions, on either backend (``store`` fixture, tests/support/stores.py).

``fill(db, tmp_path)`` writes: a run with its policy and robots.txt snapshots, refusals,
drops, two contacts with their sources (``contacts.store``), a suppression entry, an
opposition list with its numbers, an export with its rows, a notice, a contact event and a
purge. ``TAMPERINGS`` are what an attacker with another connection to it might do.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Final

from compliant_scraper.provenance import Provenance
from compliant_scraper.records import Drop, PolicySnapshot, Refusal, RobotsSnapshot
from compliant_scraper.store import contacts, events, exports, notices, runs
from compliant_scraper.store.backend import Db
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.tooling.opposition_import import import_list

AT: Final = "2026-11-23T10:00:00Z"
PURPOSE: Final = "b2b_email"
BASIS: Final = "Legitimate interest, GDPR Art. 6(1)(f)"


def _prov(url: str) -> Provenance:
    return Provenance(url, AT, "directory", "run1", "d.toml", "p" * 64, "r" * 64, "json-ld")


def fill(db: Db, tmp_path: Path) -> None:
    with transaction(db):
        runs.start(db, "run1", "directory", PURPOSE, AT)
        runs.start(db, "run2", "directory", PURPOSE, AT)
        runs.add_policy_snapshots(
            db, "run1", [PolicySnapshot("domains/a.toml", "a.test", "p" * 64, "x = 1")]
        )
        runs.add_robots_snapshot(
            db,
            RobotsSnapshot(
                "run1", "http://a.test/robots.txt", "a.test", AT, 200, None, "r" * 64, "Allow: /x"
            ),
        )
        runs.add_refusals(
            db,
            [
                Refusal("run1", "http://b.test/", "b.test", "policy", "R2", "no policy", AT),
                Refusal("run1", "http://a.test/p", "a.test", "robots", "R3", "disallowed", AT),
            ],
        )
        runs.add_drops(db, [Drop("run1", "http://a.test/1", "phone", "not_kept", "R4", AT)])
    suppression = SuppressionList.open(db, tmp_path / "fill.key")
    people = [
        {"kind": "person", "name": "Jeanne Martin", "email": "jeanne@acme.example"},
        {"kind": "person", "name": "Paul Durand", "email": "paul@durand.example"},
    ]
    ids = []
    with transaction(db):
        for n, person in enumerate(people, start=1):
            prov = _prov(f"http://a.test/{n}")
            ids.append(contacts.store(db, PURPOSE, BASIS, person, prov, ["name"], suppression))
    suppression.add("email", "gone@nowhere.example", "objection")
    listed = tmp_path / "fill-list.txt"
    listed.write_text("0612345678\n0781234567\n")
    import_list(db, listed, list_date=date(2026, 11, 20), today=date(2026, 11, 23))
    with transaction(db):
        export_id = exports.add(
            db,
            AT,
            purpose=PURPOSE,
            fmt="csv",
            recipient="crm",
            path="/tmp/x.csv",
            count=2,
            file_sha256="f" * 64,
            opposition_lists=[],
            contact_ids=ids,
        )
        notices.add_exempt(db, ids[0], AT, on=date(2026, 11, 23), ground="art14_5_b", reason="test")
        events.add_rectified(db, ids[1], AT, "name")
        runs.add_purge(db, AT, "2023-11-23", [])
        runs.finish(db, "run1", AT, "finished", {"items": 2})
    assert export_id


TAMPERINGS: Final = {
    "contacts: an email changed": (
        "contacts", "UPDATE contacts SET email = 'x@evil.test' WHERE id = 1"),
    "contacts: a person deleted": ("contacts", "DELETE FROM sources WHERE contact_id = 2; "
        "DELETE FROM export_rows WHERE contact_id = 2; DELETE FROM contact_events "
        "WHERE contact_id = 2; DELETE FROM contacts WHERE id = 2"),
    "contacts: a person forged": ("contacts", "INSERT INTO contacts (kind, name, purpose, "
        "dedupe_key) VALUES ('person', 'Forged', 'b2b_email', 'name:forged|')"),
    "sources: a source URL changed": (
        "sources", "UPDATE sources SET url = 'https://ok.test/' WHERE id = 1"),
    "refusals: a refusal deleted": ("refusals", "DELETE FROM refusals WHERE id = 1"),
    "refusals: a reason rewritten": (
        "refusals", "UPDATE refusals SET reason = 'fine' WHERE id = 2"),
    "drops: a drop deleted": ("drops", "DELETE FROM drops WHERE id = 1"),
    "runs: a finish reason rewritten": ("runs", "UPDATE runs SET finish_reason = 'other'"),
    "suppression: an objection removed": (
        "suppression", "DELETE FROM suppression WHERE reason = 'objection'"),
    "opposition_numbers: a listed number removed": ("opposition_numbers",
        "DELETE FROM opposition_numbers WHERE number = (SELECT min(number) "
        "FROM opposition_numbers)"),
    "opposition_lists: a list re-dated": (
        "opposition_lists", "UPDATE opposition_lists SET list_date = '2099-01-01'"),
    "robots_snapshots: a body rewritten": (
        "robots_snapshots", "UPDATE robots_snapshots SET body = 'Allow: /'"),
    "policy_snapshots: a policy rewritten": (
        "policy_snapshots", "UPDATE policy_snapshots SET content = 'y = 2'"),
    "exports: a recipient rewritten": ("exports", "UPDATE exports SET recipient = 'nobody'"),
    "export_rows: an exported contact hidden": ("export_rows", "DELETE FROM export_rows"),
    "notices: a notice rewritten": ("notices", "UPDATE notices SET reason = 'none'"),
    "contact_events: an event deleted": ("contact_events", "DELETE FROM contact_events"),
    "purges: a purge rewritten": ("purges", "UPDATE purges SET cutoff = '2000-01-01'"),
}  # fmt: skip
