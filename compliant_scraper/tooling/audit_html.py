"""The auditor's report as one self-contained HTML file (``audit --html FILE``).

Inline CSS and inline SVG charts only: no script, no font, no image, no CDN. A
Content-Security-Policy of ``default-src 'none'`` makes the browser refuse any fetch, so the
file opens offline and cannot leak that it was opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Any, Final

from .audit_html_detail import CSS as DETAIL_CSS
from .audit_html_detail import sections as detail_sections
from .svg_charts import PALETTE, bar_chart, stacked_bar

_CSS: Final = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:1000px;color:#1c2833;padding:0 1rem;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2.2rem;
border-bottom:2px solid #d5dbdb;padding-bottom:.2rem}
.meta{color:#566573;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1.2rem 0}
.card{border:1px solid #d5dbdb;border-radius:6px;padding:.6rem .9rem;min-width:130px}
.card b{display:block;font-size:1.5rem}.card span{color:#566573;font-size:.85rem}
.card.alert{border-color:#c0392b;background:#fdedec}.card.ok{border-color:#1e8449;background:#eafaf1}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border-bottom:1px solid #e5e8e8;padding:.25rem .7rem;text-align:left;vertical-align:top}
td{white-space:nowrap}td code{white-space:normal}th{background:#f4f6f6}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;margin:.8rem 0;font-size:12px}.chart-title{font-weight:600;font-size:13px}
.label{fill:#1c2833}.value{fill:#566573}.marker{stroke:#c0392b;stroke-dasharray:4 3}
.marker-label{fill:#c0392b;font-size:11px}.empty{color:#566573;font-style:italic}
.note{color:#566573;font-size:13px;margin:2px 0 12px}
code{font-size:.85rem;word-break:break-all}
"""


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric: Sequence[int] = (),
    code: Sequence[int] = (),
    empty: str = "None.",
) -> str:
    """An HTML table; ``numeric`` columns right-aligned, ``code`` columns (hashes) monospace;
    ``empty`` is what an empty table says instead."""
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            cls = ' class="num"' if i in numeric else ""
            text = escape("-" if value is None else str(value))
            cells.append(
                f"<td{cls}><code>{text}</code></td>" if i in code else f"<td{cls}>{text}</td>"
            )
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        return f'<p class="empty">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _card(label: str, value: Any, state: str = "") -> str:
    cls = f"card {state}".strip()
    return f'<div class="{cls}"><b>{escape(str(value))}</b><span>{escape(label)}</span></div>'


def _cards(r: dict[str, Any]) -> str:
    log = r["audit_log"]
    past = r["retention"]["past_retention"]
    overdue = r["notices"]["overdue"]
    pol = r["policies"]
    pol_overdue = len(pol.get("overdue", [])) if not pol.get("error") else "?"
    return (
        '<div class="cards">'
        + _card("contacts kept", r["contacts"]["total"])
        + _card("requests refused", r["refusals"]["total"])
        + _card("values dropped", r["drops"]["total"])
        + _card("past retention", past, "alert" if past else "ok")
        + _card("notices overdue", overdue, "alert" if overdue else "ok")
        + _card("policies overdue", pol_overdue, "alert" if pol_overdue else "ok")
        + _card(
            "audit log", "intact" if log["intact"] else "BROKEN", "ok" if log["intact"] else "alert"
        )
        + "</div>"
    )


