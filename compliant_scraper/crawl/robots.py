"""Strict robots.txt (R3, RFC 9309): downloader middleware 100, replacing Scrapy's
RobotsTxtMiddleware, which lets everything through when robots.txt cannot be read and parses
a 4xx error page as if it were rules.

One robots.txt per origin (scheme, host, port), fetched through the engine so the policy
gate (40) judges it and each redirect hop, and read as RFC 9309 §2.3.1 says:

- 2xx: the first ``COMPLIANCE_ROBOTS_MAX_BYTES`` bytes are parsed and obeyed;
- 4xx other than 429: no rules, everything allowed, the body is ignored;
- 5xx, 429, a timeout, a DNS or connection error, a redirect the gate refuses, more than
  ``COMPLIANCE_ROBOTS_MAX_REDIRECTS`` redirects: unreadable, every URL of the origin is
  refused until it can be read.

A readable verdict is trusted for ``COMPLIANCE_ROBOTS_CACHE_SECONDS`` (24 h), an unreadable
one for ``COMPLIANCE_ROBOTS_ERROR_CACHE_SECONDS`` (1 h); then the file is fetched again.
Every fetch is a ``robots_snapshots`` row. ``ROBOTSTXT_OBEY`` and ``dont_obey_robotstxt``
are ignored: compliance cannot be switched off by a setting. docs/robots.md is the reference.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from ..clock import utcnow
from ..hashing import sha256_hex
from ..policy.hosts import host_of_url
from ..provenance import origin_of
from ..records import RobotsSnapshot
from ..reservations.robots_rules import RobotsRules, product_token
from ..rules import Rule
from .context import ComplianceContext
from .policy_gate import META_INTERNAL
from .refusals import RobotsRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

META_ROBOTS_FETCH: Final = "compliance_robots_fetch"
"""Marks this middleware's own robots.txt requests (holding a per-crawl object, so a spider
cannot set it to skip the check)."""
META_ROBOTS_SHA256: Final = "compliance_robots_sha256"
"""Set on every request robots.txt allowed: the sha256 of the robots.txt that allowed it."""
CRAWL_DELAY_CAP: Final = 60.0
"""Largest ``Crawl-delay`` honoured, in seconds: beyond it, a site could stall the crawl."""
DOWNLOAD_PRIORITY: Final = 1000
EMPTY_SHA256: Final = sha256_hex(b"")
_REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})
# Copied from the request that triggers a fetch, so robots.txt travels the same way.
NETWORK_META: Final = ("proxy", "bindaddress")
_UNREACHABLE: Final = "RFC 9309 §2.3.1.4"


@dataclass(frozen=True)
class RobotsState:
    """What one origin's robots.txt says, until ``expires_at`` (the middleware's clock)."""

    origin: str  # scheme://host:port
    rules: RobotsRules | None  # None: unreadable, every URL of the origin is refused
    detail: str  # "HTTP 200", "HTTP 404", "HTTP 503", "TimeoutError: ...", "more than 5 ..."
    sha256: str  # of the bytes parsed; of b"" when none were (4xx, unreadable)
    expires_at: float


@dataclass(frozen=True)
class _Target:
    origin: str
    host: str
    robots_url: str


class _Unreadable(Exception):
    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class StrictRobotsMiddleware:
    def __init__(self, crawler: Crawler, clock: Callable[[], float] = time.monotonic) -> None:
        self.crawler = crawler
        self.ctx = ComplianceContext.of(crawler)
        self.clock = clock
        settings = crawler.settings
        self.agent = product_token(
            str(settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "")
        )
        self._base_delay = settings.getfloat("DOWNLOAD_DELAY")
        self._fetch_mark = object()
        self._states: dict[str, RobotsState] = {}
        self._waiters: dict[str, list[Deferred[None]]] = {}
        _warn_if_obey_off(settings)
        if not self.agent:
            logger.warning(
                "No robots.txt product token in USER_AGENT or ROBOTSTXT_USER_AGENT: only the "
                "'*' groups of robots.txt files apply to this crawl"
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StrictRobotsMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get(META_ROBOTS_FETCH) is self._fetch_mark:
            return  # our own robots.txt fetch (tdmrep.json and others are checked)
        parts = urlparse_cached(request)
        if parts.scheme in ("data", "file"):
            return
        try:
            host = host_of_url(request.url)
            port = parts.port
        except ValueError as exc:
            raise self.ctx.refuse(
                RobotsRefusal(request.url, parts.hostname or "", Rule.R3, f"no robots.txt: {exc}")
            ) from None
        scheme = parts.scheme.lower()
        netloc = host if port is None else f"{host}:{port}"
        target = _Target(origin_of(scheme, host, port), host, f"{scheme}://{netloc}/robots.txt")
        network = {k: request.meta[k] for k in NETWORK_META if request.meta.get(k)}
        state = await self._state(target, network)
        self._check(request, target, state)

    # -- verdicts -------------------------------------------------------------------------

    def _check(self, request: Request, target: _Target, state: RobotsState) -> None:
        ctx = self.ctx
        if state.rules is None:
            ctx.inc_stat("compliance/robots/refused/unreadable")
            raise ctx.refuse(
                RobotsRefusal(
                    request.url,
                    target.host,
                    Rule.R3,
                    f"robots.txt of {target.origin} unreadable ({state.detail}): the whole host "
                    f"is refused on this scheme and port until it can be read ({_UNREACHABLE})",
                )
            )
        agents = self._agents(request)
        for agent in agents:
            verdict = state.rules.verdict(request.url, agent)
            if not verdict.allowed:
                rule = f" ({_shorten(verdict.rule.line)})" if verdict.rule else ""
                ctx.inc_stat("compliance/robots/refused/disallowed")
                raise ctx.refuse(
                    RobotsRefusal(
                        request.url,
                        target.host,
                        Rule.R3,
                        f"robots.txt of {target.origin} disallows {_path(request.url)} "
                        f"for agent {agent or '*'}{rule}",
                    )
                )
        request.meta[META_ROBOTS_SHA256] = state.sha256
        delays = [d for d in (state.rules.crawl_delay(a) for a in agents) if d is not None]
        if delays:
            self._apply_crawl_delay(request, max(delays))

    def _agents(self, request: Request) -> list[str]:
        """Our product token, plus the one a spider's own User-Agent header names, if other:
        a request sent under another name obeys that name's group as well."""
        agents = [self.agent]
        header = request.headers.get(b"User-Agent")
        if header:
            other = product_token(header.decode("latin-1"))
            if other and other.lower() != self.agent.lower():
                agents.append(other)
        return agents

    def _apply_crawl_delay(self, request: Request, crawl_delay: float) -> None:
        """Raise the delay of the request's downloader slot to the larger of ``Crawl-delay``
        (at most ``CRAWL_DELAY_CAP``) and ``DOWNLOAD_DELAY``, now and for slots made later."""
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return
        wanted = max(min(crawl_delay, CRAWL_DELAY_CAP), self._base_delay)
        key = downloader.get_slot_key(request)
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        if float(slot_settings.get("delay", 0.0)) < wanted:
            slot_settings["delay"] = wanted
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < wanted:  # AutoThrottle may have lowered it
            slot.delay = wanted

    # -- cache ----------------------------------------------------------------------------

    async def _state(self, target: _Target, network: dict[str, Any]) -> RobotsState:
        """The origin's state: cached, or fetched once while concurrent requests wait."""
        while True:
            state = self._states.get(target.origin)
            if state is not None and self.clock() < state.expires_at:
                return state
            waiters = self._waiters.get(target.origin)
            if waiters is None:
                return await self._refresh(target, network)
            # One Deferred per waiter: adapting a Deferred to a Future consumes its result.
            waiter: Deferred[None] = Deferred()
            waiters.append(waiter)
            await maybe_deferred_to_future(waiter)

    async def _refresh(self, target: _Target, network: dict[str, Any]) -> RobotsState:
        self._waiters[target.origin] = []
        try:
            state = await self._fetch(target, network)
            self._states[target.origin] = state
            return state
        finally:  # waiters re-check the cache; if the fetch was cancelled, one fetches again
            for waiter in self._waiters.pop(target.origin):
                if not waiter.called:
                    waiter.callback(None)

    # -- fetching -------------------------------------------------------------------------

    async def _fetch(self, target: _Target, network: dict[str, Any]) -> RobotsState:
        ctx = self.ctx
        ctx.inc_stat("compliance/robots/fetched")
        fetched_at = utcnow()
        try:
            response = await self._follow(target.robots_url, network)
        except _Unreadable as exc:
            return self._record(target, fetched_at, exc.status, str(exc), None)
        except IgnoreRequest as exc:  # the gate refused a redirect hop (it recorded why)
            ctx.inc_stat("compliance/robots/error/refused")
            return self._record(target, fetched_at, None, f"fetch refused: {exc}", None)
        except Exception as exc:  # timeout, DNS, connection refused or reset, TLS, ...
            ctx.inc_stat(f"compliance/robots/error/{type(exc).__name__}")
            return self._record(target, fetched_at, None, _describe(exc), None)
        status = response.status
        ctx.inc_stat(f"compliance/robots/status/{status}")
        if 200 <= status < 300:
            max_bytes = ctx.config.robots_max_bytes
            rules = RobotsRules.parse(response.body, max_bytes)
            if rules.truncated:
                ctx.inc_stat("compliance/robots/truncated")
                logger.info(
                    "robots.txt of %s is larger than %d bytes: only those are parsed "
                    "(RFC 9309 §2.5)",
                    target.origin,
                    max_bytes,
                )
            return self._record(target, fetched_at, status, None, rules, response.body[:max_bytes])
        if 400 <= status < 500 and status != 429:  # RFC 9309 §2.3.1.3: "unavailable"
            return self._record(target, fetched_at, status, None, RobotsRules.allow_all())
        return self._record(target, fetched_at, status, None, None)  # 5xx, 429, other

    async def _follow(self, url: str, network: dict[str, Any]) -> Response:
        """Download ``url``, following redirects ourselves so each hop passes the gate."""
        limit = self.ctx.config.robots_max_redirects
        for _ in range(limit + 1):
            response = await self._download(url, network)
            if response.status not in _REDIRECT_STATUSES:
                return response
            location = response.headers.get(b"Location")
            if not location:
                raise _Unreadable(response.status, f"HTTP {response.status} without Location")
            url = urljoin(response.url, safe_url_string(location))
            if urlsplit(url).scheme not in ("http", "https"):
                raise _Unreadable(response.status, f"redirect to a non-HTTP URL: {url}")
            self.ctx.inc_stat("compliance/robots/redirects")
        raise _Unreadable(response.status, f"more than {limit} redirects")

    async def _download(self, url: str, network: dict[str, Any]) -> Response:
        engine = self.crawler.engine
        if engine is None:
            raise RuntimeError("the engine is not running")
        request = Request(
            url,
            priority=DOWNLOAD_PRIORITY,
            callback=NO_CALLBACK,
            dont_filter=True,
            meta={
                **network,
                META_INTERNAL: True,
                META_ROBOTS_FETCH: self._fetch_mark,
                "dont_redirect": True,
                "handle_httpstatus_all": True,
                "dont_cache": True,  # HttpCacheMiddleware must not outlive the 24 h limit
                "dont_obey_robotstxt": True,  # should Scrapy's own middleware be re-enabled
            },
        )
        return await engine.download_async(request)

    def _record(
        self,
        target: _Target,
        fetched_at: str,
        status: int | None,
        error: str | None,
        rules: RobotsRules | None,
        parsed: bytes = b"",
    ) -> RobotsState:
        """Store the snapshot, count it, log it, and build the cached state."""
        ctx = self.ctx
        config = ctx.config
        sha256 = sha256_hex(parsed)
        ctx.store.record_robots_snapshot(
            RobotsSnapshot(
                run_id=ctx.run_id,
                url=target.robots_url,
                host=target.host,
                fetched_at=fetched_at,
                status=status,
                error=error,
                sha256=sha256,
                body=parsed.decode("utf-8", "replace"),
            )
        )
        detail = error or f"HTTP {status}"
        if rules is None:
            ttl = config.robots_error_cache_seconds
            ctx.inc_stat("compliance/robots/unreadable")
            logger.warning(
                "robots.txt of %s unreadable (%s): every request to it is refused for up to "
                "%d s, then it is fetched again (%s)",
                target.origin,
                detail,
                ttl,
                _UNREACHABLE,
            )
        else:
            ttl = config.robots_cache_seconds
            ctx.robots_sha256[target.origin] = sha256
            readable = status is not None and 200 <= status < 300
            ctx.inc_stat("compliance/robots/readable" if readable else "compliance/robots/no_rules")
            self._log_readable(target, detail, rules, len(parsed))
        return RobotsState(target.origin, rules, detail, sha256, self.clock() + ttl)

    def _log_readable(self, target: _Target, detail: str, rules: RobotsRules, size: int) -> None:
        logger.debug(
            "robots.txt of %s: %s, %d bytes parsed for agent %s",
            target.origin,
            detail,
            size,
            self.agent or "*",
        )
        delay = rules.crawl_delay(self.agent)
        if delay is not None and delay > CRAWL_DELAY_CAP:
            self.ctx.inc_stat("compliance/robots/crawl_delay_capped")
            logger.info(
                "robots.txt of %s asks a Crawl-delay of %s s: %s s is used (the cap)",
                target.origin,
                delay,
                CRAWL_DELAY_CAP,
            )


def _describe(exc: BaseException) -> str:
    """``Type: message``; for Scrapy's wrappers of Twisted failures, the failure inside."""
    text = f"{type(exc).__name__}: {exc}".rstrip(": ")
    inner = exc.args[0] if len(exc.args) == 1 else None
    if isinstance(inner, list) and inner and isinstance(inner[0], Failure):
        cause = inner[0].value
        text = f"{type(exc).__name__} ({type(cause).__name__}: {cause})".replace(": )", ")")
    return text


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _warn_if_obey_off(settings: BaseSettings) -> None:
    """``ROBOTSTXT_OBEY = False`` set by the project is ignored, and said so once per crawl."""
    priority = settings.getpriority("ROBOTSTXT_OBEY") or 0
    if not settings.getbool("ROBOTSTXT_OBEY") and priority > SETTINGS_PRIORITIES["default"]:
        logger.warning(
            "ROBOTSTXT_OBEY is False, but compliant-scraper obeys robots.txt regardless (R3, "
            "RFC 9309): the setting is ignored"
        )
