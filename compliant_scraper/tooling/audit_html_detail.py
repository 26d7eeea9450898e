"""The sections of the HTML report an auditor follows (issue 14 item 6), from ``audit_detail``.

Links are fragment links inside the one file: a contact row links to its sources
(``#c<id>``), a source to the policy and robots.txt snapshot texts it was fetched under
(``#p<sha>``, ``#r<sha>``). Each capped table says how many rows it shows of how many, and
the SQL that lists the rest in Datasette.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

_PAGE_CSS = """
.cap{color:#566573;font-size:.85rem}.cap code{background:#f4f6f6;padding:0 .2rem}
pre.snap{background:#f8f9f9;border:1px solid #e5e8e8;padding:.5rem;white-space:pre-wrap;
word-break:break-all;font-size:.8rem;max-height:24rem;overflow:auto}
td.wrap{white-space:normal;word-break:break-all}a{color:#1f618d}
.detail{overflow-x:auto}.detail td{white-space:normal}.detail td span.wrap{word-break:break-all}
.state-overdue{color:#c0392b;font-weight:600}
"""


def _e(value: Any) -> str:
    return escape("-" if value is None or value == "" else str(value))


def _rows_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table whose cells are already HTML (escaped by the caller)."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return '<p class="empty">None.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="detail">{table}</div>'


def _cap(shown: int, total: int, sql: str | None, d: dict[str, Any]) -> str:
    if total <= shown:
        return f'<p class="cap">All {total} shown.</p>'
    serve = escape(d["datasette"])
    rest = f" The rest: <code>{escape(sql or '')}</code> in Datasette (<code>{serve}</code>)."
    return f'<p class="cap">Showing {shown} of {total}.{rest if sql else ""}</p>'


def _short(sha: Any) -> str:
    text = str(sha or "")
    return escape(text[:12]) + ("…" if len(text) > 12 else "")


def contacts_section(d: dict[str, Any]) -> str:
    c = d["contacts"]
    rows = []
    for x in c["rows"]:
        cid = int(x["id"])
        n = len(c["sources"].get(cid, []))
        rows.append(
            (
                f'<a id="k{cid}" href="#c{cid}">{cid}</a>',
                _e(x["purpose"]),
                _e(x["name"]),
                _e(x["job_title"]),
                _e(x["organization"]),
                _e(x["email"]),
                _e(x["phone"]),
                _e(x["locality"]),
                _e(x["first_seen"]),
                _e(x["retention_until"]),
                f'<a href="#c{cid}">{n} source{"" if n == 1 else "s"}</a>',
            )
        )
    table = _rows_table(
        (
            "id",
            "purpose",
            "name",
            "job title",
            "organization",
            "email",
            "phone",
            "locality",
            "first seen",
            "retention until",
            "sources",
        ),
        rows,
    )
    return table + _cap(len(c["rows"]), c["total"], d["sql"]["contacts"], d)


def sources_section(d: dict[str, Any]) -> str:
    snaps = d["snapshots"]
    rows = []
    for cid, found in d["contacts"]["sources"].items():
        for i, s in enumerate(found):
            anchor = f' id="c{cid}"' if i == 0 else ""
            policy = s["policy_sha256"]
            robots = s["robots_sha256"]
            p_link = (
                f'<a href="#p{escape(policy)}">{_short(policy)}</a>'
                if policy in snaps["policies"]
                else f"{_short(policy)} (no snapshot)"
            )
            r_link = (
                f'<a href="#r{escape(robots)}">{_short(robots)}</a>'
                if robots in snaps["robots"]
                else f"{_short(robots)} (no snapshot)"
            )
            rows.append(
                (
                    f'<a{anchor} href="#k{cid}">{cid}</a>',
                    f'<span class="wrap">{_e(s["url"])}</span>',
                    _e(s["retrieved_at"]),
                    _e(s["policy_file"]),
                    p_link,
                    r_link,
                    _e(s["method"]),
                )
            )
    return _rows_table(
        (
            "contact",
            "source URL",
            "retrieved",
            "policy file",
            "policy sha256",
            "robots.txt sha256",
            "method",
        ),
        rows,
    ) + _cap(len(rows), len(rows), None, d)


def snapshots_section(d: dict[str, Any]) -> str:
    parts = ["<h3>Policy files</h3>"]
    for sha, p in sorted(d["snapshots"]["policies"].items(), key=lambda kv: kv[1]["file"]):
        parts.append(
            f'<p id="p{escape(sha)}"><b>{_e(p["file"])}</b> ({_e(p["domain"])}), sha256 '
            f'<code>{escape(sha)}</code></p><pre class="snap">{_e(p["content"])}</pre>'
        )
    parts.append("<h3>robots.txt files</h3>")
    for sha, r in sorted(d["snapshots"]["robots"].items(), key=lambda kv: str(kv[1]["url"])):
        parts.append(
            f'<p id="r{escape(sha)}"><b>{_e(r["url"])}</b>, fetched {_e(r["fetched_at"])}, '
            f"status {_e(r['status'])}, sha256 <code>{escape(sha)}</code></p>"
            f'<pre class="snap">{_e(r["body"])}</pre>'
        )
    return "".join(parts)


def refusals_section(d: dict[str, Any]) -> str:
    g = d["refusal_groups"]
    table = _rows_table(
        ("stage", "domain", "rule", "reason", "refusals", "example URL"),
        (
            (
                _e(x["stage"]),
                _e(x["domain"]),
                _e(x["rule"]),
                f'<span class="wrap">{_e(x["reason"])}</span>',
                _e(x["count"]),
                f'<span class="wrap">{_e(x["example"])}</span>',
            )
            for x in g["rows"]
        ),
    )
    return table + _cap(len(g["rows"]), g["total"], d["sql"]["refusals"], d)


def drops_section(d: dict[str, Any]) -> str:
    by_field = _rows_table(
        ("field", "reason", "rule", "drops", "pages"),
        (
            (_e(x["field"]), _e(x["reason"]), _e(x["rule"]), _e(x["count"]), _e(x["pages"]))
            for x in d["drops_by_field"]
        ),
    )
    g = d["drop_groups"]
    by_page = _rows_table(
        ("reason", "rule", "field", "page", "drops"),
        (
            (
                _e(x["reason"]),
                _e(x["rule"]),
                _e(x["field"]),
                f'<span class="wrap">{_e(x["url"])}</span>',
                _e(x["count"]),
            )
            for x in g["rows"]
        ),
    )
    return (
        "<h3>By field and reason</h3>"
        + by_field
        + "<h3>By page</h3>"
        + by_page
        + _cap(len(g["rows"]), g["total"], d["sql"]["drops"], d)
    )


def policies_section(d: dict[str, Any]) -> str:
    p = d["policies_in_force"]
    if p["error"]:
        return f"<p>{_e(p['error'])}</p>"
    return _rows_table(
        ("domain", "file", "extraction", "reviewed by", "reviewed on", "review due", "state"),
        (
            (
                _e(x["domain"]),
                _e(x["file"]),
                _e(x["extraction"]),
                _e(x["reviewed_by"]),
                _e(x["reviewed_on"]),
                _e(x["review_due"]),
                f'<span class="state-{x["state"].replace(" ", "-")}">{_e(x["state"])}</span>',
            )
            for x in p["rows"]
        ),
    )


def runs_section(d: dict[str, Any]) -> str:
    return _rows_table(
        (
            "run",
            "spider",
            "purpose",
            "started",
            "finished",
            "reason",
            "refused",
            "dropped",
            "sources kept",
        ),
        (
            (
                f"<code>{_e(x['id'])}</code>",
                _e(x["spider"]),
                _e(x["purpose"]),
                _e(x["started_at"]),
                _e(x["finished_at"]),
                _e(x["finish_reason"]),
                _e(x["refused"]),
                _e(x["dropped"]),
                _e(x["sources"]),
            )
            for x in d["runs"]
        ),
    )


def notices_section(d: dict[str, Any]) -> str:
    n = d["notices_due"]
    table = _rows_table(
        ("contact", "purpose", "deadline", "days left", "state", "why"),
        (
            (
                f'<a href="#k{x["contact_id"]}">{x["contact_id"]}</a>',
                _e(x["purpose"]),
                _e(x["deadline"]),
                _e(x["days_left"]),
                f'<span class="state-{x["state"]}">{_e(x["state"])}</span>',
                f'<span class="wrap">{_e(x["why"])}</span>',
            )
            for x in n["rows"]
        ),
    )
    note = (
        '<p class="cap">Requests from people (access, erasure, objection, rectification) are '
        "acted on when made: none waits in the store; the audit log below counts them "
        "(<code>subject_*</code> events). All notices due: the Datasette canned query "
        "<code>notices_pending</code>.</p>"
    )
    return table + _cap(len(n["rows"]), n["total"], None, d) + note


def sections(d: dict[str, Any]) -> list[str]:
    return [
        "<h2>Contacts (each links to its sources)</h2>",
        contacts_section(d),
        "<h2>Sources (R5: where each contact came from, under which policy and robots.txt)</h2>",
        sources_section(d),
        "<h2>Refusals by stage, domain and reason</h2>",
        refusals_section(d),
        "<h2>Drops by reason, field and page</h2>",
        drops_section(d),
        "<h2>Policies in force (R2)</h2>",
        policies_section(d),
        "<h2>Runs and their counts</h2>",
        runs_section(d),
        "<h2>Notices and requests due or overdue (R5)</h2>",
        notices_section(d),
        "<h2>Snapshots: the texts in force when the sources were fetched</h2>",
        snapshots_section(d),
    ]


CSS = _PAGE_CSS
