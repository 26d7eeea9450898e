"""One value per origin, fetched once while concurrent requests wait (single flight).

Serves robots.txt (the robots middleware) and ``/.well-known/tdmrep.json`` (the TDM check):
each origin's file is fetched by the first request that needs it; the others wait for that
fetch and read its result. A result is kept until the expiry its fetch gave it (a readable
file longer than an unreadable one). If the fetch in flight is cancelled, the waiters look
again and one of them fetches: a cancelled request never leaves the origin unjudged.

Each waiter waits on a Deferred of its own: adapting a Deferred to an asyncio Future consumes
its result, so one Deferred cannot serve two waiters.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

T = TypeVar("T")


class OriginCache(Generic[T]):
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[T, float]] = {}
        self._waiters: dict[str, list[Deferred[None]]] = {}

    def fresh(self, origin: str) -> T | None:
        """The origin's value if it has one that has not expired."""
        entry = self._entries.get(origin)
        if entry is not None and self.clock() < entry[1]:
            return entry[0]
        return None

    async def get(self, origin: str, fetch: Callable[[], Awaitable[tuple[T, float]]]) -> T:
        """The origin's value: cached, awaited from the fetch in flight, or fetched now.

        ``fetch`` returns the value and how many seconds it holds.
        """
        while True:
            value = self.fresh(origin)
            if value is not None:
                return value
            waiters = self._waiters.get(origin)
            if waiters is None:
                return await self._fetch(origin, fetch)
            waiter: Deferred[None] = Deferred()
            waiters.append(waiter)
            await maybe_deferred_to_future(waiter)

    async def _fetch(self, origin: str, fetch: Callable[[], Awaitable[tuple[T, float]]]) -> T:
        self._waiters[origin] = []
        try:
            value, ttl = await fetch()
            self._entries[origin] = (value, self.clock() + ttl)
            return value
        finally:  # the waiters look again: at the value, or (cancelled) at nothing
            for waiter in self._waiters.pop(origin):
                if not waiter.called:  # a cancelled waiter has already fired
                    waiter.callback(None)
