"""The facts of one crawl: what every compliance component reads and none changes.

Two things move while a crawl runs, each read at the moment of a decision, never frozen at
start: the day (``day()``: a crawl running past a policy's review date refuses that policy
from then on) and, in cluster mode, the policy registry in force (``switch``, called only by
``registry_switch.RegistrySwitch`` when ``cluster publish`` announced another registry).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..clock import today_utc, utcnow
from ..config import Config
from ..policy.model import Purpose, Registry
from .internal import InternalMark


@dataclass(frozen=True)
class CrawlFacts:
    """Settings, policy registry, declared purpose, run id, the day the crawl started on
    (``today``; decisions read ``day()``), the clock its records are stamped with, and the
    mark of its own requests."""

    config: Config
    registry: Registry
    purpose: Purpose
    spider_name: str = ""
    today: date = field(default_factory=today_utc)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    now: Callable[[], str] = utcnow  # UTC ISO 8601 time of a record
    # The mark on the compliance layer's own requests (crawl/internal.py): one per crawl.
    internal: InternalMark = field(default_factory=InternalMark, compare=False, repr=False)
    day: Callable[[], date] = today_utc  # the day a decision is judged on, read per decision
    registry_sha256: str = ""  # cluster mode: the published registry in force ("" otherwise)

    def switch(self, registry: Registry, purpose: Purpose, sha256: str) -> None:
        """Put the published registry ``sha256`` in force (cluster mode's policy switch).
        Every decision after this reads the new registry; the reactor thread is the only
        writer, and each attribute is replaced whole."""
        object.__setattr__(self, "registry", registry)
        object.__setattr__(self, "purpose", purpose)
        object.__setattr__(self, "registry_sha256", sha256)
