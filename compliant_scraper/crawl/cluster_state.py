"""Cluster mode's shared compliance state, as the crawl's components use it (docs/cluster.md).

Built once per crawl by the compliance context when ``COMPLIANCE_CLUSTER_REDIS_URL`` is set:
one Redis client, the crawl's keys, the shared robots.txt verdicts and the per-host
politeness reservations. The robots middleware resolves each origin's robots.txt through
``verdicts`` (one fetch per origin per TTL for the whole cluster) and records a snapshot row
for its own run when it uses a verdict another worker fetched; ``ClusterPolitenessMiddleware``
(``crawl/cluster_politeness.py``) reserves each request's send time in Redis, so the gaps
between requests to one host hold for the cluster, not per worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from ..cluster.config import ClusterConfig
from ..cluster.connection import connect, redacted
from ..cluster.keys import CrawlKeys
from ..cluster.politeness import Politeness
from ..cluster.registry import RegistryAnnouncer
from ..cluster.verdicts import SharedVerdicts
from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)


async def sleep(seconds: float) -> None:
    """Wait without blocking the reactor (works under Twisted's and asyncio's reactors)."""
    from twisted.internet import reactor  # the one Scrapy installed: never import it early

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


@dataclass
class ClusterState:
    config: ClusterConfig
    client: redis.Redis
    keys: CrawlKeys
    verdicts: SharedVerdicts
    politeness: Politeness
    announcer: RegistryAnnouncer
    crawl_delays: dict[str, float] = field(default_factory=dict)  # host -> Crawl-delay (s)

    @classmethod
    def from_settings(cls, settings: Any) -> ClusterState | None:
        """The crawl's shared state; None outside cluster mode."""
        config = ClusterConfig.from_settings(settings)
        if config is None:
            return None
        client = connect(config.redis_url)
        try:
            client.ping()
        except Exception as exc:
            raise ComplianceConfigError(
                f"COMPLIANCE_CLUSTER_REDIS_URL: {redacted(config.redis_url)} does not answer: {exc}"
            ) from None
        keys = CrawlKeys(config.crawl_id)
        timeout = float(settings.getfloat("DOWNLOAD_TIMEOUT", 180.0))
        redirects = int(settings.getint("COMPLIANCE_ROBOTS_MAX_REDIRECTS", 5))
        # The lock outlives one fetch with all its redirects; a dead holder's expires.
        lock_seconds = timeout * (redirects + 1) + 5
        return cls(
            config,
            client,
            keys,
            SharedVerdicts(client, keys, lock_seconds=lock_seconds),
            Politeness(client, keys),
            RegistryAnnouncer(client, keys),
        )
