"""A one-line compliance summary every ``LOGSTATS_INTERVAL`` (issue 14 item 5).

Scrapy's ``LogStats`` logs pages and items once a minute; beside it, the add-on logs what the
compliance layer did so far, from the crawl's stats:

    Compliance so far: refused 12 requests (policy 9, robots 3), kept 40 contacts,
    dropped 7 items; 31 drops by reason (not_needed_for_purpose 25, sensitive_health 2, ...)

``refused`` sums ``compliance/refused/<stage>``, ``kept`` is ``compliance/kept/contacts``,
``items`` Scrapy's ``item_dropped_count`` and the drops ``compliance/dropped/<reason>`` (a
value or a whole item not kept). The recorder's locally counted drops are added first.
``LOGSTATS_INTERVAL = 0`` turns it off, as it does Scrapy's own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call

from . import meta
from .context import ComplianceContext

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_REFUSED = meta.REFUSED.format("")
_DROPPED = meta.DROPPED.format("")


def summary(stats: Mapping[str, Any]) -> str:
    """The one line, from a crawl's stats."""
    refused = {k[len(_REFUSED) :]: int(v) for k, v in stats.items() if k.startswith(_REFUSED)}
    dropped = {k[len(_DROPPED) :]: int(v) for k, v in stats.items() if k.startswith(_DROPPED)}
    kept = int(stats.get(meta.KEPT_CONTACTS, 0))
    items = int(stats.get("item_dropped_count", 0))

    def detail(counts: dict[str, int]) -> str:
        if not counts:
            return ""
        parts = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return " (" + ", ".join(f"{k} {v}" for k, v in parts) + ")"

    return (
        f"Compliance so far: refused {sum(refused.values())} requests{detail(refused)}, "
        f"kept {kept} contacts, dropped {items} items; {sum(dropped.values())} drops by reason"
        f"{detail(dropped)}"
    )


class ComplianceLogStats:
    """Logs ``summary`` every ``LOGSTATS_INTERVAL`` seconds while the crawl runs."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("LOGSTATS_INTERVAL")
        self.task: Any = None
        if self.interval > 0:
            crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self) -> None:
        self.task = create_looping_call(self.log)
        self.task.start(self.interval, now=False)

    def log(self) -> None:
        ctx = ComplianceContext.current(self.crawler)
        if ctx is not None:
            ctx.recorder.flush_stats()
        stats = self.crawler.stats.get_stats() if self.crawler.stats is not None else {}
        logger.info("%s", summary(stats))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
