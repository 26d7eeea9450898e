"""Cluster mode in the add-on: what it installs, and the configurations it refuses to start with.

Cluster mode is on when ``COMPLIANCE_CLUSTER_REDIS_URL`` is set (docs/cluster.md). The add-on
then installs ``ClusterScheduler`` (a subclass of scrapy-redis's scheduler), the JSON queue
serializer and ``ClusterPolitenessMiddleware`` (per-host politeness in Redis), and refuses
to start, before any request, with:

- a SQLite store (``COMPLIANCE_STORE_URL`` unset or not ``postgresql://``): it cannot be shared;
- ``SCHEDULER_PERSIST = False`` or ``SCHEDULER_FLUSH_ON_START = True``: the first worker to
  stop (or to start) would delete the queue and the de-duplication of every other worker;
- scrapy-redis's ``RedisPipeline``: it copies every item, personal data, into a Redis list
  that erasure never reaches (R8);
- scrapy-redis's ``RedisStatsCollector``: every run's stats would be the cluster's sum, and
  the ``runs`` row of each run records its own;
- scrapy-redis's ``RedisSpider`` / ``RedisCrawlSpider``: they read their start URLs in
  ``start_requests()``, which Scrapy 2.16 stopped calling;
- another ``SCHEDULER``, ``SCHEDULER_SERIALIZER`` (pickle runs code from the queue on every
  worker) or ``SCHEDULER_QUEUE_CLASS``;
- a Redis URL without a password that is not on this machine (``cluster.connection``).
"""

from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING, Any, Final

from scrapy.utils.misc import load_object

from ..cluster.config import ClusterConfig
from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

SCHEDULER: Final = "compliant_scraper.crawl.scheduler.ClusterScheduler"
POLITENESS: Final = "compliant_scraper.crawl.cluster_politeness.ClusterPolitenessMiddleware"
POLITENESS_PRIORITY: Final = 950  # after HttpProxy (750) and DownloaderStats (850): last
SERIALIZER: Final = "compliant_scraper.cluster.serializer"
QUEUE_CLASS: Final = "scrapy_redis.queue.PriorityQueue"
REDIS_PIPELINE: Final = "scrapy_redis.pipelines.RedisPipeline"
REDIS_STATS: Final = "scrapy_redis.stats.RedisStatsCollector"
REDIS_SPIDER_MIXIN: Final = "scrapy_redis.spiders.RedisMixin"
_SEE: Final = " (docs/cluster.md)"
_EXTRA_MODULES: Final = ("redis", "scrapy_redis", "psycopg", "psycopg_pool")


