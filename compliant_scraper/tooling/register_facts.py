"""The facts of the record of processing activities entry (GDPR Art. 30, R10).

Gathered from the policy registry (controller, purposes with their offer, target professions,
legitimate interest, LIA and DPIA references; recipients with role, country, contract and
transfer mechanism; domain policies) and the database (what is actually held, from which
sources, which exports went to whom, purges, notices, suppression, the audit log), and the
security measures the store really applies, checked on disk. Transfers outside the EEA are
derived from the declared recipients and the export's own checks. What the software cannot
know is listed in ``to_complete`` rather than guessed. ``register_markdown.render`` writes
the entry from these facts alone, as ``audit_text`` does for ``audit_report``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from ..config import default_key_file
from ..errors import ComplianceConfigError
from ..law import EEA, RETENTION_YEARS, TRANSFER_MECHANISMS, check_purpose_allowed
from ..policy.model import Controller, Purpose, Recipient, Registry
from ..policy.recipients import OWN_COPIES
from ..store import audit_log, contacts, exports, runs, sources, suppression
from ..store.backend import Db
from ..values.fields import CONTACT_FIELDS
from . import notice_ledger
from .base import ToolingError
from .exports import check_recipient
from .retention import count_expired

AUDIENCES: Final = {
    "b2b": "professionals: people acting for a business (employees, executives, self-employed)",
    "b2c": "consumers: private individuals",
}

Row = list[Any]


@dataclass(frozen=True)
class Transfer:
    """A declared recipient established outside the EEA, with its mechanism (R11)."""

    key: str
    name: str
    country: str
    mechanism: str | None  # the mechanism's title, None when none is declared
    reference: str | None


@dataclass(frozen=True)
class RegisterFacts:
    """Everything the Art. 30 entry states, each read from the registry, the store or disk."""

    controller: Controller
    today: date
    db_path: Path
    registry_dir: Path
    behind_login: list[str]  # domains whose allowing policy collects pages behind a login
    purposes: list[Row]  # purpose, channel, audience, basis, description, allowed, held
    uses: list[Row]  # purpose, offer, target professions, legitimate interest, LIA, DPIA, sector
    audiences: list[str]
    held_columns: list[str]
    kept_fields: list[tuple[str, tuple[str, ...]]]  # purpose, the fields it keeps
    sources: list[Row]  # domain, file, extraction, clause, reviewed, contacts, first, last
    domain_policies: int
    retention_years: int
    purges: tuple[Any, ...]  # purges run, contacts deleted, last purge
    expired_today: int
    recipients: list[Row]  # key, name, role, country, contract, purposes, may receive
    refused_exports: list[tuple[str, str]]  # recipient key, why an export to it is refused
    exports: list[Row]  # recipient, purpose, exports, rows, last export
    transfers: list[Transfer]  # outside the EEA, to recipients that may receive exports
    never_transferred: list[Transfer]  # declared outside the EEA, every export refused
    notices: dict[str, int]
    suppression_entries: int
    db_mode: str
    key_file: Path
    key_mode: str
    audit_broken: str | None  # the audit log verification's message; None when intact
    to_complete: list[str]


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


def _mode(path: Path) -> str:
    try:
        return f"{stat.S_IMODE(path.stat().st_mode):04o}"
    except OSError:
        return "unknown"


def register_facts(
    db: Db,
    registry: Registry,
    *,
    db_path: str | os.PathLike[str],
    today: date,
    key_file: str | os.PathLike[str] | None = None,
) -> RegisterFacts:
    """Gather the entry's facts from the registry, the store and the files on disk."""
    db_path = Path(db_path)
    key = Path(key_file) if key_file else default_key_file(db_path)
    c = registry.controller
    held = contacts.count_by_purpose(db)
    refused_by_law = {p.name: _refused_by_law(p, today) for p in registry.purposes.values()}
    purpose_rows: list[Row] = [
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
    source_rows: list[Row] = []
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
    use_rows: list[Row] = [
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
    recipient_rows: list[Row] = [
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
    refused = [(r.key, why) for r in declared for why in receivable[r.key][1]]
    # A transfer is only what an export may really send outside the EEA; a declared recipient
    # every export to which is refused receives nothing and is listed as such.
    transfers = [r for r in declared if r.country not in EEA and receivable[r.key][0]]
    never = [r for r in declared if r.country not in EEA and not receivable[r.key][0]]
    to_complete = [
        "The general description of the technical and organisational security measures "
        "outside this tool (Art. 30(1)(g)): access control, backups, staff training.",
        *(
            f"Purpose `{p.name}`: the legitimate-interests assessment (`lia`) and the DPIA "
            "decision (`dpia` or `dpia_not_required`) are missing."
            for p in sorted(registry.purposes.values(), key=lambda p: p.name)
            if p.legitimate_interest_basis and not (p.lia and (p.dpia or p.dpia_not_required))
        ),
        *(
            f"Recipient `{key}` received exports but is not declared in recipients.toml "
            "(name, role, country, contract)."
            for key in sorted({str(row[0]) for row in exports.by_recipient(db)})
            if key not in OWN_COPIES and key not in registry.recipients
        ),
    ]
    if not c.dpo:
        to_complete.append("Whether a data protection officer must be designated (Art. 37).")
    if not registry.recipients:
        to_complete.append(
            "recipients.toml: no recipient is declared; processors (CRM, emailing, call "
            "centre) must be declared with their Art. 28 contracts before any export to them."
        )
    purges = runs.purge_totals(db)
    notices = notice_ledger.counts(db, today)
    broken = audit_log.verify(db)
    return RegisterFacts(
        controller=c,
        today=today,
        db_path=db_path,
        registry_dir=Path(registry.directory),
        behind_login=sorted(
            p.domain for p in registry.policies if p.extraction == "allowed" and p.authenticated
        ),
        purposes=purpose_rows,
        uses=use_rows,
        audiences=[AUDIENCES.get(a, a) for a in audiences],
        held_columns=_held_columns(db),
        kept_fields=[
            (p.name, tuple(p.fields))
            for p in sorted(registry.purposes.values(), key=lambda p: p.name)
        ],
        sources=source_rows,
        domain_policies=len(registry.policies),
        retention_years=RETENTION_YEARS,
        purges=purges,
        expired_today=count_expired(db, today),
        recipients=recipient_rows,
        refused_exports=refused,
        exports=[list(r) for r in exports.by_recipient(db)],
        transfers=[_transfer(r) for r in transfers],
        never_transferred=[_transfer(r) for r in never],
        notices=notices,
        suppression_entries=suppression.count(db),
        db_mode=_mode(db_path),
        key_file=key,
        key_mode=_mode(key),
        audit_broken=None if broken is None else broken.message,
        to_complete=to_complete,
    )


def _transfer(r: Recipient) -> Transfer:
    return Transfer(
        r.key,
        r.name,
        r.country,
        TRANSFER_MECHANISMS.get(r.transfer_mechanism or ""),
        r.transfer_reference,
    )
