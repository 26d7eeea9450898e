"""Politeness per host across every worker of a crawl: one reservation script in Redis.

Each request to a host first reserves a send time: the later of "now" and the host's next
free time, which then moves one interval further. The reply is how long to wait. Because
every worker reserves through the same key, the gaps between requests to a host stay at
least one interval for the whole cluster, whatever the number of workers (Scrapy's
``DOWNLOAD_DELAY`` alone holds per process: 4 workers, 4 times the rate).

- One clock: the script reads Redis's ``TIME``, so workers whose clocks differ still agree.
- The key expires shortly after its last reservation: idle hosts cost no memory.
- The interval is the caller's: the larger of ``DOWNLOAD_DELAY`` and the host's
  ``Crawl-delay`` from the shared robots.txt verdict (capped), so all workers use the same one.
- A reservation is a promise to send at that time: the caller reserves as late as it can,
  right before the request leaves, and waits the returned delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .keys import CrawlKeys

if TYPE_CHECKING:
    import redis

# KEYS[1]: the host's key. ARGV[1]: the interval in microseconds.
# Returns the wait in microseconds (0: send now).
_RESERVE: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local free = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = now
if free > now then at = free end
local nxt = at + interval
redis.call('SET', KEYS[1], string.format('%d', nxt), 'PX', math.floor((nxt - now) / 1000) + 1000)
return at - now
"""


class Politeness:
    """Reservations of send times per host, shared by the crawl's workers."""

    def __init__(self, client: redis.Redis, keys: CrawlKeys) -> None:
        self.keys = keys
        self._reserve = client.register_script(_RESERVE)

    def reserve(self, host: str, interval: float) -> float:
        """Seconds to wait before sending the next request to ``host``; 0 when none is due."""
        if interval <= 0:
            return 0.0
        wait_us = self._reserve(keys=[self.keys.politeness(host)], args=[int(interval * 1e6)])
        return int(wait_us) / 1e6
