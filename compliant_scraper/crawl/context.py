"""The per-crawl compliance state, built once per crawler and handed to each component.

Built by whichever compliance component is built first (its ``from_crawler``), so removing
one component can never leave the others without their state. Building it validates the
whole configuration (settings, policy registry, purpose, opposition lists): any problem
raises ``ComplianceConfigError`` before a single request exists.

It holds, and ``from_crawler`` hands each component only what it needs of:

- ``facts``: the frozen ``CrawlFacts`` (config, registry, purpose, run id, today, clock);
- ``recorder``: the ``Recorder`` (refusals, drops, stats, log throttle);
- ``store``: the ``ComplianceStore`` (runs, snapshots, contacts);
- ``screening``: the opposition screen and suppression list the start-up check opened;
- ``robots_in_force``: ``scheme://host:port`` -> sha256 of the robots.txt in force for that
  origin (written by the robots middleware, read by the provenance stamp).
- ``cluster``: in cluster mode, the shared state in Redis (``cluster_state.ClusterState``:
  robots.txt verdicts, politeness, the announced registry); None otherwise.
- ``registry_switch``: in cluster mode, the registry in force, loaded from the store by the
  sha256 ``cluster publish`` announced and switched while crawling
  (``registry_switch.RegistrySwitch``); None otherwise.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
from datetime import date
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from ..clock import today_utc
from ..config import Config
from ..errors import ComplianceConfigError, StoreError, StoreWriteError
from ..law import check_purpose_allowed
from ..policy.loader import load_registry
from ..policy.model import Purpose, Registry
from ..store.postgres import redacted
from ..store.sqlite_store import SqliteStore
from . import httpcache, meta
from .cluster_state import ClusterState
from .facts import CrawlFacts
from .feeds import check_feeds
from .recorder import Recorder
from .registry_switch import LoadedRegistry, RegistrySwitch
from .startup import check_settings, exit_failed, refuse_start

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider
    from scrapy.statscollectors import StatsCollector

    from ..store.base import ComplianceStore
    from ..store.screening import Screening

logger = logging.getLogger(__name__)

_ATTR = "_compliance_context"
STORE_FAILED = "compliance_store_failed"
"""The finish reason of a crawl stopped because its store could not be written."""


class ComplianceContext:
    """The facts, recorder, store and screening of one crawl."""

    def __init__(
        self,
        facts: CrawlFacts,
        store: ComplianceStore,
        stats: StatsCollector | None = None,
        screening: Screening | None = None,
    ) -> None:
        self.facts = facts
        self.store = store
        self.stats = stats
        self.recorder = Recorder(facts, store, stats)
        self.screening = screening
        self.robots_in_force: dict[str, str] = {}
        self.cluster: ClusterState | None = None  # cluster mode's shared state (Redis)
        self.registry_switch: RegistrySwitch | None = None  # cluster mode's registry in force
        self._crawler: Crawler | None = None
        self._tick: task.LoopingCall | None = None
        self._closing = False

    @classmethod
    def build(
        cls,
        config: Config,
        registry: Registry,
        purpose: Purpose,
        store: ComplianceStore,
        stats: StatsCollector | None = None,
        *,
        today: date | None = None,
        spider_name: str = "",
    ) -> ComplianceContext:
        """A context from its parts, without a crawler (tests, benchmarks)."""
        if today is None:
            facts = CrawlFacts(config, registry, purpose, spider_name, today_utc())
        else:  # a fixed day, for every decision too
            facts = CrawlFacts(config, registry, purpose, spider_name, today, day=lambda: today)
        return cls(facts, store, stats)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def of(cls, crawler: Crawler) -> ComplianceContext:
        """The context of ``crawler``, built (and validated) on first use."""
        ctx: ComplianceContext | None = getattr(crawler, _ATTR, None)
        if ctx is None:
            try:
                ctx = cls.from_crawler(crawler)
            except ComplianceConfigError as exc:
                # Said once, plainly, with no traceback after it; the exit code is 1.
                refuse_start(exc)
                raise
            setattr(crawler, _ATTR, ctx)
        return ctx

    def attach(self, crawler: Crawler) -> None:
        """Make this the context of ``crawler`` (a context built by hand, in tests)."""
        setattr(crawler, _ATTR, self)

    @classmethod
    def current(cls, crawler: Crawler) -> ComplianceContext | None:
        """The context of ``crawler`` if the compliance add-on built one; never builds it."""
        ctx: ComplianceContext | None = getattr(crawler, _ATTR, None)
        return ctx

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ComplianceContext:
        check_settings(crawler.settings)  # components, pipeline order, formatter, cache
        config = Config.from_settings(crawler.settings)
        httpcache.secure(crawler.settings)  # owner-only before HttpCacheMiddleware opens it
        today = today_utc()
        cluster = ClusterState.from_settings(crawler.settings)
        loaded: LoadedRegistry | None = None
        if cluster is None:
            registry = load_registry(config.policy_dir, today=today)
            purpose = resolve_purpose(registry, config.purpose)
            check_purpose_allowed(purpose, today)
            check_feeds(crawler.settings, registry, purpose)  # feeds are exports (issue 14)
        store = open_store(config)
        try:
            if cluster is not None:  # the registry `cluster publish` announced, by sha256
                loaded, folder = RegistrySwitch.start(
                    cluster.announcer,
                    cluster.config.crawl_id,
                    store,
                    config.purpose,
                    today,
                    resolve_purpose,
                )
                registry, purpose = loaded.registry, loaded.purpose
                try:
                    check_feeds(crawler.settings, registry, purpose)
                except ComplianceConfigError:
                    shutil.rmtree(folder, ignore_errors=True)
                    raise
            # Kept: the pipeline screens with the very objects the start-up check opened.
            screening = store.open_screening(purpose, today, config.key_file, config.default_region)
        except ComplianceConfigError:
            store.close()
            raise
        sha = loaded.announcement.sha256 if loaded is not None else ""
        facts = CrawlFacts(
            config, registry, purpose, crawler.spidercls.name, today, registry_sha256=sha
        )
        ctx = cls(facts, store, crawler.stats, screening)
        ctx.cluster = cluster
        if cluster is not None and loaded is not None:
            ctx.registry_switch = RegistrySwitch(
                cluster.announcer,
                cluster.config.crawl_id,
                store,
                facts,
                folder,
                resolve_purpose,
                ctx.recorder.inc_stat,
            )
        ctx._crawler = crawler
        store.on_failure = ctx._store_failed
        crawler.signals.connect(ctx._engine_started, signal=signals.engine_started)
        crawler.signals.connect(ctx._spider_closed, signal=signals.spider_closed)
        store.start_run(facts.run_id, facts.spider_name, purpose.name, facts.now())
        store.record_policy_snapshots(facts.run_id, registry.snapshots())
        if ctx.registry_switch is not None and loaded is not None:
            ctx.registry_switch.started(loaded)
        logger.info(
            "Compliance run %s: purpose %r (%s, %s), %d domain policies from %s, database %s",
            facts.run_id,
            purpose.name,
            purpose.channel,
            purpose.audience,
            len(registry.policies),
            f"registry {sha} (cluster publish)" if sha else config.policy_dir,
            redacted(config.store_url) if config.store_url else config.db_path,
        )
        return ctx

    # -- the store's batches and failures (issue 10 items 7, 8) --------------------------

    def _engine_started(self) -> None:
        """Commit the store's queue at least once a second, even while no row arrives."""
        self._tick = task.LoopingCall(self.store.flush_due)
        self._tick.start(min(1.0, self.facts.config.write_batch_seconds), now=False)

    def _store_failed(self, exc: StoreWriteError) -> None:
        """A batch could not be written: say so, stop the crawl, make its exit non-zero."""
        logger.critical("The crawl stops (compliance store): %s", exc)
        self.recorder.inc_stat(meta.STORE_WRITE_FAILED)
        if self._crawler is None:
            return  # a context built by hand (tests)
        exit_failed(self._crawler)  # exit 1 (startup.exit_failed)
        engine = getattr(self._crawler, "_engine", None)  # None: no engine yet
        if engine is None:
            return
        if engine.spider is not None and not self._closing:
            self._closing = True
            deferred_from_coro(engine.close_spider_async(reason=STORE_FAILED))

    def _spider_closed(self, spider: Spider, reason: str) -> None:
        self._closing = True
        if self._tick is not None and self._tick.running:
            self._tick.stop()
        try:
            self.store.flush()
        except StoreWriteError as exc:
            if self.store.failure is None:
                self.store.failure = exc
                self._store_failed(exc)
        self.recorder.inc_stat(meta.STORED_CONTACTS, self.store.stored_contacts)
        self.recorder.inc_stat(meta.SUPPRESSED_AT_STORE, self.store.suppressed_at_store)
        self.recorder.flush_stats()
        stats = self.stats.get_stats() if self.stats is not None else {}
        try:
            self.store.finish_run(self.facts.run_id, self.facts.now(), reason, stats)
        except StoreError as exc:
            logger.critical("The run's end could not be recorded: %s", exc)
            if self._crawler is not None:
                exit_failed(self._crawler)  # the audit would show a run that never finished
        finally:
            self.store.close()
            if self.registry_switch is not None:
                self.registry_switch.close()


def open_store(config: Config) -> ComplianceStore:
    """The crawl's store: the SQLite file ``COMPLIANCE_DB``, or the PostgreSQL store
    ``COMPLIANCE_STORE_URL`` names (cluster mode; needs the ``cluster`` extra)."""
    if config.store_url is None:
        return SqliteStore.open(
            config.db_path,
            config.write_batch_size,
            config.write_batch_seconds,
            config.db_busy_timeout,
            config.audit_key_file,
            write_thread=config.write_thread,
        )
    if importlib.util.find_spec("psycopg") is None:
        raise ComplianceConfigError(
            "COMPLIANCE_STORE_URL: a PostgreSQL store needs the 'cluster' extra "
            "(pip install 'compliant-scraper[cluster]'): psycopg is not installed"
        )
    from ..store.postgres_store import PostgresStore

    return PostgresStore.connect(
        config.store_url, config.write_batch_size, config.write_batch_seconds
    )


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
