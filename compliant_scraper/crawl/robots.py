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
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure
from w3lib.url import safe_url_string

from ..hashing import sha256_hex
from ..policy.hosts import host_of_url
from ..provenance import origin_of
from ..records import RobotsSnapshot
from ..reservations import answers
from ..reservations.robots_rules import RobotsRules, product_token, readable_text
from . import meta
from .context import ComplianceContext
from .fetcher import Fetcher
from .internal import internal_meta, is_internal
from .origin_cache import OriginCache
from .refusals import RobotsRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

    from ..store.base import ComplianceStore
    from .facts import CrawlFacts
    from .recorder import Recorder

logger = logging.getLogger(__name__)

# Names other modules and tests have imported from here; meta.py is their home.
META_ROBOTS_SHA256: Final = meta.ROBOTS_SHA256
NETWORK_META: Final = meta.NETWORK
CRAWL_DELAY_CAP: Final = 60.0
"""Largest ``Crawl-delay`` honoured, in seconds: beyond it, a site could stall the crawl."""
DOWNLOAD_PRIORITY: Final = 1000
EMPTY_SHA256: Final = sha256_hex(b"")
_UNREACHABLE: Final = "RFC 9309 §2.3.1.4"


@dataclass(frozen=True)
class RobotsState:
    """What one origin's robots.txt says (cached per origin by the ``OriginCache``)."""

    origin: str  # scheme://host:port
    rules: RobotsRules | None  # None: unreadable, every URL of the origin is refused
    detail: str  # "HTTP 200", "HTTP 404", "HTTP 503", "TimeoutError: ...", "more than 5 ..."
    sha256: str  # of the bytes parsed; of b"" when none were (4xx, unreadable)


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
    def __init__(
        self,
        facts: CrawlFacts,
        recorder: Recorder,
        store: ComplianceStore,
        fetcher: Fetcher,
        *,
        agent: str,
        base_delay: float = 0.0,
        in_force: dict[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.facts = facts
        self.recorder = recorder
        self.store = store
        self.fetcher = fetcher
        self.agent = agent
        self._base_delay = base_delay
        # scheme://host:port -> sha256 of the robots.txt in force (read by the provenance stamp)
        self.in_force = in_force if in_force is not None else {}
        self.cache: OriginCache[RobotsState] = OriginCache(clock)
        if not self.agent:
            logger.warning(
                "No robots.txt product token in USER_AGENT or ROBOTSTXT_USER_AGENT: only the "
                "'*' groups of robots.txt files apply to this crawl"
            )

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, clock: Callable[[], float] = time.monotonic
    ) -> StrictRobotsMiddleware:
        ctx = ComplianceContext.of(crawler)
        settings = crawler.settings
        _warn_if_obey_off(settings)
        agent = str(settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "")
        return cls(
            ctx.facts,
            ctx.recorder,
            ctx.store,
            Fetcher(crawler),
            agent=product_token(agent),
            base_delay=settings.getfloat("DOWNLOAD_DELAY"),
            in_force=ctx.robots_in_force,
            clock=clock,
        )

    async def process_request(self, request: Request) -> None:
        if is_internal(request, self.facts.internal):
            # robots.txt itself, and tdmrep.json: reading the rightsholder's machine-readable
            # terms is not crawling the site, so robots.txt rules do not apply (issue 9
            # item 1); the gate still judged the request.
            return
        parts = urlparse_cached(request)
        if parts.scheme in ("data", "file"):
            return
        try:
            host = host_of_url(request.url)
            port = parts.port
        except ValueError as exc:
            raise self.recorder.refuse(
                RobotsRefusal(request.url, parts.hostname or "", f"no robots.txt: {exc}")
            ) from None
        scheme = parts.scheme.lower()
        netloc = host if port is None else f"{host}:{port}"
        target = _Target(origin_of(scheme, host, port), host, f"{scheme}://{netloc}/robots.txt")
        network = {k: request.meta[k] for k in meta.NETWORK if request.meta.get(k)}
        state = await self.cache.get(target.origin, lambda: self._fetch(target, network))
        self._check(request, target, state)

    # -- verdicts -------------------------------------------------------------------------

    def _check(self, request: Request, target: _Target, state: RobotsState) -> None:
        recorder = self.recorder
        if state.rules is None:
            recorder.inc_stat(meta.ROBOTS_REFUSED_UNREADABLE)
            raise recorder.refuse(
                RobotsRefusal(
                    request.url,
                    target.host,
                    f"robots.txt of {target.origin} unreadable ({state.detail}): the whole host "
                    f"is refused on this scheme and port until it can be read ({_UNREACHABLE})",
                )
            )
        agents = self._agents(request)
        for agent in agents:
            verdict = state.rules.verdict(request.url, agent)
            if not verdict.allowed:
                rule = f" ({_shorten(verdict.rule.line)})" if verdict.rule else ""
                recorder.inc_stat(meta.ROBOTS_REFUSED_DISALLOWED)
                raise recorder.refuse(
                    RobotsRefusal(
                        request.url,
                        target.host,
                        f"robots.txt of {target.origin} disallows {_path(request.url)} "
                        f"for agent {agent or '*'}{rule}",
                    )
                )
        request.meta[meta.ROBOTS_SHA256] = state.sha256
        delays = [d for d in (state.rules.crawl_delay(a) for a in agents) if d is not None]
        if delays:
            # The larger of Crawl-delay (at most CRAWL_DELAY_CAP) and DOWNLOAD_DELAY.
            wanted = max(min(max(delays), CRAWL_DELAY_CAP), self._base_delay)
            self.fetcher.slow_slot(request, wanted)

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

    # -- fetching -------------------------------------------------------------------------

    async def _fetch(self, target: _Target, network: dict[str, Any]) -> tuple[RobotsState, float]:
        recorder = self.recorder
        recorder.inc_stat(meta.ROBOTS_FETCHED)
        fetched_at = self.facts.now()
        try:
            response = await self._follow(target.robots_url, network)
        except _Unreadable as exc:
            return self._record(target, fetched_at, exc.status, str(exc), None)
        except IgnoreRequest as exc:  # the gate refused a redirect hop (it recorded why)
            recorder.inc_stat(meta.ROBOTS_ERROR.format("refused"))
            return self._record(target, fetched_at, None, f"fetch refused: {exc}", None)
        except Exception as exc:  # timeout, DNS, connection refused or reset, TLS, ...
            recorder.inc_stat(meta.ROBOTS_ERROR.format(type(exc).__name__))
            return self._record(target, fetched_at, None, _describe(exc), None)
        status = response.status
        recorder.inc_stat(meta.ROBOTS_STATUS.format(status))
        reading = answers.read_status(status)
        if reading.parse:
            max_bytes = self.facts.config.robots_max_bytes
            rules = RobotsRules.parse(response.body, max_bytes)
            if rules.truncated:
                recorder.inc_stat(meta.ROBOTS_TRUNCATED)
                logger.info(
                    "robots.txt of %s is larger than %d bytes: only those are parsed "
                    "(RFC 9309 §2.5)",
                    target.origin,
                    max_bytes,
                )
            return self._record(target, fetched_at, status, None, rules, response.body[:max_bytes])
        if reading.unreadable:  # 5xx, 429, other
            return self._record(target, fetched_at, status, None, None)
        return self._record(target, fetched_at, status, None, RobotsRules.allow_all())

    async def _follow(self, url: str, network: dict[str, Any]) -> Response:
        """Download ``url``, following redirects ourselves so each hop passes the gate."""
        limit = self.facts.config.robots_max_redirects
        for _ in range(limit + 1):
            response = await self._download(url, network)
            if response.status not in answers.REDIRECT_STATUSES:
                return response
            location = response.headers.get(b"Location")
            if not location:
                raise _Unreadable(response.status, f"HTTP {response.status} without Location")
            url = urljoin(response.url, safe_url_string(location))
            if urlsplit(url).scheme not in ("http", "https"):
                raise _Unreadable(response.status, f"redirect to a non-HTTP URL: {url}")
            self.recorder.inc_stat(meta.ROBOTS_REDIRECTS)
        raise _Unreadable(response.status, f"more than {limit} redirects")

    async def _download(self, url: str, network: dict[str, Any]) -> Response:
        request = Request(
            url,
            priority=DOWNLOAD_PRIORITY,
            callback=NO_CALLBACK,
            dont_filter=True,
            meta={
                **network,
                **internal_meta(self.facts.internal),
                meta.DONT_REDIRECT: True,
                meta.HANDLE_ALL_STATUSES: True,
                meta.DONT_CACHE: True,  # HttpCacheMiddleware must not outlive the 24 h limit
                meta.DONT_OBEY_ROBOTSTXT: True,  # should Scrapy's own middleware be re-enabled
            },
        )
        return await self.fetcher.download(request)

    def _record(
        self,
        target: _Target,
        fetched_at: str,
        status: int | None,
        error: str | None,
        rules: RobotsRules | None,
        parsed: bytes = b"",
    ) -> tuple[RobotsState, float]:
        """Store the snapshot, count it, log it; the state and how long it holds."""
        config = self.facts.config
        sha256 = sha256_hex(parsed)
        self.store.record_robots_snapshot(
            RobotsSnapshot(
                run_id=self.facts.run_id,
                url=target.robots_url,
                host=target.host,
                fetched_at=fetched_at,
                status=status,
                error=error,
                sha256=sha256,
                body=readable_text(parsed),  # as parsed: a UTF-16 file is stored as text
            )
        )
        detail = error or f"HTTP {status}"
        if rules is None:
            ttl = config.robots_error_cache_seconds
            self.recorder.inc_stat(meta.ROBOTS_UNREADABLE)
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
            self.in_force[target.origin] = sha256
            readable = status is not None and answers.read_status(status).parse
            self.recorder.inc_stat(meta.ROBOTS_READABLE if readable else meta.ROBOTS_NO_RULES)
            self._log_readable(target, detail, rules, len(parsed))
        return RobotsState(target.origin, rules, detail, sha256), ttl

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
            self.recorder.inc_stat(meta.ROBOTS_CRAWL_DELAY_CAPPED)
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
