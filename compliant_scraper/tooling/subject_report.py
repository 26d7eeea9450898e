"""What the audit report shows about data-subject rights (issue 13; R8, R9, R12).

- restricted records (Art. 18): kept, not used, with when and why;
- the request ledger (Art. 12(3)): open, overdue and answered-late requests;
- the ``recipient_notified`` steps not yet done (Art. 19);
- contacts whose every source page is gone (``source_gone``: out of exports, purged after
  their purpose's ``stale_after_days``) and the retention markers in force.

``report`` gathers it as JSON-ready data; ``audit_text`` and ``audit_html`` draw it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..store import contacts, recipient_steps, retention_markers, sources
from ..store.backend import Db
from . import requests


def report(db: Db, today: date) -> dict[str, Any]:
    found = requests.listing(db, today)
    return {
        "restricted": [
            {"contact_id": i, "purpose": p, "since": at, "reason": why}
            for i, p, at, why in contacts.restricted(db)
        ],
        "requests": {
            **requests.counts(db, today),
            "attention": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "received_on": r.received_on.isoformat(),
                    "due_on": r.due_on.isoformat(),
                    "state": r.state(today),
                    "closed_on": r.closed_on.isoformat() if r.closed_on else None,
                }
                for r in found
                if r.state(today) != "answered"
            ],
        },
        "recipient_notified": [
            {
                "step": s["id"],
                "contact_id": s["contact_id"],
                "recipient": s["recipient"],
                "action": s["action"],
                "since": s["recorded_at"],
            }
            for s in recipient_steps.open_steps(db)
        ],
        "source_gone": len(sources.all_gone(db)),
        "retention_markers": retention_markers.count(db),
    }
