"""The record of processing activities entry (GDPR Art. 30, R10) as Markdown.

Built from the policy registry (controller, purposes with their offer, target professions,
legitimate interest, LIA and DPIA references; recipients with role, country, contract and
transfer mechanism; domain policies) and the database (what is actually held, from which
sources, which exports went to whom, purges, notices, suppression, the audit log), and the
security measures the store really applies, checked on disk. Transfers outside the EEA are
derived from the declared recipients. What the software cannot know is listed under "To
complete by the controller" rather than guessed.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import Any, Final

from ..config import default_key_file
from ..errors import ComplianceConfigError
from ..law import EEA, RETENTION_YEARS, TRANSFER_MECHANISMS, check_purpose_allowed
from ..policy.model import Purpose, Recipient, Registry
from ..store import audit_log, contacts, exports, runs, sources, suppression
from ..store.backend import Db
from ..values.fields import CONTACT_FIELDS
from . import notice_ledger
from .base import ToolingError
from .exports import check_recipient
from .retention import count_expired

_AUDIENCES: Final = {
    "b2b": "professionals: people acting for a business (employees, executives, self-employed)",
    "b2c": "consumers: private individuals",
}


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


def _held_columns(db: Db) -> list[str]:
    return [c for c, n in contacts.filled(db, CONTACT_FIELDS).items() if n]


def _refused_by_law(purpose: Purpose, today: date) -> str | None:
    """Why the law refuses this purpose for scraped data today (R6), or None."""
    try:
        check_purpose_allowed(purpose, today)
    except ComplianceConfigError as exc:
        return str(exc)
    return None


def _receivable(registry: Registry, recipient: Recipient) -> tuple[list[str], list[str]]:
    """The purposes an export may really send to ``recipient`` (the export's own checks,
    ``exports.check_recipient``), and why each other listed purpose is refused."""
    allowed: list[str] = []
    refused: list[str] = []
    for name in recipient.purposes:
        purpose = registry.purposes.get(name)
        if purpose is None:
            refused.append(f"{name}: not in purposes.toml")
            continue
        try:
            check_recipient(registry, purpose, recipient.key)
        except ToolingError as exc:
            refused.append(str(exc))
        else:
            allowed.append(name)
    return allowed, refused


def _processing_sentence(registry: Registry) -> str:
    """What is collected from where: "publicly accessible" only when no allowing policy
    accepts collection behind a login."""
    behind_login = sorted(
        p.domain for p in registry.policies if p.extraction == "allowed" and p.authenticated
    )
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


def _mode(path: Path) -> str:
    try:
        return f"{stat.S_IMODE(path.stat().st_mode):04o}"
    except OSError:
        return "unknown"


def build_register(
    db: Db,
    registry: Registry,
    *,
    db_path: str | os.PathLike[str],
    today: date,
    key_file: str | os.PathLike[str] | None = None,
) -> str:
    db_path = Path(db_path)
    key = Path(key_file) if key_file else default_key_file(db_path)
    c = registry.controller
    held = contacts.count_by_purpose(db)
    refused_by_law = {p.name: _refused_by_law(p, today) for p in registry.purposes.values()}
    purpose_rows = [
        [
            p.name,
            p.channel,
            p.audience,
            p.legal_basis,
            p.description,
            f"no: {refused_by_law[p.name]}" if refused_by_law[p.name] else "yes",
            held.get(p.name, 0),
        ]
        for p in sorted(registry.purposes.values(), key=lambda p: p.name)
    ]
    purpose_rows += [
        [name, "?", "?", "(not in purposes.toml)", None, "?", n]
        for name, n in sorted(held.items())
        if name not in registry.purposes
    ]
    # The persons the processing concerns: those of the purposes the law allows today, and
    # of any purpose contacts are still held for; a refused purpose concerns no one.
    audiences = sorted(
        {
            p.audience
            for p in registry.purposes.values()
            if not refused_by_law[p.name] or held.get(p.name, 0)
        }
    )
    by_file = {p.file: p for p in registry.policies}
    source_rows = []
    for file, n, first, last in sources.by_policy_file(db):
        p = by_file.get(file)
        source_rows.append(
            [
                p.domain if p else "?",
                file,
                p.extraction if p else "(file no longer in registry)",
                p.clause if p else None,
                p.reviewed_on.isoformat() if p else None,
                n,
                first[:10],
                last[:10],
            ]
        )
    use_rows = [
        [
            p.name,
            p.offer,
            ", ".join(p.target_professions) or None,
            p.legitimate_interest,
            p.lia,
            p.dpia or (f"not required: {p.dpia_not_required}" if p.dpia_not_required else None),
            p.sector,
        ]
        for p in sorted(registry.purposes.values(), key=lambda p: p.name)
    ]
    declared = sorted(registry.recipients.values(), key=lambda r: r.key)
    receivable = {r.key: _receivable(registry, r) for r in declared}
    recipient_rows = [
        [
            r.key,
            r.name,
            r.role,
            r.country,
            r.contract,
            ", ".join(r.purposes),
            ", ".join(receivable[r.key][0]) or "nothing",
        ]
        for r in declared
    ]
    refused_lines = [f"- {r.key}: {why}." for r in declared for why in receivable[r.key][1]] or [
        "(none)"
    ]
    # A transfer is only what an export may really send outside the EEA; a declared recipient
    # every export to which is refused receives nothing and is listed as such.
    transfers = [r for r in declared if r.country not in EEA and receivable[r.key][0]]
    transfer_lines = [
        f"- {r.name} ({r.key}, {r.country}): "
        f"{TRANSFER_MECHANISMS.get(r.transfer_mechanism or '', 'NO MECHANISM')}, "
        f"{r.transfer_reference or 'no reference'}."
        for r in transfers
    ] or ["- None: no recipient that may receive exports is established outside the EEA."]
    never = [r for r in declared if r.country not in EEA and not receivable[r.key][0]]
    if never:
        transfer_lines.append(
            "- Declared outside the EEA but refused every export (no transfer takes place): "
            + ", ".join(f"{r.name} ({r.key}, {r.country})" for r in never)
            + "."
        )
    to_complete = [
        "- The general description of the technical and organisational security measures "
        "outside this tool (Art. 30(1)(g)): access control, backups, staff training.",
        *(
            f"- Purpose `{p.name}`: the legitimate-interests assessment (`lia`) and the DPIA "
            "decision (`dpia` or `dpia_not_required`) are missing."
            for p in sorted(registry.purposes.values(), key=lambda p: p.name)
            if p.legitimate_interest_basis and not (p.lia and (p.dpia or p.dpia_not_required))
        ),
        *(
            f"- Recipient `{key}` received exports but is not declared in recipients.toml "
            "(name, role, country, contract)."
            for key in sorted({str(row[0]) for row in exports.by_recipient(db)})
            if key != "internal" and key not in registry.recipients
        ),
    ]
    if not c.dpo:
        to_complete.append("- Whether a data protection officer must be designated (Art. 37).")
    if not registry.recipients:
        to_complete.append(
            "- recipients.toml: no recipient is declared; processors (CRM, emailing, call "
            "centre) must be declared with their Art. 28 contracts before any export to them."
        )
    purges = runs.purge_totals(db)
    notices = notice_ledger.counts(db, today)
    broken = audit_log.verify(db)
    lines = [
        f"# Record of processing activities (GDPR Art. 30): {c.name}",
        "",
        f"Generated on {today.isoformat()} by `compliant-scraper register` from `{db_path}` and "
        f"`{registry.directory}`.",
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
        _processing_sentence(registry),
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
            purpose_rows,
        ),
        "",
        "What each purpose offers, to whom, and its assessments (R6, R13; files under "
        f"`{registry.directory}`):",
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
            use_rows,
        ),
        "",
        "## Categories of persons",
        "",
        *(f"- {_AUDIENCES.get(a, a)}" for a in audiences),
        "",
        "## Categories of data",
        "",
        "- Held today: " + (", ".join(_held_columns(db)) or "none") + ".",
        *(
            f"- Purpose `{p.name}` keeps: {', '.join(p.fields)}."
            for p in sorted(registry.purposes.values(), key=lambda p: p.name)
        ),
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
            source_rows,
        ),
        "",
        f"Domain policies in the registry: {len(registry.policies)}; each contact's source "
        "URLs are in table `sources` (`compliant-scraper provenance ID`).",
        "",
        "## Retention",
        "",
        f"- {RETENTION_YEARS} years from collection or from the person's last contact (reply, "
        "click, call), then deleted by `compliant-scraper purge` (R9). Re-crawling does not "
        "extend it.",
        f"- Purges run: {purges[0]}, contacts deleted: {purges[1]}, last: {purges[2] or 'never'}.",
        f"- Contacts past retention today: {count_expired(db, today)}.",
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
            recipient_rows,
        ),
        "",
        "Exports the export checks refuse (R10, R11):",
        "",
        *refused_lines,
        "",
        "Exports made:",
        "",
        *_md_table(
            ["recipient", "purpose", "exports", "rows", "last export"],
            [list(r) for r in exports.by_recipient(db)],
        ),
        "",
        "## Transfers outside the EEA (Art. 44-49)",
        "",
        *transfer_lines,
        "",
        "## Information and rights",
        "",
        f"- Art. 14 notices: {notices['sent']} sent ({notices['late']} late), "
        f"{notices['exempt']} exempt, {notices['pending']} pending ({notices['overdue']} "
        f"overdue, {notices['due_again']} due again after a new recipient).",
        f"- Suppression list (objections and erasures, keyed hashes only): "
        f"{suppression.count(db)} entries.",
        "",
        "## Security measures",
        "",
        f"- Database file owner-only (mode now {_mode(db_path)}); export files written owner-only, "
        "each recorded with its sha256 (table `exports`).",
        "- Suppression list: HMAC-SHA256 of the normalised email or phone, key "
        f"outside the database (`{key}`, mode {_mode(key)}).",
        "- Tamper-evident audit log (hash chain with an HMAC head anchor): "
        + ("intact" if broken is None else f"BROKEN ({broken.message})")
        + ".",
        "- Every kept value carries its source URL, time, policy file and robots.txt (sha256).",
        "",
        "## To complete by the controller",
        "",
        *to_complete,
        "",
    ]
    return "\n".join(lines)
