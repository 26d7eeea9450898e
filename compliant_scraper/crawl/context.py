"""The per-crawl compliance state every component shares.

Built once per crawler, by whichever compliance component is built first, so removing one
component can never leave the others without their state. Building it validates the whole
configuration (settings, policy registry, purpose, opposition lists): any problem raises
``ComplianceConfigError`` before a single request exists.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from scrapy import signals

from ..clock import today_utc, utcnow
from ..config import Config
from ..errors import ComplianceConfigError
from ..law import check_purpose_allowed
from ..policy.loader import load_registry
from ..policy.model import Purpose, Registry
from ..records import Drop, Refusal
from ..store.sqlite_store import SqliteStore
from .refusals import ComplianceRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider
    from scrapy.statscollectors import StatsCollector

    from ..store.base import ComplianceStore
    from ..store.screening import Screening

logger = logging.getLogger(__name__)

_ATTR = "_compliance_context"


class ComplianceContext:
    """Config, registry, purpose, store and run id for one crawl; records refusals and drops."""

    def __init__(
        self,
        config: Config,
        registry: Registry,
        purpose: Purpose,
        store: ComplianceStore,
        stats: StatsCollector | None = None,
        today: date | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.purpose = purpose
        self.store = store
        self.stats = stats
        self.today = today or today_utc()
        self.run_id = uuid.uuid4().hex
        self.spider_name = ""
        self._refused_domains: set[str] = set()
        self._drop_counts: Counter[str] = Counter()
        self._drop_counted = 0
        # scheme://host:port -> sha256 of the robots.txt in force (set by the robots middleware)
        self.robots_sha256: dict[str, str] = {}
        # The opposition screen and suppression list, opened by the start-up check.
        self.screening: Screening | None = None

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def of(cls, crawler: Crawler) -> ComplianceContext:
        """The context of ``crawler``, built (and validated) on first use."""
        ctx: ComplianceContext | None = getattr(crawler, _ATTR, None)
        if ctx is None:
            try:
                ctx = cls.from_crawler(crawler)
            except ComplianceConfigError as exc:
                # Said once, plainly, before Scrapy prints the traceback (exit code 1).
                logger.critical("The crawl does not start (compliance check): %s", exc)
                raise
            setattr(crawler, _ATTR, ctx)
        return ctx

    @classmethod
    def current(cls, crawler: Crawler) -> ComplianceContext | None:
        """The context of ``crawler`` if the compliance add-on built one; never builds it."""
        ctx: ComplianceContext | None = getattr(crawler, _ATTR, None)
        return ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ComplianceContext:
        config = Config.from_settings(crawler.settings)
        today = today_utc()
        registry = load_registry(config.policy_dir, today=today)
        purpose = resolve_purpose(registry, config.purpose)
        check_purpose_allowed(purpose, today)
        store = SqliteStore.open(config.db_path, config.write_batch_size)
        ctx = cls(config, registry, purpose, store, crawler.stats, today)
        try:
            # Kept: the pipeline screens with the very objects the start-up check opened.
            ctx.screening = store.open_screening(
                purpose, today, config.key_file, config.default_region
            )
        except ComplianceConfigError:
            store.close()
            raise
        crawler.signals.connect(ctx._spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ctx._spider_closed, signal=signals.spider_closed)
        ctx.spider_name = crawler.spidercls.name
        ctx.store.start_run(ctx.run_id, ctx.spider_name, purpose.name, utcnow())
        ctx.store.record_policy_snapshots(ctx.run_id, registry.snapshots())
        logger.info(
            "Compliance run %s: purpose %r (%s, %s), %d domain policies from %s, database %s",
            ctx.run_id,
            purpose.name,
            purpose.channel,
            purpose.audience,
            len(registry.policies),
            config.policy_dir,
            config.db_path,
        )
        return ctx

    def _spider_opened(self, spider: Spider) -> None:
        self.spider_name = spider.name

    def _spider_closed(self, spider: Spider, reason: str) -> None:
        self.flush_stats()
        stats = self.stats.get_stats() if self.stats is not None else {}
        self.store.finish_run(self.run_id, utcnow(), reason, stats)
        self.store.close()

    # -- recording ------------------------------------------------------------------------

    def inc_stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    def refuse(self, refusal: ComplianceRefusal) -> ComplianceRefusal:
        """Record a refusal (table, stats, log) and return it, for the caller to raise."""
        self.store.record_refusal(
            Refusal(
                run_id=self.run_id,
                url=refusal.url,
                domain=refusal.domain,
                stage=refusal.stage,
                rule=refusal.rule,
                reason=refusal.reason,
                at=utcnow(),
            )
        )
        self.inc_stat(f"compliance/refused/{refusal.stage}")
        key = f"{refusal.stage}:{refusal.domain}"
        if key not in self._refused_domains:
            self._refused_domains.add(key)
            logger.info(
                "Refused %s (%s, %s): %s (further %s refusals for %s logged at DEBUG)",
                refusal.url,
                refusal.stage,
                refusal.rule,
                refusal.reason,
                refusal.stage,
                refusal.domain,
            )
        else:
            logger.debug(
                "Refused %s (%s, %s): %s", refusal.url, refusal.stage, refusal.rule, refusal.reason
            )
        return refusal

    def drop(self, url: str, field: str, reason: str, rule: str) -> None:
        """Record a value (``field``) or a whole item (``field="*"``) that was not kept."""
        self.store.record_drop(
            Drop(run_id=self.run_id, url=url, field=field, reason=reason, rule=rule, at=utcnow())
        )
        # Counted locally and added to the stats in bulk: this runs for every dropped value.
        self._drop_counts[reason] += 1
        self._drop_counted += 1
        if self._drop_counted >= 1000:
            self.flush_stats()

    def flush_stats(self) -> None:
        """Add the locally counted drops to the crawl's stats (``compliance/dropped/<reason>``)."""
        for reason, count in self._drop_counts.items():
            self.inc_stat(f"compliance/dropped/{reason}", count)
        self._drop_counts.clear()
        self._drop_counted = 0


def resolve_purpose(registry: Registry, name: str | None) -> Purpose:
    """The purpose the crawl declared, or a clear error listing the ones that exist."""
    known = ", ".join(sorted(registry.purposes)) or "(none defined)"
    where = registry.directory / "purposes.toml"
    if not name:
        raise ComplianceConfigError(
            "COMPLIANCE_PURPOSE is not set: declare the purpose of this crawl "
            f"(e.g. -s COMPLIANCE_PURPOSE=NAME). Purposes in {where}: {known}"
        )
    try:
        return registry.purposes[name]
    except KeyError:
        raise ComplianceConfigError(
            f"COMPLIANCE_PURPOSE={name!r} is not defined in {where}. Purposes: {known}"
        ) from None
