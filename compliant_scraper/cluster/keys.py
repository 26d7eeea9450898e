"""Every Redis key of a crawl, under one prefix per crawl id: ``compliance:{<crawl id>}:...``.

Two crawls on one Redis never see each other's queue, verdicts or workers, and forgetting a
crawl is deleting one prefix. The crawl id is also a Scrapy setting that scrapy-redis formats
with ``%`` (``SCHEDULER_QUEUE_KEY % {"spider": ...}``), so it is restricted to letters,
digits, ``.``, ``_`` and ``-``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from ..errors import ComplianceConfigError

PREFIX: Final = "compliance"
CRAWL_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

VerdictKind = Literal["robots", "tdmrep"]


def check_crawl_id(value: object) -> str:
    """``value`` as a crawl id, or ``ComplianceConfigError`` naming the setting."""
    text = "" if value is None else str(value)
    if not CRAWL_ID.fullmatch(text):
        raise ComplianceConfigError(
            f"COMPLIANCE_CRAWL_ID: expected 1 to 64 letters, digits, '.', '_' or '-' "
            f"(starting with a letter or digit), got {text!r}"
        )
    return text


@dataclass(frozen=True)
class CrawlKeys:
    """The key names of one crawl. Building one validates the crawl id."""

    crawl_id: str

    def __post_init__(self) -> None:
        check_crawl_id(self.crawl_id)

    @property
    def base(self) -> str:
        # The braces are a Redis Cluster hash tag: every key of a crawl lands on one shard,
        # so the scripts that read several of them stay valid there.
        return f"{PREFIX}:{{{self.crawl_id}}}"

    # -- frontier (scrapy-redis) ----------------------------------------------------------

    @property
    def requests(self) -> str:
        """The shared request queue (a sorted set: scrapy-redis's priority queue)."""
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        """The fingerprints of every request ever queued (a set)."""
        return f"{self.base}:dupefilter"

    @property
    def identity(self) -> str:
        """What the crawl is (spider, purpose): the first worker writes it, others must match."""
        return f"{self.base}:identity"

    # -- workers --------------------------------------------------------------------------

    @property
    def workers(self) -> str:
        """Hash: worker id -> JSON of what it last said about itself."""
        return f"{self.base}:workers"

    @property
    def alive(self) -> str:
        """Sorted set: worker id -> when its heartbeat expires (ms, Redis clock)."""
        return f"{self.base}:alive"

    @property
    def busy(self) -> str:
        """Sorted set: worker id -> when its "I have requests in flight" expires."""
        return f"{self.base}:busy"

    # -- shared compliance state ----------------------------------------------------------

    def verdict(self, kind: VerdictKind, origin: str) -> str:
        return f"{self.base}:verdict:{kind}:{origin}"

    def verdict_lock(self, kind: VerdictKind, origin: str) -> str:
        return f"{self.base}:lock:{kind}:{origin}"

    def politeness(self, host: str) -> str:
        """When the next request to ``host`` may leave, for any worker (ms, Redis clock)."""
        return f"{self.base}:polite:{host}"

    @property
    def registry(self) -> str:
        """The announced policy registry: JSON of sha256 and version."""
        return f"{self.base}:registry"

    @property
    def registry_version(self) -> str:
        return f"{self.base}:registry:version"

    def pattern(self) -> str:
        """A SCAN pattern matching every key of this crawl."""
        return f"{self.base}:*"
