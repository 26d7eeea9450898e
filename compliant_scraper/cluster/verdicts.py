"""robots.txt and tdmrep.json verdicts shared by every worker of a crawl (R3).

One fetch per origin per TTL for the whole cluster: the first worker to need an origin's
verdict takes a lock on it, fetches, and publishes what it read; the others wait for the
verdict instead of fetching. An unreadable answer (5xx, 429, timeout) is a verdict too,
shared for the shorter error TTL, so a failing site is not asked again by each worker.

- The verdict key expires with the TTL (Redis ``PX``), so expiry is one clock, Redis's.
- The lock is redis-py's ``Lock`` (``SET NX PX`` with a token, released by a script that
  checks the token). It expires on its own when its holder dies mid-fetch (``kill -9``), and
  a waiting worker then takes it and fetches: the one case with two fetches for a TTL.
- Waiting is an awaited ``sleep`` the caller injects (Twisted's or asyncio's), never a
  blocking call on the reactor thread; each Redis call is one short round trip.
- What comes back from Redis is untrusted: a verdict that does not parse is treated as
  absent and fetched again, never as "allowed".

Rejected: one verdict per worker (what scrapy-redis gives: N workers fetch robots.txt N
times), and Redis pub/sub for the wake-up (a lost message would strand a waiter; polling a
key with a short back-off cannot lose anything).
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from .keys import CrawlKeys, VerdictKind

if TYPE_CHECKING:
    import redis

logger = logging.getLogger(__name__)

Outcome = Literal["rules", "no_rules", "unreadable"]
OUTCOMES: Final = frozenset({"rules", "no_rules", "unreadable"})
FIRST_POLL: Final = 0.02  # seconds; doubled up to MAX_POLL while another worker fetches
MAX_POLL: Final = 0.5


class VerdictTimeout(Exception):
    """No verdict appeared and the lock could not be taken within the wait limit."""


@dataclass(frozen=True)
class SharedVerdict:
    """What one fetch of an origin's robots.txt (or tdmrep.json) said, for every worker."""

    kind: VerdictKind
    origin: str  # scheme://host:port
    url: str  # the file that was fetched
    outcome: Outcome  # rules (parse body) | no_rules (4xx: allow) | unreadable (refuse)
    status: int | None
    error: str | None
    sha256: str  # of ``body``
    body: bytes = field(repr=False)  # the bytes that were parsed; b"" when none were
    fetched_at: str  # ISO 8601 UTC, as in robots_snapshots
    fetched_by: str  # worker id
    run_id: str  # the run whose robots_snapshots row holds the original fetch

    def to_json(self) -> bytes:
        data = asdict(self)
        data["body"] = base64.b64encode(self.body).decode("ascii")
        return json.dumps(data, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> SharedVerdict:
        """Parse a stored verdict; ``ValueError`` on anything but a well-formed one."""
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            verdict = cls(
                kind=_choice(data["kind"], ("robots", "tdmrep")),
                origin=_text(data["origin"]),
                url=_text(data["url"]),
                outcome=_choice(data["outcome"], tuple(OUTCOMES)),
                status=_status(data["status"]),
                error=None if data["error"] is None else _text(data["error"]),
                sha256=_text(data["sha256"]),
                body=base64.b64decode(_text(data["body"]), validate=True),
                fetched_at=_text(data["fetched_at"]),
                fetched_by=_text(data["fetched_by"]),
                run_id=_text(data["run_id"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed shared verdict: {exc}") from None
        return verdict


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _choice(value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {sorted(allowed)}")
    return value


def _status(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 999:
        raise ValueError(f"bad HTTP status {value!r}")
    return value


@dataclass(frozen=True)
class Found:
    """A verdict and how many seconds Redis keeps it still."""

    verdict: SharedVerdict
    ttl: float
    fetched_here: bool = False


class SharedVerdicts:
    """The verdicts of one crawl. ``lock_seconds`` must outlast one fetch with its redirects."""

    def __init__(
        self,
        client: redis.Redis,
        keys: CrawlKeys,
        *,
        lock_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.keys = keys
        self.lock_seconds = lock_seconds
        self.clock = clock

    def get(self, kind: VerdictKind, origin: str) -> Found | None:
        """The published verdict, or None (absent, expired, or not well-formed)."""
        key = self.keys.verdict(kind, origin)
        pipe = self.client.pipeline(transaction=False)
        pipe.get(key)
        pipe.pttl(key)
        raw, pttl = pipe.execute()
        if raw is None:
            return None
        try:
            verdict = SharedVerdict.from_json(raw)
        except ValueError as exc:
            logger.warning("Shared %s verdict of %s ignored (fetched again): %s", kind, origin, exc)
            return None
        if verdict.kind != kind or verdict.origin != origin:
            logger.warning("Shared %s verdict of %s names another origin: ignored", kind, origin)
            return None
        ttl = pttl / 1000 if pttl and pttl > 0 else 0.0
        return Found(verdict, ttl)

    def publish(self, verdict: SharedVerdict, ttl: float) -> None:
        key = self.keys.verdict(verdict.kind, verdict.origin)
        self.client.set(key, verdict.to_json(), px=max(1, int(ttl * 1000)))

    async def resolve(
        self,
        kind: VerdictKind,
        origin: str,
        fetch: Callable[[], Awaitable[SharedVerdict]],
        ttl_of: Callable[[SharedVerdict], float],
        sleep: Callable[[float], Awaitable[object]],
    ) -> Found:
        """The origin's verdict: published, or fetched here under the lock and published.

        ``fetch`` runs at most once, only while this worker holds the lock. Waiting ends
        after twice the lock's life (a holder that died has lost its lock by then); after
        that, ``VerdictTimeout``: the caller refuses, as for an unreadable file.
        """
        deadline = self.clock() + 2 * self.lock_seconds
        poll = FIRST_POLL
        lock = self.client.lock(
            self.keys.verdict_lock(kind, origin), timeout=self.lock_seconds, thread_local=False
        )
        while True:
            found = self.get(kind, origin)
            if found is not None:
                return found
            if lock.acquire(blocking=False):
                try:
                    found = self.get(kind, origin)  # published between our look and our lock
                    if found is not None:
                        return found
                    verdict = await fetch()
                    ttl = ttl_of(verdict)
                    self.publish(verdict, ttl)
                    return Found(verdict, ttl, fetched_here=True)
                finally:
                    _release(lock)
            if self.clock() >= deadline:
                raise VerdictTimeout(
                    f"no shared {kind} verdict for {origin} after {2 * self.lock_seconds:.0f} s"
                )
            await sleep(poll)
            poll = min(poll * 2, MAX_POLL)


def _release(lock: Any) -> None:
    from redis.exceptions import LockError  # redis is the cluster extra's: imported late

    try:
        lock.release()
    except LockError:  # it expired while we fetched: another worker may hold it now
        logger.info("Shared verdict lock %s expired during the fetch", lock.name)
