"""Plain records the compliance layer writes: one dataclass per kind of audit row."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

_last_second = -1
_last_text = ""


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string with seconds, e.g. ``2026-11-23T10:00:00Z``.

    Formatted once per second: audit rows are written per dropped value, on the hot path.
    """
    global _last_second, _last_text
    now = time.time()
    second = int(now)
    if second != _last_second:
        _last_text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        _last_second = second
    return _last_text


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


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
