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
    """A value or item not kept. Never holds the value itself, only what and why."""

    run_id: str
    url: str
    field: str
    reason: str
    rule: str
    at: str


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
