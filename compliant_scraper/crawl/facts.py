"""The frozen facts of one crawl: what every compliance component reads and none changes."""

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
    """Settings, policy registry, declared purpose, run id, the day the crawl is judged on,
    the clock its records are stamped with, and the mark of its own requests."""

    config: Config
    registry: Registry
    purpose: Purpose
    spider_name: str = ""
    today: date = field(default_factory=today_utc)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    now: Callable[[], str] = utcnow  # UTC ISO 8601 time of a record
    # The mark on the compliance layer's own requests (crawl/internal.py): one per crawl.
    internal: InternalMark = field(default_factory=InternalMark, compare=False, repr=False)
