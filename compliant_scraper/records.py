"""Plain records the compliance layer writes: one frozen dataclass per kind of audit row.

Bottom layer (no import from the package): the crawl builds them, ``store/`` writes them,
``policy/`` builds ``PolicySnapshot``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    run_id: str
    url: str
    domain: str
    stage: str
    rule: str
    reason: str
    at: str


@dataclass(frozen=True)
class Drop:
    """The values of one item not kept for one reason (``fields``; ``("*",)`` for the whole
    item). Never holds a value, only what and why, and the keyed hashes of the item's email
    and E.164 number (the suppression list's, ``opposition.suppression``), by which an
    erasure finds the person's drops (issue 13)."""

    run_id: str
    url: str
    fields: tuple[str, ...]
    reason: str
    rule: str
    at: str
    email_hash: str | None = None
    phone_hash: str | None = None


@dataclass(frozen=True)
class RobotsSnapshot:
    run_id: str
    url: str
    host: str
    fetched_at: str
    status: int | None
    error: str | None
    sha256: str
    body: str


@dataclass(frozen=True)
class PolicySnapshot:
    file: str
    domain: str
    sha256: str
    content: str
