"""The Art. 30 record entry (R10) written as Markdown, from ``RegisterFacts`` alone.

Nothing is looked up here: every number and name comes from ``register_facts``; this module
only chooses the words and the layout, as ``audit_text`` does for the audit report.
"""

from __future__ import annotations

from typing import Any

from .register_facts import RegisterFacts


def _md_table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    if not rows:
        return ["(none)"]

    def cell(v: Any) -> str:
        return "-" if v is None or v == "" else str(v).replace("|", "\\|").replace("\n", " ")

    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(cell(v) for v in row) + " |" for row in rows),
    ]


def _processing_sentence(behind_login: list[str]) -> str:
    """What is collected from where: "publicly accessible" only when no allowing policy
    accepts collection behind a login."""
    where = "publicly accessible online directories"
    if behind_login:
        where = (
            "online directories, publicly accessible except on "
            + ", ".join(behind_login)
            + ", where pages behind a login are collected (policy `authenticated = true`)"
        )
    return (
        f"Collection of contact data from {where} for prospecting, with compliant-scraper: "
        "every domain is crawled only under a recorded legal decision (R2), robots.txt and "
        "text-and-data-mining reservations are honoured (R3), only the fields a purpose needs "
        "are kept and special-category data is dropped (R4)."
    )


def _transfer_lines(f: RegisterFacts) -> list[str]:
    lines = [
        f"- {t.name} ({t.key}, {t.country}): {t.mechanism or 'NO MECHANISM'}, "
        f"{t.reference or 'no reference'}."
        for t in f.transfers
    ] or ["- None: no recipient that may receive exports is established outside the EEA."]
    if f.never_transferred:
        lines.append(
            "- Declared outside the EEA but refused every export (no transfer takes place): "
            + ", ".join(f"{t.name} ({t.key}, {t.country})" for t in f.never_transferred)
            + "."
        )
    return lines


def render(f: RegisterFacts) -> str:
    """The entry as Markdown."""
    c = f.controller
    n = f.notices
    lines = [
        f"# Record of processing activities (GDPR Art. 30): {c.name}",
        "",
        f"Generated on {f.today.isoformat()} by `compliant-scraper register` from "
        f"`{f.db_path}` and `{f.registry_dir}`.",
        "",
        "## Controller",
        "",
        f"- Name and address: {c.name}, {c.address}",
        f"- Contact: {c.contact}",
        f"- Data protection officer: {c.dpo or 'none designated'}",
        f"- Privacy policy: {c.privacy_url}",
        "",
        "## Processing",
        "",
        _processing_sentence(f.behind_login),
        "",
        "## Purposes and legal bases",
        "",
        *_md_table(
            [
                "purpose",
                "channel",
                "audience",
                "legal basis",
                "description",
                "allowed by law today",
                "contacts held",
            ],
            f.purposes,
        ),
        "",
        "What each purpose offers, to whom, and its assessments (R6, R13; files under "
        f"`{f.registry_dir}`):",
        "",
        *_md_table(
            [
                "purpose",
                "offer",
                "target professions",
                "legitimate interest",
                "LIA",
                "DPIA",
                "sector",
            ],
            f.uses,
        ),
        "",
        "## Categories of persons",
        "",
        *(f"- {a}" for a in f.audiences),
        "",
        "## Categories of data",
        "",
        "- Held today: " + (", ".join(f.held_columns) or "none") + ".",
        *(f"- Purpose `{name}` keeps: {', '.join(fields)}." for name, fields in f.kept_fields),
        "- No special-category data (Art. 9): values revealing it are dropped at collection and "
        "only the drop is recorded (table `drops`).",
        "",
        "## Sources",
        "",
        *_md_table(
            [
                "domain",
                "policy file",
                "extraction",
                "clause",
                "reviewed on",
                "contacts",
                "first retrieved",
                "last retrieved",
            ],
            f.sources,
        ),
        "",
        f"Domain policies in the registry: {f.domain_policies}; each contact's source "
        "URLs are in table `sources` (`compliant-scraper provenance ID`).",
        "",
        "## Retention",
        "",
        f"- {f.retention_years} years from collection or from the person's last contact (reply, "
        "click, call), then deleted by `compliant-scraper purge` (R9). Re-crawling does not "
        "extend it.",
        f"- Purges run: {f.purges[0]}, contacts deleted: {f.purges[1]}, "
        f"last: {f.purges[2] or 'never'}.",
        f"- Contacts past retention today: {f.expired_today}.",
        "",
        "## Recipients",
        "",
        "Declared in recipients.toml (R11):",
        "",
        *_md_table(
            [
                "key",
                "name",
                "role",
                "country",
                "contract (Art. 28 / 26)",
                "purposes",
                "may receive",
            ],
            f.recipients,
        ),
        "",
        "Exports the export checks refuse (R10, R11):",
        "",
        *([f"- {key}: {why}." for key, why in f.refused_exports] or ["(none)"]),
        "",
        "Exports made:",
        "",
        *_md_table(
            ["recipient", "purpose", "exports", "rows", "last export"],
            f.exports,
        ),
        "",
        "## Transfers outside the EEA (Art. 44-49)",
        "",
        *_transfer_lines(f),
        "",
        "## Information and rights",
        "",
        f"- Art. 14 notices: {n['sent']} sent ({n['late']} late), "
        f"{n['exempt']} exempt, {n['pending']} pending ({n['overdue']} "
        f"overdue, {n['due_again']} due again after a new recipient).",
        f"- Suppression list (objections and erasures, keyed hashes only): "
        f"{f.suppression_entries} entries.",
        "",
        "## Security measures",
        "",
        f"- Database file owner-only (mode now {f.db_mode}); export files written owner-only, "
        "each recorded with its sha256 (table `exports`).",
        "- Suppression list: HMAC-SHA256 of the normalised email or phone, key "
        f"outside the database (`{f.key_file}`, mode {f.key_mode}).",
        "- Tamper-evident audit log (hash chain with an HMAC head anchor): "
        + ("intact" if f.audit_broken is None else f"BROKEN ({f.audit_broken})")
        + ".",
        "- Every kept value carries its source URL, time, policy file and robots.txt (sha256).",
        "",
        "## To complete by the controller",
        "",
        *(f"- {line}" for line in f.to_complete),
        "",
    ]
    return "\n".join(lines)
