"""The auditor's report (R10): what was kept, refused, dropped, and whether the log holds.

``build_report`` gathers, from the database (and the policy registry when it can be read):
runs; contacts kept by domain and purpose; refusals by stage, rule and domain; drops by
reason; the opposition lists in force and their age; contacts past retention; notices due;
exports; the suppression list's size; policies overdue; and the audit log's verification.
The result is plain JSON-ready data: ``format_text`` prints it, ``audit_html`` draws it.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from ..clock import utcnow
from ..errors import PolicyError
from ..law import list_age
from ..policy.loader import load_registry
from ..store import audit_log, contacts, exports, runs, sources, suppression
from ..store.backend import Db
from ..store.opposition import active_lists
from ..store.postgres import redacted
from . import notice_ledger, subject_report
from .retention import count_expired

LATEST_RUNS: Final = 20
TOP_DOMAINS: Final = 50
POLICY_DUE_SOON_DAYS: Final = 30


def _runs(db: Db) -> dict[str, Any]:
    return {
        "count": runs.count(db),
        "latest": runs.latest(db, LATEST_RUNS),
        "unfinished": runs.unfinished(db),
    }


def _contacts(db: Db) -> dict[str, Any]:
    by_domain: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[int, str]] = set()
    for contact_id, url, purpose in sources.urls_with_purpose(db):
        host = (urlsplit(url).hostname or "?").lower()
        if (contact_id, host) not in seen:
            seen.add((contact_id, host))
            by_domain[(host, purpose)] += 1
    return {
        "total": contacts.count(db),
        "by_purpose": contacts.count_by_purpose(db),
        "by_kind": contacts.count_by_kind(db),
        "by_domain": [
            {"domain": d, "purpose": p, "contacts": n}
            for (d, p), n in sorted(by_domain.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:TOP_DOMAINS],
    }


def _refusals(db: Db) -> dict[str, Any]:
    return {
        "total": runs.refusal_count(db),
        "by_stage": runs.refusals_by(db, "stage"),
        "by_rule": runs.refusals_by(db, "rule"),
        "by_domain": [
            {"domain": d, "stage": s, "rule": r, "count": n}
            for d, s, r, n in runs.refusals_by_domain(db, TOP_DOMAINS)
        ],
    }


def _drops(db: Db) -> dict[str, Any]:
    return {
        "total": runs.drop_count(db),
        "by_reason": [
            {"reason": reason, "rule": rule, "count": n}
            for reason, rule, n in runs.drops_by_reason(db)
        ],
    }


def _lists(db: Db, today: date) -> list[dict[str, Any]]:
    found = []
    for info in active_lists(db):
        age = list_age(info.name, info.list_date, today)
        closed = age.closed.closed_on if age.closed is not None else None
        found.append(
            {
                "name": info.name,
                "display_name": info.display_name,
                "list_date": info.list_date.isoformat(),
                "age_days": info.age_days(today),
                # A closed register's final list: its age for the freshness rule (R7) stopped
                # at the closing date (law.list_age); None for a list of an open register.
                "register_closed_on": closed.isoformat() if closed else None,
                "age_at_closing_days": age.days if closed else None,
                "count": info.count,
                "imported_at": info.imported_at,
                "file_sha256": info.file_sha256,
            }
        )
    return found


def _policies(policy_dir: Path | None, today: date) -> dict[str, Any]:
    if policy_dir is None:
        return {"directory": None, "error": "no policy directory given"}
    try:
        registry = load_registry(policy_dir, today=today)
    except PolicyError as exc:
        return {
            "directory": str(policy_dir),
            "error": f"invalid registry ({len(exc.problems)} problem(s)): run policy validate",
        }
    soon = today + timedelta(days=POLICY_DUE_SOON_DAYS)
    rows = sorted(registry.policies, key=lambda p: (p.review_due, p.domain))
    return {
        "directory": str(policy_dir),
        "error": None,
        "count": len(rows),
        "overdue": [
            {"domain": p.domain, "file": p.file, "review_due": p.review_due.isoformat()}
            for p in rows
            if p.overdue(today)
        ],
        "due_soon": [
            {"domain": p.domain, "file": p.file, "review_due": p.review_due.isoformat()}
            for p in rows
            if not p.overdue(today) and p.review_due <= soon
        ],
    }


def _audit_log(db: Db) -> dict[str, Any]:
    broken = audit_log.verify(db)
    head = audit_log.head(db)
    return {
        "rows": audit_log.count(db),
        "intact": broken is None,
        "break": None if broken is None else broken.message,
        "head": str(head) if head else None,
        "anchor": audit_log.anchor_state(db),
        "events": audit_log.events(db),
    }


def build_report(
    db: Db,
    *,
    db_path: str | os.PathLike[str],
    policy_dir: str | os.PathLike[str] | None,
    today: date,
) -> dict[str, Any]:
    """Everything the auditor's report shows, as JSON-ready data."""
    exported = exports.listing(db)
    return {
        "generated_at": utcnow(),
        "today": today.isoformat(),
        "database": redacted(str(db_path)),  # a store URL's password is never printed
        "runs": _runs(db),
        "contacts": _contacts(db),
        "refusals": _refusals(db),
        "drops": _drops(db),
        "opposition_lists": _lists(db, today),
        "retention": {
            "past_retention": count_expired(db, today),
            "purges": [
                {"id": i, "at": at, "cutoff": cutoff, "count": n}
                for i, at, cutoff, n in runs.purges(db)
            ],
        },
        "notices": notice_ledger.counts(db, today),
        "exports": [
            dict(
                zip(
                    ("id", "at", "purpose", "recipient", "format", "count", "sha256"),
                    r,
                    strict=True,
                )
            )
            for r in exported
        ],
        "suppression": {"entries": suppression.count(db)},
        "subjects": subject_report.report(db, today),
        "policies": _policies(Path(policy_dir) if policy_dir else None, today),
        "audit_log": _audit_log(db),
    }
