"""``ClusterScheduler``: scrapy-redis's scheduler, kept safe for a cluster of workers.

Subclassing scrapy-redis's own ``Scheduler`` keeps its queue (a sorted set, popped by score)
and its Redis de-duplication (one fingerprint set), and changes what a cluster cannot afford:

- persistence is forced: closing never deletes the queue or the fingerprints (scrapy-redis's
  default deletes them for every worker the first time any worker stops), and starting never
  flushes them;
- keys are the crawl's (``compliance:{<crawl id>}:requests``, ``...:dupefilter``), not the
  spider's name, so two crawls of one spider never share a queue; the first worker records the
  crawl's spider, and a worker of another spider is refused;
- queued requests are JSON (``cluster.serializer``), never pickle; an entry that does not
  decode is skipped and counted (``compliance/cluster/queue/rejected``), never run;
- the pop is one Redis script that also marks this worker busy, and a heartbeat keeps the
  mark while requests are in flight;
- the crawl ends when the *cluster* is idle: on Scrapy's ``spider_idle`` this worker clears its
  busy mark and asks Redis whether the queue is empty and no worker is busy (a killed worker's
  mark expires after ``COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS``). Until the answer has been
  "idle" for one heartbeat, it raises ``DontCloseSpider`` and wakes the engine again after a
  heartbeat, to pick up requests other workers queue meanwhile.

Waking the engine uses its ``CallLaterOnce`` (``engine._slot.nextcall``), private to Scrapy; if a
Scrapy release renames it, the engine's own 5 s heartbeat still wakes it, only later.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.asyncio import CallLaterResult, call_later, create_looping_call
from scrapy.utils.request import request_from_dict
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from ..clock import utcnow
from ..cluster import serializer
from ..cluster.connection import connect, redacted
from ..cluster.keys import CrawlKeys
from ..cluster.workers import WorkerInfo, Workers
from ..errors import ComplianceConfigError
from . import cluster_mode
from .context import ComplianceContext
from .startup import MISCONFIGURED, REFUSED, exit_failed, refuse_start

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from ..cluster.config import ClusterConfig

logger = logging.getLogger(__name__)

MAX_REJECTED_PER_POP = 100
"""Undecodable entries skipped in one ``next_request`` call before giving the reactor back."""


class ClusterScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis has no type hints
    def __init__(self, crawler: Crawler, config: ClusterConfig, client: redis.Redis) -> None:
        keys = CrawlKeys(config.crawl_id)
        settings = crawler.settings
        super().__init__(
            server=client,
            persist=True,
            flush_on_start=False,
            queue_key=keys.requests,
            queue_cls=cluster_mode.QUEUE_CLASS,
            dupefilter=RFPDupeFilter(
                client, keys.dupefilter, debug=settings.getbool("DUPEFILTER_DEBUG")
            ),
            dupefilter_key=keys.dupefilter,
            idle_before_close=0,
            serializer=serializer,
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.config = config
        self.keys = keys
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.workers = Workers(client, keys, self.worker_id, timeout=config.worker_timeout_seconds)
        self.run_id = ""  # set by the compliance context when there is one
        self.started_at = utcnow()
        self._idle_since: float | None = None
        self._heartbeat: Any = None
        self._wake: CallLaterResult | None = None
        self._refused = ""  # why this worker may not join the crawl
        crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClusterScheduler:
        config = cluster_mode.check(crawler.settings, crawler.spidercls)
        client = connect(config.redis_url)
        try:
            client.ping()
        except Exception as exc:
            refused = ComplianceConfigError(
                f"COMPLIANCE_CLUSTER_REDIS_URL: {redacted(config.redis_url)} does not answer: {exc}"
            )
            refuse_start(refused)  # one CRITICAL line, no traceback after it; exit 1
            raise refused from None
        return cls(crawler, config, client)

    # -- life cycle -----------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        problem = self._identity_problem(spider)
        super().open(spider)
        if problem:
            # Raised here, it would leave the engine half open (tracebacks after the reason):
            # the spider is closed as soon as it is open, before any request, and exits 1.
            logger.critical(REFUSED, problem)
            exit_failed(self.crawler)
            self._refused = problem
            self.crawler.signals.connect(self._close_refused, signal=signals.spider_opened)
            return
        self._beat()
        self._heartbeat = create_looping_call(self._beat)
        self._heartbeat.start(self.config.heartbeat_seconds, now=False)
        logger.info(
            "Cluster worker %s joined crawl %r (%d requests queued)",
            self.worker_id,
            self.config.crawl_id,
            len(self.queue),
        )

    def _close_refused(self) -> None:
        raise CloseSpider(MISCONFIGURED)

    def close(self, reason: str) -> None:
        """Leave the cluster. The queue and the fingerprints stay (persistence is forced)."""
        if self._refused:
            return  # never joined it
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        if self._wake is not None:
            self._wake.cancel()
        self.workers.leave(self._info(f"closed: {reason}", ComplianceContext.current(self.crawler)))

    def _identity_problem(self, spider: Spider) -> str:
        """The first worker records which spider the crawl is; the others must match it."""
        mine = json.dumps({"spider": spider.name}, sort_keys=True)
        self.server.set(self.keys.identity, mine, nx=True)
        recorded = self.server.get(self.keys.identity)
        if recorded is not None and recorded.decode() != mine:
            return (
                f"COMPLIANCE_CRAWL_ID={self.config.crawl_id!r} is a crawl of {recorded.decode()}, "
                f"not of spider {spider.name!r}: give this crawl its own crawl id"
            )
        return ""

    # -- the queue ------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        try:
            queued: bool = super().enqueue_request(request)
        except TypeError as exc:  # meta or cb_kwargs JSON cannot carry
            self._inc("compliance/cluster/queue/unserializable")
            logger.error("Request %s not queued: %s", request, exc)
            return False
        return queued

    def next_request(self) -> Request | None:
        for _ in range(MAX_REJECTED_PER_POP):
            raw = self.workers.pop_request()
            if raw is None:
                return None
            try:
                request: Request = request_from_dict(serializer.loads(raw), spider=self.spider)
            except (ValueError, TypeError, KeyError) as exc:
                self._inc("compliance/cluster/queue/rejected")
                logger.warning("Queued entry skipped, it is not a request we queue: %s", exc)
                continue
            self._inc("scheduler/dequeued/redis")
            return request
        return None

    # -- heartbeat and the idle decision ----------------------------------------------------

    def _beat(self) -> None:
        engine = self.crawler.engine
        busy = engine is not None and engine.running and not engine.spider_is_idle()
        # An idle worker switches registries too: `cluster publish` waits for every worker.
        ctx = ComplianceContext.current(self.crawler)
        switch = ctx.registry_switch if ctx is not None else None
        switching = switch is not None and switch.check() is not None
        state = "switching" if switching else "crawling" if busy else "idle"
        try:
            self.workers.beat(self._info(state, ctx), busy=busy)
        except Exception as exc:  # a beat missed is retried on the next one
            logger.warning("Cluster heartbeat failed: %s", exc)

    def _info(self, state: str, ctx: ComplianceContext | None = None) -> WorkerInfo:
        return WorkerInfo(
            worker_id=self.worker_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            run_id=ctx.facts.run_id if ctx is not None else self.run_id,
            started_at=self.started_at,
            state=state,
            registry_sha256=ctx.facts.registry_sha256 if ctx is not None else "",
        )

    def _spider_idle(self, spider: Spider) -> None:
        self.workers.mark_idle()
        state = self.workers.state()
        now = time.monotonic()
        if not state.idle:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = now
        elif now - self._idle_since >= self.config.heartbeat_seconds:
            logger.info(
                "Cluster idle (queue empty, no worker busy): worker %s leaves", self.worker_id
            )
            return  # the engine closes the spider
        self._inc("compliance/cluster/idle_waits")
        self._wake_later()
        raise DontCloseSpider

    def _wake_later(self) -> None:
        if self._wake is None:
            self._wake = call_later(self.config.heartbeat_seconds, self._wake_now)

    def _wake_now(self) -> None:
        self._wake = None
        engine = self.crawler.engine
        nextcall = getattr(getattr(engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
