"""The auditor's report as plain text (``compliant-scraper audit``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], indent: str = "  ") -> list[str]:
    cells = [[str(h) for h in headers]] + [["-" if v is None else str(v) for v in r] for r in rows]
    if len(cells) == 1:
        return [f"{indent}(none)"]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            indent + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
        if n == 0:
            lines.append(indent + "  ".join("-" * w for w in widths))
    return lines


def format_text(report: dict[str, Any]) -> str:
    r = report
    out = [
        f"Compliance audit of {r['database']} ({r['generated_at']})",
        "",
        f"Runs: {r['runs']['count']}",
        *_table(
            ("started", "finished", "spider", "purpose", "finish reason"),
            (
                (x["started_at"], x["finished_at"], x["spider"], x["purpose"], x["finish_reason"])
                for x in r["runs"]["latest"]
            ),
        ),
        *_unfinished(r["runs"]["unfinished"]),
        "",
        f"Contacts kept: {r['contacts']['total']}",
        *_table(("purpose", "contacts"), r["contacts"]["by_purpose"].items()),
        "",
        *_table(
            ("domain", "purpose", "contacts"),
            ((x["domain"], x["purpose"], x["contacts"]) for x in r["contacts"]["by_domain"]),
        ),
        "",
        f"Refusals: {r['refusals']['total']}",
        *_table(("stage", "refusals"), r["refusals"]["by_stage"].items()),
        "",
        *_table(("rule", "refusals"), r["refusals"]["by_rule"].items()),
        "",
        *_table(
            ("domain", "stage", "rule", "refusals"),
            ((x["domain"], x["stage"], x["rule"], x["count"]) for x in r["refusals"]["by_domain"]),
        ),
        "",
        f"Drops: {r['drops']['total']}",
        *_table(
            ("reason", "rule", "drops"),
            ((x["reason"], x["rule"], x["count"]) for x in r["drops"]["by_reason"]),
        ),
        "",
        "Opposition lists in force:",
        *_table(
            ("list", "dated", "age (days)", "numbers", "imported"),
            (
                (x["display_name"], x["list_date"], x["age_days"], x["count"], x["imported_at"])
                for x in r["opposition_lists"]
            ),
        ),
        "",
        f"Contacts past retention: {r['retention']['past_retention']}"
        + (" (run `compliant-scraper purge`)" if r["retention"]["past_retention"] else ""),
        f"Purges: {len(r['retention']['purges'])}",
        "",
        "Notices (Art. 14): "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in r["notices"].items()),
        f"Exports: {len(r['exports'])}",
        *_table(
            ("id", "at", "purpose", "recipient", "rows"),
            ((x["id"], x["at"], x["purpose"], x["recipient"], x["count"]) for x in r["exports"]),
        ),
        f"Suppression list: {r['suppression']['entries']} entries",
        "",
        *_subjects(r["subjects"]),
        "",
        *_policies(r["policies"]),
        "",
        *_log(r["audit_log"]),
    ]
    return "\n".join(out) + "\n"


def _unfinished(rows: list[dict[str, Any]]) -> list[str]:
    """Flag runs that never finished: their stats and finish reason were never recorded."""
    if not rows:
        return []
    return [
        "",
        f"WARNING: {len(rows)} run(s) never finished (still running, or stopped without "
        "closing: killed, crashed, a shell left open); their stats and finish reason are "
        "missing:",
        *_table(
            ("run", "started", "spider", "purpose"),
            ((x["id"], x["started_at"], x["spider"], x["purpose"]) for x in rows),
        ),
    ]


def _policies(p: dict[str, Any]) -> list[str]:
    if p.get("error"):
        return [f"Policies: {p['error']}"]
    lines = [f"Policies: {p['count']} in {p['directory']}, {len(p['overdue'])} overdue"]
    lines += _table(
        ("overdue", "file", "review was due"),
        ((x["domain"], x["file"], x["review_due"]) for x in p["overdue"]),
    )
    if p["due_soon"]:
        lines += [
            "",
            *_table(
                ("due soon", "file", "review due"),
                ((x["domain"], x["file"], x["review_due"]) for x in p["due_soon"]),
            ),
        ]
    return lines


def _log(a: dict[str, Any]) -> list[str]:
    state = "intact" if a["intact"] else f"BROKEN: {a['break']}"
    return [
        f"Audit log: {a['rows']} rows, {state}",
        f"  head: {a['head'] or '-'}",
        f"  {a['anchor']}",
    ]


def _subjects(s: dict[str, Any]) -> list[str]:
    q = s["requests"]
    return [
        f"Restricted records (Art. 18): {len(s['restricted'])}",
        *_table(
            ("contact", "purpose", "since", "reason"),
            ((x["contact_id"], x["purpose"], x["since"], x["reason"]) for x in s["restricted"]),
        ),
        "",
        f"Requests (Art. 12): open {q['open']}, overdue {q['overdue']}, answered {q['answered']}, "
        f"answered late {q['answered_late']}",
        *_table(
            ("request", "kind", "received", "due", "state", "answered"),
            (
                (x["id"], x["kind"], x["received_on"], x["due_on"], x["state"], x["closed_on"])
                for x in q["attention"]
            ),
        ),
        "",
        f"recipient_notified steps not done (Art. 19): {len(s['recipient_notified'])}",
        *_table(
            ("contact", "recipient", "after", "since"),
            (
                (x["contact_id"], x["recipient"], x["action"], x["since"])
                for x in s["recipient_notified"]
            ),
        ),
        "",
        f"Contacts whose sources are all gone (source_gone): {s['source_gone']}",
        f"Retention markers in force (R9): {s['retention_markers']}",
    ]
