"""Where a contact came from (R5): every source with its policy and robots.txt evidence.

The library side of ``compliant-scraper provenance``. Each source row says which page, when,
by which spider and run, under which policy file (and whether that exact file, by sha256, is
in ``policy_snapshots``) and which robots.txt (and whether it is in ``robots_snapshots``).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from ..store import sources
from ..store.backend import Db
from .lookup import Identifier, require_contacts


@dataclass(frozen=True)
class Source:
    url: str
    retrieved_at: str
    spider: str | None
    run_id: str | None
    policy_file: str | None
    policy_sha256: str | None
    policy_snapshot: bool  # the policy text, by its sha256, is kept for that run
    robots_sha256: str | None
    robots_snapshot: bool  # the robots.txt body, by its sha256, is kept
    method: str | None
    fields: list[str]
    first_retrieved_at: str | None = None  # when the page first gave the contact
    gone_at: str | None = None  # the page answered 404/410 or no longer carries the contact
    gone_reason: str | None = None


@dataclass(frozen=True)
class Trail:
    contact_id: int
    kind: str | None
    name: str | None
    purpose: str | None
    first_seen: str | None
    sources: list[Source]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def sources_of(db: Db, contact_id: int) -> list[Source]:
    return [
        Source(
            url=r[0],
            retrieved_at=r[1],
            spider=r[2],
            run_id=r[3],
            policy_file=r[4],
            policy_sha256=r[5],
            policy_snapshot=bool(r[6]),
            robots_sha256=r[7],
            robots_snapshot=bool(r[8]),
            method=r[9],
            fields=_fields(r[10]),
            first_retrieved_at=r[11],
            gone_at=r[12],
            gone_reason=r[13],
        )
        for r in sources.trail(db, contact_id)
    ]


def _fields(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def trails(db: Db, ident: Identifier) -> list[Trail]:
    """One trail per contact the identifier names; a ToolingError when none does."""
    return [
        Trail(
            contact_id=int(c["id"]),
            kind=c["kind"],
            name=c["name"]
            or " ".join(p for p in (c["given_name"], c["family_name"]) if p)
            or c["organization"],
            purpose=c["purpose"],
            first_seen=c["first_seen"],
            sources=sources_of(db, int(c["id"])),
        )
        for c in require_contacts(db, ident)
    ]


def format_trail(trail: Trail) -> str:
    """The text ``compliant-scraper provenance`` prints for one contact."""
    head = (
        f"contact {trail.contact_id} ({trail.kind or 'unknown kind'}, purpose {trail.purpose}): "
        f"{trail.name or '(no name)'}; first collected {trail.first_seen}"
    )
    lines = [head]
    if not trail.sources:
        lines.append("  no source recorded")
    for s in trail.sources:
        policy_note = "" if s.policy_snapshot else " (not in policy_snapshots)"
        robots_note = "" if s.robots_snapshot else " (not in robots_snapshots)"
        lines += [
            f"  - {s.url}",
            f"    retrieved:  {s.retrieved_at} by {s.spider}, run {s.run_id}"
            + (
                f" (first {s.first_retrieved_at})" if s.first_retrieved_at != s.retrieved_at else ""
            ),
            *([f"    gone:       {s.gone_at} ({s.gone_reason})"] if s.gone_at else []),
            f"    policy:     {s.policy_file} sha256 {s.policy_sha256}{policy_note}",
            f"    robots.txt: sha256 {s.robots_sha256}{robots_note}",
            f"    method:     {s.method}; fields: {', '.join(s.fields) or '-'}",
        ]
    return "\n".join(lines)