def _lists_section(r: dict[str, Any]) -> str:
    lists = r["opposition_lists"]
    if not lists:
        return '<p class="empty">No opposition list imported (no Bloctel list in force).</p>'
    chart = bar_chart(
        [(_list_label(x), x["age_days"]) for x in lists],
        title="Age of the lists in force (days)",
        color=PALETTE[2],
        marker=(30, "30-day freshness limit"),
    )
    for x in lists:  # why a final list drawn past the limit is still accepted
        if x.get("register_closed_on"):
            chart += (
                f'<p class="note">{escape(x["display_name"])} closed on '
                f"{escape(x['register_closed_on'])}: the list dated {escape(x['list_date'])} is "
                "its final list, a permanent record of the objections made while it was open. "
                "No newer list will come, so its age for the freshness limit stopped at the "
                f"closing date ({x['age_at_closing_days']} days): it is accepted at any age "
                "(R7).</p>"
            )
    table = _table(
        ("list", "dated", "age (days)", "numbers", "imported", "file sha256"),
        (
            (
                x["display_name"],
                x["list_date"],
                x["age_days"],
                x["count"],
                x["imported_at"],
                x["file_sha256"],
            )
            for x in lists
        ),
        numeric=(2, 3),
        code=(5,),
    )
    return chart + table


def _list_label(x: dict[str, Any]) -> str:
    final = "; final list" if x.get("register_closed_on") else ""
    return f"{x['display_name']} (dated {x['list_date']}{final})"


def _domains_note(c: dict[str, Any]) -> str:
    """Bars count distinct contacts per domain: a contact with sources on two domains counts
    under each, so the bars can add up to more than the contacts kept. Say so."""
    total = sum(x["contacts"] for x in c["by_domain"])
    note = "Each contact counts once under every domain it has a source on"
    if total > c["total"]:
        kept = c["total"]
        note += (
            f": these counts add up to {total} for {kept} contact{'' if kept == 1 else 's'} kept"
        )
    return f'<p class="note">{note}.</p>'


def _policies_section(p: dict[str, Any]) -> str:
    if p.get("error"):
        return f"<p>{escape(str(p['error']))} ({escape(str(p.get('directory')))})</p>"
    return (
        f"<p>{p['count']} domain policies in <code>{escape(p['directory'])}</code>; "
        f"{len(p['overdue'])} overdue (their domains are refused), "
        f"{len(p['due_soon'])} due within 30 days.</p>"
        + _table(
            ("domain", "file", "review due", "state"),
            [(x["domain"], x["file"], x["review_due"], "overdue") for x in p["overdue"]]
            + [(x["domain"], x["file"], x["review_due"], "due soon") for x in p["due_soon"]],
            empty="No policy is overdue or due for review within 30 days; every policy in force "
            "is listed under “Policies in force (R2)” below.",
        )
    )


def _subjects_section(s: dict[str, Any]) -> str:
    q = s["requests"]
    return (
        "<h2>Data-subject rights (R8, R9, R12)</h2>"
        f"<p>Requests: <b>{q['open']}</b> open, <b>{q['overdue']}</b> overdue, "
        f"{q['answered']} answered, <b>{q['answered_late']}</b> answered late.</p>"
        + _table(
            ("request", "kind", "received", "due", "state", "answered"),
            (
                (x["id"], x["kind"], x["received_on"], x["due_on"], x["state"], x["closed_on"])
                for x in q["attention"]
            ),
        )
        + f"<p>Restricted records (Art. 18): <b>{len(s['restricted'])}</b>.</p>"
        + _table(
            ("contact", "purpose", "since", "reason"),
            ((x["contact_id"], x["purpose"], x["since"], x["reason"]) for x in s["restricted"]),
        )
        + "<p>Recipients still to tell of a rectification or erasure (Art. 19): "
        f"<b>{len(s['recipient_notified'])}</b>.</p>"
        + _table(
            ("contact", "recipient", "after", "since"),
            (
                (x["contact_id"], x["recipient"], x["action"], x["since"])
                for x in s["recipient_notified"]
            ),
        )
        + f"<p>Contacts whose sources are all gone: {s['source_gone']}; retention markers in "
        f"force: {s['retention_markers']}.</p>"
    )


