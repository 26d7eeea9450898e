"""Worker heartbeats and the one question a leaving worker must ask: is the cluster idle?

A worker whose own queue ran dry must not leave while another still has requests in flight:
that one may yet queue new requests, and a cluster that has shrunk to one worker is slow. So
the crawl ends when the shared queue is empty *and* no worker says it is busy.

- ``alive`` and ``busy`` are sorted sets scored by the time each entry expires (Redis clock).
  A worker killed with ``kill -9`` stops refreshing; its entries expire after ``timeout``
  seconds and the others stop waiting for it. What it had in flight is lost (docs/cluster.md).
- "Busy" is set by the same script that pops a request from the queue (``pop_request``), in
  one step: there is no moment when a request has left the queue while its worker is not yet
  marked busy, so an idle check can never miss it. A worker clears its mark only when Scrapy
  finds it idle (nothing queued, downloading or being parsed), and refreshes it on every beat
  while it is not.
- ``cluster_idle`` reads the queue length and the unexpired busy marks in one script.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Final

from .keys import CrawlKeys

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

_NOW_MS: Final = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)"

# KEYS: queue (zset), busy (zset). ARGV: worker id, busy ttl (ms).
# Pops the best-scored request and marks the worker busy, atomically. Returns the request
# or nil.
_POP: Final = f"""
{_NOW_MS}
local got = redis.call('ZRANGE', KEYS[1], 0, 0)
if got[1] then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
  return got[1]
end
return false
"""

# KEYS: a sorted set of worker ids. ARGV: worker id, ttl (ms).
_MARK: Final = f"""
{_NOW_MS}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return now
"""

# KEYS: queue, busy, alive. Drops expired marks; returns {queue length, busy, alive}.
_IDLE: Final = f"""
{_NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
local kind = redis.call('TYPE', KEYS[1]).ok
local queued = 0
if kind == 'zset' then queued = redis.call('ZCARD', KEYS[1])
elseif kind == 'list' then queued = redis.call('LLEN', KEYS[1]) end
return {{queued, redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[3])}}
"""


@dataclass(frozen=True)
class ClusterState:
    queued: int  # requests in the shared queue
    busy: int  # workers with requests in flight (unexpired marks)
    alive: int  # workers whose heartbeat has not expired

    @property
    def idle(self) -> bool:
        return self.queued == 0 and self.busy == 0


@dataclass(frozen=True)
class WorkerInfo:
    """What a worker says about itself on each beat (``compliant-scraper cluster status``)."""

    worker_id: str
    host: str
    pid: int
    run_id: str
    started_at: str
    state: str  # "crawling", "idle", "switching", "closed: <reason>"
    registry_sha256: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: bytes | str) -> WorkerInfo:
        data: dict[str, Any] = json.loads(raw)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


class Workers:
    """One worker's view of the crawl's workers: its own heartbeat, and the idle check."""

    def __init__(
        self, client: redis.Redis, keys: CrawlKeys, worker_id: str, *, timeout: float
    ) -> None:
        self.client = client
        self.keys = keys
        self.worker_id = worker_id
        self.timeout_ms = max(1, int(timeout * 1000))
        self._pop = client.register_script(_POP)
        self._mark = client.register_script(_MARK)
        self._idle = client.register_script(_IDLE)

    def pop_request(self) -> bytes | None:
        """The next queued request (scrapy-redis's encoding), marking this worker busy."""
        got = self._pop(
            keys=[self.keys.requests, self.keys.busy], args=[self.worker_id, self.timeout_ms]
        )
        return bytes(got) if got else None

    def beat(self, info: WorkerInfo, *, busy: bool) -> None:
        """Say this worker is alive (and busy, or not), with what it says about itself."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hset(self.keys.workers, self.worker_id, info.to_json())
        self._mark(keys=[self.keys.alive], args=[self.worker_id, self.timeout_ms], client=pipe)
        if busy:
            self._mark(keys=[self.keys.busy], args=[self.worker_id, self.timeout_ms], client=pipe)
        pipe.execute()

    def mark_busy(self) -> None:
        self._mark(keys=[self.keys.busy], args=[self.worker_id, self.timeout_ms])

    def mark_idle(self) -> None:
        self.client.zrem(self.keys.busy, self.worker_id)

    def state(self) -> ClusterState:
        queued, busy, alive = self._idle(
            keys=[self.keys.requests, self.keys.busy, self.keys.alive], args=[]
        )
        return ClusterState(int(queued), int(busy), int(alive))

    def leave(self, info: WorkerInfo) -> None:
        """This worker is gone: no longer alive nor busy; its last word stays in ``workers``."""
        pipe = self.client.pipeline(transaction=False)
        pipe.zrem(self.keys.busy, self.worker_id)
        pipe.zrem(self.keys.alive, self.worker_id)
        pipe.hset(self.keys.workers, self.worker_id, info.to_json())
        pipe.execute()

    def all(self) -> list[WorkerInfo]:
        """Every worker that ever beat in this crawl, with its last word."""
        raw = self.client.hgetall(self.keys.workers)
        infos = []
        for value in raw.values():
            try:
                infos.append(WorkerInfo.from_json(value))
            except (ValueError, TypeError):
                continue
        return sorted(infos, key=lambda info: info.worker_id)

    def alive_ids(self) -> set[str]:
        self.state()  # drops expired entries
        members: list[bytes] = self.client.zrange(self.keys.alive, 0, -1)  # type: ignore[assignment]
        return {m.decode() for m in members}
