"""``ComplianceAddon``: one ``ADDONS`` line turns the compliance layer on in any Scrapy project.

ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.misc import load_object

from ..errors import ComplianceConfigError
from . import cluster_mode, feeds, last_check
from .components import COMPONENTS, SCRAPY_ROBOTS_MIDDLEWARE
from .context import ComplianceContext
from .feed_ledger import FeedRecorder
from .logformatter import ComplianceLogFormatter

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.spiders import Spider

logger = logging.getLogger(__name__)

MISCONFIGURED = "compliance_misconfigured"
LOG_FORMATTER = "compliant_scraper.crawl.logformatter.ComplianceLogFormatter"


class ComplianceAddon:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        self.feeds = FeedRecorder(crawler)  # each closed feed is recorded as an export

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ComplianceAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        for component in COMPONENTS:
            settings.setdefault_in_component_priority_dict(
                component.setting, load_object(component.path), component.priority
            )
        # Dropped items are logged without their (unscreened) values.
        settings.set("LOG_FORMATTER", LOG_FORMATTER, priority="addon")
        # Scrapy's robots middleware fails open (unreadable robots.txt = allow everything);
        # StrictRobotsMiddleware replaces it, and robots.txt is fetched once, not twice.
        settings.set_in_component_priority_dict(
            "DOWNLOADER_MIDDLEWARES", load_object(SCRAPY_ROBOTS_MIDDLEWARE), None
        )
        # Feeds are exports: flat provenance, CSV cells neutralised, owner-only files.
        feeds.install(settings)
        # Cluster mode (COMPLIANCE_CLUSTER_REDIS_URL): the shared scheduler, or a refusal.
        try:
            cluster_mode.install(settings)
        except ComplianceConfigError as exc:
            logger.critical("The crawl does not start (compliance check): %s", exc)
            raise

    def spider_opened(self, spider: Spider) -> None:
        """Before any request: every compliance component must be in its chain."""
        missing = missing_components(self.crawler)
        formatter = load_object(self.crawler.settings["LOG_FORMATTER"])
        if not (isinstance(formatter, type) and issubclass(formatter, ComplianceLogFormatter)):
            missing.append(
                (
                    "LOG_FORMATTER",
                    LOG_FORMATTER,
                    "log formatter that never logs a dropped item's values",
                )
            )
        missing.extend(cluster_mode.missing_scheduler(self.crawler))
        late = last_check.misplaced(self.crawler)
        for path in late:
            logger.error(
                "%s runs after the last compliance check (issue 10 item 3): give it a "
                "DOWNLOADER_MIDDLEWARES priority below %d; the crawl stops before any request.",
                path,
                last_check.PRIORITY,
            )
        if missing or late:
            for setting, path, role in missing:
                logger.error(
                    "Compliance component missing: %s (%s) is not enabled. Remove the entry "
                    "that disables or replaces it from %s (a replacement must subclass it); "
                    "the crawl stops before any request.",
                    path,
                    role,
                    setting,
                )
            raise CloseSpider(MISCONFIGURED)
        # The context exists once any component is built; make sure of it regardless.
        ComplianceContext.of(self.crawler)


def missing_components(crawler: Crawler) -> list[tuple[str, str, str]]:
    """(setting, class path, role) of every compliance component the engine did not load."""
    engine: Any = crawler.engine
    chains: dict[str, list[Any]] = {
        "DOWNLOADER_MIDDLEWARES": list(engine.downloader.middleware.middlewares),
        "SPIDER_MIDDLEWARES": list(engine.scraper.spidermw.middlewares),
        "ITEM_PIPELINES": list(engine.scraper.itemproc.middlewares),
    }
    missing = []
    for component in COMPONENTS:
        cls = load_object(component.path)
        if not any(isinstance(mw, cls) for mw in chains[component.setting]):
            missing.append((component.setting, component.path, component.role))
    return missing
