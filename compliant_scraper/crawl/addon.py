"""``ComplianceAddon``: one ``ADDONS`` line turns the compliance layer on in any Scrapy project.

ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import CloseSpider
from scrapy.utils.misc import load_object

from ..config import apply_environment
from ..errors import ComplianceConfigError
from . import cluster_mode, feeds, httpcache, last_check, logfile
from .components import COMPONENTS, SCRAPY_ROBOTS_MIDDLEWARE
from .context import ComplianceContext
from .feed_ledger import FeedRecorder
from .log_summary import ComplianceLogStats
from .logformatter import ComplianceLogFormatter
from .startup import LOG_FORMATTER, MISCONFIGURED, exit_failed, missing_in_engine, refuse_start

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.spiders import Spider

logger = logging.getLogger(__name__)


class ComplianceAddon:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        self.feeds = FeedRecorder(crawler)  # each closed feed is recorded as an export
        self.log_summary = ComplianceLogStats(crawler)  # every LOGSTATS_INTERVAL

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ComplianceAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        # COMPLIANCE_DB / COMPLIANCE_POLICY_DIR from the environment, as the CLI reads them.
        apply_environment(settings, os.environ)
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
        # Scrapy's HTTP cache, when the project opted in: 24 hours at most.
        httpcache.install(settings)
        # LOG_FILE owner-only, like the database (the log names pages that identify people),
        # and a relative one read against the project root, like COMPLIANCE_DB.
        try:
            logfile.follow_project_root(settings)
            logfile.secure(settings)
        except ComplianceConfigError as exc:
            refuse_start(exc)
            raise
        # Feeds are exports: flat provenance, CSV cells neutralised, owner-only files.
        feeds.install(settings)
        # Cluster mode (COMPLIANCE_CLUSTER_REDIS_URL): the shared scheduler, or a refusal.
        try:
            cluster_mode.install(settings)
        except ComplianceConfigError as exc:
            refuse_start(exc)
            raise

    def spider_opened(self, spider: Spider) -> None:
        """Before any request: every compliance component must be in its chain, and the
        compliance pipeline first of the item pipelines (``startup.missing_in_engine``)."""
        problems = missing_in_engine(self.crawler)
        formatter = load_object(self.crawler.settings["LOG_FORMATTER"])
        if not (isinstance(formatter, type) and issubclass(formatter, ComplianceLogFormatter)):
            problems.append(
                f"LOG_FORMATTER: {LOG_FORMATTER} (log formatter that never logs a dropped "
                "item's values) is not enabled"
            )
        problems.extend(
            f"{path} ({role}) is not enabled: set {setting}"
            for setting, path, role in cluster_mode.missing_scheduler(self.crawler)
        )
        problems.extend(
            f"{path} runs after the last compliance check (issue 10 item 3): give it a "
            f"DOWNLOADER_MIDDLEWARES priority below {last_check.PRIORITY}"
            for path in last_check.misplaced(self.crawler)
        )
        if problems:
            logger.critical(
                "The crawl does not start (compliance check, %s): %s; the crawl stops "
                "before any request.",
                MISCONFIGURED,
                "; ".join(problems),
            )
            exit_failed(self.crawler)  # Scrapy's exit code would be 0 for a closed spider
            raise CloseSpider(MISCONFIGURED)
        # The context exists once any component is built; make sure of it regardless.
        ComplianceContext.of(self.crawler)