def render_html(r: dict[str, Any]) -> str:
    """The whole report as one HTML document (with the followable tables of
    ``audit_html_detail`` when ``r["detail"]`` holds ``audit_detail.build_detail``)."""
    c, ref, drops, log = r["contacts"], r["refusals"], r["drops"], r["audit_log"]
    n = r["notices"]
    detail = r.get("detail")
    version = f" &middot; compliant-scraper {escape(detail['version'])}" if detail else ""
    sections = [
        f'<h1>Compliance audit</h1><p class="meta">Database <code>{escape(r["database"])}</code>'
        f" &middot; generated {escape(r['generated_at'])}{version}</p>",
        _cards(r),
        "<h2>Contacts kept</h2>",
        bar_chart(list(c["by_purpose"].items()), title="Contacts by purpose", color=PALETTE[0]),
        bar_chart(
            [(f"{x['domain']} ({x['purpose']})", x["contacts"]) for x in c["by_domain"][:15]],
            title="Contacts by source domain (top 15)",
            color=PALETTE[0],
        ),
        _domains_note(c),
        "<h2>Refused requests (what was not fetched, and why)</h2>",
        bar_chart(list(ref["by_stage"].items()), title="Refusals by stage", color=PALETTE[1]),
        bar_chart(list(ref["by_rule"].items()), title="Refusals by rule", color=PALETTE[1]),
        _table(
            ("domain", "stage", "rule", "refusals"),
            ((x["domain"], x["stage"], x["rule"], x["count"]) for x in ref["by_domain"]),
            numeric=(3,),
        ),
        "<h2>Dropped values (what was not kept, and why)</h2>",
        bar_chart(
            [(f"{x['reason']} ({x['rule']})", x["count"]) for x in drops["by_reason"]],
            title="Drops by reason",
            color=PALETTE[4],
        ),
        "<h2>Opposition lists (R7)</h2>",
        _lists_section(r),
        "<h2>Information and retention (R5, R9)</h2>",
        stacked_bar(
            [
                ("notice sent", n["sent"], PALETTE[3]),
                ("exempt", n["exempt"], PALETTE[5]),
                ("pending, not yet due", n["pending"] - n["overdue"], PALETTE[2]),
                ("overdue", n["overdue"], PALETTE[1]),
            ],
            title="Art. 14 notices",
        ),
        f"<p>Contacts past retention: <b>{r['retention']['past_retention']}</b>; "
        f"purges run: {len(r['retention']['purges'])}; suppression list: "
        f"{r['suppression']['entries']} entries.</p>",
        _subjects_section(r["subjects"]),
        "<h2>Exports (R10)</h2>",
        _table(
            ("id", "at", "purpose", "recipient", "format", "rows", "file sha256"),
            (
                (
                    x["id"],
                    x["at"],
                    x["purpose"],
                    x["recipient"],
                    x["format"],
                    x["count"],
                    x["sha256"],
                )
                for x in r["exports"]
            ),
            numeric=(5,),
            code=(6,),
            empty="No export has been made from this store.",
        ),
        "<h2>Policies</h2>",
        _policies_section(r["policies"]),
        "<h2>Runs</h2>",
        _table(
            ("started", "finished", "spider", "purpose", "finish reason"),
            (
                (x["started_at"], x["finished_at"], x["spider"], x["purpose"], x["finish_reason"])
                for x in r["runs"]["latest"]
            ),
        ),
        "<h2>Audit log</h2>",
        f"<p>{log['rows']} rows, <b>{'intact' if log['intact'] else 'BROKEN'}</b>"
        + (f": {escape(str(log['break']))}" if not log["intact"] else "")
        + f". Head <code>{escape(str(log['head']))}</code>. "
        + f"{escape(log['anchor'][:1].upper() + log['anchor'][1:])}.</p>",
        _table(("event", "rows"), log["events"].items(), numeric=(1,)),
        *(detail_sections(detail) if detail else []),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Compliance audit</title>"
        f"<style>{_CSS}{DETAIL_CSS}</style></head><body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )
