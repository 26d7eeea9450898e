"""``ClusterPolitenessMiddleware``: per-host politeness for the whole cluster (docs/cluster.md).

Installed by the add-on in cluster mode only, last in the downloader chain (just before the
download), so the reservation is taken as late as possible. See ``cluster/politeness.py``
for the Redis script.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from ..errors import ComplianceConfigError
from ..policy.hosts import host_of_url
from . import meta
from .cluster_state import ClusterState, sleep
from .context import ComplianceContext

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

MAX_RESERVATIONS = 10
LATE_FRACTION = 0.1


class ClusterPolitenessMiddleware:
    """Downloader middleware, last before the download: reserve the request's send time.

    The interval for a host is the larger of ``DOWNLOAD_DELAY`` and the host's
    ``Crawl-delay`` from the shared robots.txt verdict (as the robots middleware read it).
    The worker's own downloader slot then adds no delay of its own: a request leaves when
    its reservation says, so the gaps the cluster keeps are not shortened by a local wait.
    """

    def __init__(self, state: ClusterState, base_delay: float, crawler: Crawler) -> None:
        self.state = state
        self.base_delay = base_delay
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterPolitenessMiddleware:
        ctx = ComplianceContext.of(crawler)
        if ctx.cluster is None:
            raise ComplianceConfigError(
                "ClusterPolitenessMiddleware runs only in cluster mode: "
                "set COMPLIANCE_CLUSTER_REDIS_URL"
            )
        return cls(ctx.cluster, crawler.settings.getfloat("DOWNLOAD_DELAY"), crawler)

    async def process_request(self, request: Request) -> None:
        try:
            host = host_of_url(request.url)
        except ValueError:
            return  # the gate and the robots middleware refused it already
        interval = max(self.base_delay, self.state.crawl_delays.get(host, 0.0))
        if interval <= 0:
            return
        self._no_local_delay(request)
        for _ in range(MAX_RESERVATIONS):
            wait = self.state.politeness.reserve(host, interval)
            self._inc(meta.CLUSTER_POLITENESS_RESERVED)
            if wait <= 0:
                return
            self._inc(meta.CLUSTER_POLITENESS_WAITS)
            due = time.monotonic() + wait
            await sleep(wait)
            # A reactor busy elsewhere (a page being parsed) wakes sleepers late, together:
            # sent now, they would crowd each other. Late beyond a tenth of the interval,
            # the request gives its time up and reserves a new one.
            if time.monotonic() - due <= interval * LATE_FRACTION:
                return
            self._inc(meta.CLUSTER_POLITENESS_LATE)
        logger.warning("Politeness: %s sent after %d late wake-ups", request.url, MAX_RESERVATIONS)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)

    def _no_local_delay(self, request: Request) -> None:
        downloader: Any = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {})["delay"] = 0.0
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = 0.0
