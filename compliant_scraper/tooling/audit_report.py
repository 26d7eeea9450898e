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

from sqlite_utils import Database

from ..clock import utcnow
from ..errors import PolicyError
from ..opposition.lists import active_lists
from ..opposition.suppression import count as suppression_count
from ..policy.loader import load_registry
from ..store import audit_log
from . import notice_ledger
from .retention import count_expired

LATEST_RUNS: Final = 20
TOP_DOMAINS: Final = 50
POLICY_DUE_SOON_DAYS: Final = 30


def _pairs(db: Database, sql: str, params: list[Any] | None = None) -> list[list[Any]]:
    return [list(row) for row in db.execute(sql, params or []).fetchall()]


def _runs(db: Database) -> dict[str, Any]:
    cursor = db.execute(
        "SELECT id, spider, purpose, started_at, finished_at, finish_reason FROM runs "
        "ORDER BY started_at DESC LIMIT ?",
        [LATEST_RUNS],
    )
    columns = [d[0] for d in cursor.description]
    return {
        "count": db.execute("SELECT count(*) FROM runs").fetchone()[0],
        "latest": [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()],
    }


def _contacts(db: Database) -> dict[str, Any]:
    by_domain: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[int, str]] = set()
    for contact_id, url, purpose in db.execute(
        "SELECT s.contact_id, s.url, c.purpose "
        "FROM sources s JOIN contacts c ON c.id = s.contact_id"
    ):
        host = (urlsplit(url).hostname or "?").lower()
        if (contact_id, host) not in seen:
            seen.add((contact_id, host))
            by_domain[(host, purpose)] += 1
    return {
        "total": db.execute("SELECT count(*) FROM contacts").fetchone()[0],
        "by_purpose": dict(
            _pairs(db, "SELECT purpose, count(*) FROM contacts GROUP BY purpose ORDER BY 2 DESC")
        ),
        "by_kind": dict(
            _pairs(db, "SELECT coalesce(kind, '?'), count(*) FROM contacts GROUP BY 1")
        ),
        "by_domain": [
            {"domain": d, "purpose": p, "contacts": n}
            for (d, p), n in sorted(by_domain.items(), key=lambda kv: (-kv[1], kv[0]))
        ][:TOP_DOMAINS],
    }


def _refusals(db: Database) -> dict[str, Any]:
    return {
        "total": db.execute("SELECT count(*) FROM refusals").fetchone()[0],
        "by_stage": dict(
            _pairs(db, "SELECT stage, count(*) FROM refusals GROUP BY stage ORDER BY 2 DESC")
        ),
        "by_rule": dict(
            _pairs(db, "SELECT rule, count(*) FROM refusals GROUP BY rule ORDER BY 2 DESC")
        ),
        "by_domain": [
            {"domain": d, "stage": s, "rule": r, "count": n}
            for d, s, r, n in _pairs(
                db,
                "SELECT domain, stage, rule, count(*) FROM refusals GROUP BY 1, 2, 3 "
                "ORDER BY 4 DESC, 1 LIMIT ?",
                [TOP_DOMAINS],
            )
        ],
    }


def _drops(db: Database) -> dict[str, Any]:
    return {
        "total": db.execute("SELECT count(*) FROM drops").fetchone()[0],
        "by_reason": [
            {"reason": reason, "rule": rule, "count": n}
            for reason, rule, n in _pairs(
                db, "SELECT reason, rule, count(*) FROM drops GROUP BY 1, 2 ORDER BY 3 DESC, 1"
            )
        ],
    }


def _lists(db: Database, today: date) -> list[dict[str, Any]]:
    return [
        {
            "name": info.name,
            "display_name": info.display_name,
            "list_date": info.list_date.isoformat(),
            "age_days": info.age_days(today),
            "count": info.count,
            "imported_at": info.imported_at,
            "file_sha256": info.file_sha256,
        }
        for info in active_lists(db)
    ]


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


def _audit_log(db: Database) -> dict[str, Any]:
    broken = audit_log.verify(db)
    head = audit_log.head(db)
    return {
        "rows": db.execute("SELECT count(*) FROM audit_log").fetchone()[0],
        "intact": broken is None,
        "break": None if broken is None else broken.message,
        "head": str(head) if head else None,
        "anchor": audit_log.anchor_state(db),
        "events": dict(_pairs(db, "SELECT event, count(*) FROM audit_log GROUP BY 1 ORDER BY 1")),
    }


def build_report(
    db: Database,
    *,
    db_path: str | os.PathLike[str],
    policy_dir: str | os.PathLike[str] | None,
    today: date,
) -> dict[str, Any]:
    """Everything the auditor's report shows, as JSON-ready data."""
    exports = _pairs(
        db, "SELECT id, at, purpose, recipient, format, count, file_sha256 FROM exports ORDER BY id"
    )
    return {
        "generated_at": utcnow(),
        "today": today.isoformat(),
        "database": str(db_path),
        "runs": _runs(db),
        "contacts": _contacts(db),
        "refusals": _refusals(db),
        "drops": _drops(db),
        "opposition_lists": _lists(db, today),
        "retention": {
            "past_retention": count_expired(db, today),
            "purges": [
                {"id": i, "at": at, "cutoff": cutoff, "count": n}
                for i, at, cutoff, n in _pairs(
                    db, "SELECT id, at, cutoff, count FROM purges ORDER BY id"
                )
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
            for r in exports
        ],
        "suppression": {"entries": suppression_count(db)},
        "policies": _policies(Path(policy_dir) if policy_dir else None, today),
        "audit_log": _audit_log(db),
    }