def install(settings: BaseSettings) -> ClusterConfig | None:
    """Set cluster mode's components when it is on; refuse a configuration it cannot run."""
    config = ClusterConfig.from_settings(settings)
    if config is None:
        return None
    missing = [name for name in _EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise ComplianceConfigError(
            "cluster mode needs the 'cluster' extra (pip install 'compliant-scraper[cluster]'): "
            f"{', '.join(missing)} not installed"
        )
    settings.set("SCHEDULER", SCHEDULER, priority="addon")
    settings.set("SCHEDULER_PERSIST", True, priority="addon")
    settings.set("SCHEDULER_SERIALIZER", SERIALIZER, priority="addon")
    settings.setdefault_in_component_priority_dict(
        "DOWNLOADER_MIDDLEWARES", load_object(POLITENESS), POLITENESS_PRIORITY
    )
    check(settings)
    return config


def check(settings: BaseSettings, spidercls: type[Any] | None = None) -> ClusterConfig:
    """The cluster configuration of ``settings``, or ``ComplianceConfigError`` saying what to
    change. Called by the add-on and again by the scheduler (on the final settings)."""
    config = ClusterConfig.from_settings(settings)
    if config is None:
        raise ComplianceConfigError(
            f"{SCHEDULER} runs only in cluster mode: set COMPLIANCE_CLUSTER_REDIS_URL" + _SEE
        )
    problems = [
        *_scheduler_problems(settings),
        *_pipeline_problems(settings),
        *_stats_problems(settings),
        *_spider_problems(spidercls),
    ]
    if problems:
        raise ComplianceConfigError(
            "cluster mode cannot start:\n" + "\n".join(f"  {p}" for p in problems) + "\n" + _SEE
        )
    return config


def missing_scheduler(crawler: Crawler) -> list[tuple[str, str, str]]:
    """In cluster mode, (setting, class path, role) when the engine runs another scheduler
    (an add-on that set ``SCHEDULER`` after ours did)."""
    if not crawler.settings.get("COMPLIANCE_CLUSTER_REDIS_URL"):
        return []
    engine: Any = crawler.engine
    scheduler = getattr(engine, "scheduler", None)
    missing = []
    if not _is_subclass(type(scheduler), SCHEDULER):
        missing.append(
            ("SCHEDULER", SCHEDULER, "cluster scheduler: the shared queue and idle check")
        )
    politeness = load_object(POLITENESS)
    if not any(isinstance(mw, politeness) for mw in engine.downloader.middleware.middlewares):
        missing.append(
            ("DOWNLOADER_MIDDLEWARES", POLITENESS, "per-host politeness across the cluster")
        )
    return missing


def _scheduler_problems(settings: BaseSettings) -> list[str]:
    problems = []
    scheduler = settings.get("SCHEDULER")
    if not _is_subclass(scheduler, SCHEDULER):
        problems.append(
            f"SCHEDULER is {scheduler!r}: cluster mode needs {SCHEDULER} (or a subclass), the "
            "scheduler that shares the queue and waits for the other workers"
        )
    if settings.get("SCHEDULER_PERSIST") is not None and not settings.getbool("SCHEDULER_PERSIST"):
        problems.append(
            "SCHEDULER_PERSIST is False: the first worker to stop would delete the shared "
            "queue and de-duplication of every other worker; remove the setting"
        )
    if settings.getbool("SCHEDULER_FLUSH_ON_START"):
        problems.append(
            "SCHEDULER_FLUSH_ON_START is True: every worker joining would delete the queue "
            "and de-duplication of the others; remove the setting"
        )
    serializer = settings.get("SCHEDULER_SERIALIZER")
    if serializer not in (None, SERIALIZER):
        problems.append(
            f"SCHEDULER_SERIALIZER is {serializer!r}: cluster mode queues requests as JSON "
            f"({SERIALIZER}); scrapy-redis's pickle would run whatever code anyone who can "
            "write to the queue puts there, on every worker"
        )
    queue = settings.get("SCHEDULER_QUEUE_CLASS")
    if queue not in (None, QUEUE_CLASS):
        problems.append(
            f"SCHEDULER_QUEUE_CLASS is {queue!r}: cluster mode uses {QUEUE_CLASS} (its pop "
            "also marks the worker busy, which the idle check relies on)"
        )
    return problems


def _pipeline_problems(settings: BaseSettings) -> list[str]:
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    return [
        f"ITEM_PIPELINES has {_name(path)}: it copies every item (personal data) into a Redis "
        "list that erasure never reaches (R8); remove it"
        for path, order in pipelines.items()
        if order is not None and _is_subclass(path, REDIS_PIPELINE)
    ]


def _stats_problems(settings: BaseSettings) -> list[str]:
    stats = settings.get("STATS_CLASS")
    if _is_subclass(stats, REDIS_STATS):
        return [
            f"STATS_CLASS is {_name(stats)}: it sums every worker's stats in Redis, and each "
            "run's row in `runs` must hold its own; remove the setting"
        ]
    return []


def _spider_problems(spidercls: type[Any] | None) -> list[str]:
    if spidercls is not None and _is_subclass(spidercls, REDIS_SPIDER_MIXIN):
        return [
            f"spider {spidercls.__name__} is a scrapy-redis RedisSpider: it reads its start "
            "URLs in start_requests(), which Scrapy 2.16+ no longer calls; use an ordinary "
            "spider (the scheduler shares its requests)"
        ]
    return []


def _is_subclass(value: Any, path: str) -> bool:
    """Whether ``value`` (a class or an import path) is the class at ``path`` or a subclass."""
    if value is None:
        return False
    try:
        cls = load_object(value) if isinstance(value, str) else value
        base = load_object(path)
    except (ImportError, AttributeError, NameError, ValueError):
        return False
    return isinstance(cls, type) and issubclass(cls, base)


def _name(value: Any) -> str:
    return value if isinstance(value, str) else f"{value.__module__}.{value.__qualname__}"
