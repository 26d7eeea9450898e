"""What the HTML report lets an auditor follow (issue 14 item 6), as JSON-ready data.

From a contact to its sources, and from each source to the policy file and the robots.txt
in force when it was fetched (their snapshot texts are in the report); the refusals grouped
by stage, domain and reason with an example URL; the drops by reason, field and page; the
policies in force with their reviewer and due date; the runs with their counts; the notices
due or overdue; the tool's version. Every table is capped at ``limit`` rows: the report says
how many there are and gives the SQL that lists them all in Datasette (``audit serve``).

Subject requests (access, erasure, objection, rectification) are acted on when the command
runs, so none is ever pending in the store: the audit log's ``subject_*`` events say which
were made and when (the report's audit-log table).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Final

from ..errors import PolicyError
from ..policy.loader import load_registry
from ..product import __version__
from ..store import audit_tables, contacts
from ..store.backend import Db
from . import notice_ledger

LIMIT: Final = 500  # rows per table in the report
DATASETTE: Final = "compliant-scraper audit serve --db {db}"


def _policies_in_force(policy_dir: Path | None, today: date) -> dict[str, Any]:
    if policy_dir is None:
        return {"error": "no policy directory given", "rows": []}
    try:
        registry = load_registry(policy_dir, today=today)
    except PolicyError as exc:
        return {"error": f"invalid registry ({len(exc.problems)} problem(s))", "rows": []}
    rows = [
        {
            "domain": p.domain,
            "file": p.file,
            "sha256": p.sha256,
            "extraction": p.extraction,
            "reviewed_by": p.reviewed_by,
            "reviewed_on": p.reviewed_on.isoformat(),
            "review_due": p.review_due.isoformat(),
            "state": "overdue" if p.overdue(today) else "in force",
        }
        for p in sorted(registry.policies, key=lambda p: (p.review_due, p.domain))
    ]
    return {"error": None, "rows": rows}


def build_detail(
    db: Db, *, db_path: str, policy_dir: Path | None, today: date, limit: int = LIMIT
) -> dict[str, Any]:
    page = audit_tables.contacts_page(db, limit)
    found = audit_tables.sources_of(db, [int(c["id"]) for c in page])
    by_contact: dict[int, list[dict[str, Any]]] = {}
    for source in found:
        by_contact.setdefault(int(source["contact_id"]), []).append(source)
    refusal_total, refusal_rows = audit_tables.refusal_groups(db, limit)
    drop_total, drop_rows = audit_tables.drop_groups(db, limit)
    due = notice_ledger.pending(db, today)
    return {
        "version": __version__,
        "limit": limit,
        "datasette": DATASETTE.format(db=db_path),
        "sql": audit_tables.DATASETTE_SQL,
        "contacts": {"total": contacts.count(db), "rows": page, "sources": by_contact},
        "snapshots": {
            "policies": audit_tables.policy_texts(db, [s["policy_sha256"] for s in found]),
            "robots": audit_tables.robots_texts(db, [s["robots_sha256"] for s in found]),
        },
        "refusal_groups": {"total": refusal_total, "rows": refusal_rows},
        "drop_groups": {"total": drop_total, "rows": drop_rows},
        "drops_by_field": audit_tables.drops_by_field(db),
        "runs": audit_tables.runs_with_counts(db, limit),
        "policies_in_force": _policies_in_force(policy_dir, today),
        "notices_due": {
            "total": len(due),
            "rows": [
                {
                    "contact_id": d.contact_id,
                    "purpose": d.purpose,
                    "deadline": d.deadline.isoformat(),
                    "days_left": d.days_left,
                    "state": "overdue" if d.overdue else "due",
                    "why": d.why,
                }
                for d in due[:limit]
            ],
        },
    }
