"""TDM reservations (R3, DSM Art. 4) and login walls (R2): downloader middleware 585.

Requests: a redirect hop (``redirect_urls`` in meta, from RedirectMiddleware or
MetaRefreshMiddleware) to a login URL is refused before it is fetched; a URL a rule of its
origin's ``/.well-known/tdmrep.json`` reserves is refused before it is fetched.
Responses (bodies already decompressed, below HttpCompressionMiddleware 590): 401/407, a
3xx to a login URL, a ``tdm-reservation: 1`` or ``noai`` header, TDMRep or ``noai`` meta
tags, a password field: refused, so the spider never sees them (its errback is called), and
Scrapy's HTTP cache, when on, keeps no copy of them (``httpcache.CachedCopies``).

A policy's ``tdm_licence`` lifts TDM reservations, ``authenticated = true`` lifts login walls.
Requests the compliance layer makes itself (marked by ``crawl/internal.py``) are not checked.
docs/tdm-and-login.md is the reference.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.http.request import NO_CALLBACK

from ..cluster.verdicts import Outcome, SharedVerdict, VerdictTimeout
from ..hashing import sha256_hex
from ..policy.hosts import host_of_url
from ..policy.model import DomainPolicy
from ..provenance import origin_of
from ..reservations import answers, tdm
from . import meta
from .cluster_state import ClusterState
from .cluster_state import sleep as cluster_sleep
from .context import ComplianceContext
from .fetcher import Fetcher
from .httpcache import CachedCopies
from .internal import internal_meta, is_internal
from .origin_cache import OriginCache
from .refusals import ComplianceRefusal, LoginWallRefusal, TdmRefusal

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from .facts import CrawlFacts
    from .recorder import Recorder

logger = logging.getLogger(__name__)

TDMREP_PATH = "/.well-known/tdmrep.json"

# Whole path segments (lower-cased, percent-decoded, without ";params" or ".ext").
_LOGIN_SEGMENTS = frozenset(
    {
        "login", "log-in", "log_in", "logon", "log-on", "signin", "sign-in", "sign_in",
        "signon", "servicelogin", "wp-login", "authwall", "auth", "oauth", "oauth2", "sso",
        "saml", "openid", "authentication", "connexion", "se-connecter", "seconnecter",
        "identification", "authentification", "signup", "sign-up", "sign_up",
    }
)  # fmt: skip
_LOGIN_PAIRS = frozenset({("session", "new"), ("sessions", "new")})  # Rails
_LOGIN_QUERY_WORDS = frozenset({"login", "log-in", "signin", "sign-in", "logon", "authwall"})
_LOGIN_HOST_LABELS = frozenset({"accounts", "account", "login", "signin", "auth", "sso", "idp"})
_PASSWORD_HINT = re.compile(r"type\s*=\s*[\"']?\s*password\b", re.IGNORECASE)
_PASSWORD_XPATH = (
    "//input[translate(normalize-space(@type),"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') = 'password']"
)


def login_url_match(url: str) -> str:
    """Why ``url`` is a login, sign-in or auth-wall URL, or "" when it is not one.

    Whole path segments, query keys or values, and the first label of a host with at least
    three labels are compared with known words: ``/blog/login-tips`` or ``/authors`` is not
    a login URL, ``/account/login``, ``/users/sign_in``, ``/authwall?trk=x``, ``?login`` and
    ``accounts.example.com`` are.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return ""
    segments = [_segment(s) for s in parts.path.split("/") if s]
    for segment in segments:
        if segment in _LOGIN_SEGMENTS:
            return f"path segment {segment!r}"
    for pair in pairwise(segments):
        if pair in _LOGIN_PAIRS:
            return f"path {'/'.join(pair)!r}"
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        for word in (key.strip().lower(), value.strip().lower()):
            if word in _LOGIN_QUERY_WORDS:
                return f"query {tdm.clip(key)}={tdm.clip(value)}".rstrip("=")
    labels = host.split(".")
    if len(labels) >= 3 and labels[0] in _LOGIN_HOST_LABELS:
        return f"host {host!r}"
    return ""


def _segment(raw: str) -> str:
    segment = unquote(raw).split(";", 1)[0].strip().lower()
    return segment.rsplit(".", 1)[0] if "." in segment[1:] else segment


def has_password_field(response: HtmlResponse) -> bool:
    """Whether the page has an ``<input type="password">`` (a login form, in or out of a
    ``<form>``). A regex pre-filter keeps the DOM out of it for nearly every page."""
    text = response.text
    if not _PASSWORD_HINT.search(text):
        return False
    try:
        return bool(response.xpath(_PASSWORD_XPATH))
    except Exception:  # an unparsable page that says type=password: take it at its word
        return "<input" in text.lower()


@dataclass(frozen=True)
class TdmrepState:
    """What an origin's ``/.well-known/tdmrep.json`` says (cached per origin)."""

    url: str
    verdict: str  # "rules", "absent", "invalid", "unreadable"
    detail: str
    rules: tuple[tdm.TdmRule, ...] = ()
    body: bytes = field(default=b"", repr=False)  # what was parsed (shared in cluster mode)


class ResponseChecksMiddleware:
    def __init__(
        self,
        facts: CrawlFacts,
        recorder: Recorder,
        fetcher: Fetcher,
        clock: Callable[[], float] = time.monotonic,
        cluster: ClusterState | None = None,
        cache: CachedCopies | None = None,
    ) -> None:
        self.facts = facts
        self.cache = cache  # Scrapy's HTTP cache, when on: a refused response leaves it
        self.recorder = recorder
        self.fetcher = fetcher
        self.tdmrep: OriginCache[TdmrepState] = OriginCache(clock)
        self.cluster = cluster

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseChecksMiddleware:
        ctx = ComplianceContext.of(crawler)
        cache = CachedCopies(crawler) if crawler.settings.getbool("HTTPCACHE_ENABLED") else None
        return cls(ctx.facts, ctx.recorder, Fetcher(crawler), cluster=ctx.cluster, cache=cache)

    # -- requests -----------------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        if is_internal(request, self.facts.internal):
            return
        policy = _policy(request)
        if request.meta.get(meta.REDIRECT_URLS):
            matched = login_url_match(request.url)
            if matched:
                self._login_wall(
                    request, policy, f"redirected to a login page ({matched}): {request.url}"
                )
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return
        state = await self.tdmrep_state(request)
        if state.verdict == "rules":
            rule = tdm.reserving_rule(state.rules, parts.path, parts.query)
            if rule is not None:
                signal = tdm.TdmSignal(rule.describe(), rule.policy)
                self._tdm_reserved(request, policy, [signal])
        elif state.verdict == "unreadable":
            signal = tdm.TdmSignal(
                f"{state.url} could not be read ({state.detail}), so a TDM reservation "
                "cannot be ruled out (retried later)"
            )
            self._tdm_reserved(request, policy, [signal])

    async def tdmrep_state(self, request: Request) -> TdmrepState:
        """The cached verdict on the request's origin's tdmrep.json, fetched once per origin."""
        parts = urlsplit(request.url)
        origin = origin_of(parts.scheme, (parts.hostname or "").lower(), parts.port)
        url = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{TDMREP_PATH}"
        return await self.tdmrep.get(origin, lambda: self._resolve(origin, url, request))

    async def _resolve(self, origin: str, url: str, page: Request) -> tuple[TdmrepState, float]:
        """This worker's fetch; in cluster mode, the cluster's one fetch per origin per TTL
        (an unreadable answer is shared too, for the shorter TTL)."""
        if self.cluster is None:
            return await self._fetch(url, page)
        ours: list[tuple[TdmrepState, float]] = []

        async def fetch() -> SharedVerdict:
            ours.append(await self._fetch(url, page))
            return _shareable(origin, ours[-1][0], self.facts.run_id, self.facts.now())

        try:
            found = await self.cluster.verdicts.resolve(
                "tdmrep", origin, fetch, lambda _verdict: ours[-1][1], cluster_sleep
            )
        except VerdictTimeout as exc:
            state = TdmrepState(url, answers.UNREADABLE, str(exc))
            return state, self.facts.config.robots_error_cache_seconds
        if found.fetched_here:
            return ours[-1]
        self.recorder.inc_stat(meta.CLUSTER_TDMREP_SHARED)
        return _adopted(found.verdict), max(found.ttl, 1.0)

    async def _fetch(self, url: str, page: Request) -> tuple[TdmrepState, float]:
        state = await self._fetch_tdmrep(url, page)
        self.recorder.inc_stat(meta.TDMREP.format(state.verdict))
        logger.debug("%s: %s (%s)", url, state.verdict, state.detail)
        config = self.facts.config
        unreadable = state.verdict == answers.UNREADABLE
        ttl = config.robots_error_cache_seconds if unreadable else config.robots_cache_seconds
        return state, ttl

    async def _fetch_tdmrep(self, url: str, page: Request) -> TdmrepState:
        """Read like robots.txt (``reservations.answers``, R3): 2xx parsed, 4xx none, 5xx,
        429, other statuses and errors unreadable.

        Fetched the way the page would be: through its ``meta["proxy"]`` and bind address.
        """
        request_meta = internal_meta(self.facts.internal)
        # Never from Scrapy's HTTP cache: a cached 404 would hide a reservation made since.
        request_meta[meta.DONT_CACHE] = True
        request_meta.update({k: page.meta[k] for k in meta.NETWORK if k in page.meta})
        request = Request(url, meta=request_meta, priority=1000, callback=NO_CALLBACK)
        try:
            response = await self.fetcher.download(request)
        except IgnoreRequest as exc:
            return TdmrepState(url, "unreadable", f"request refused: {tdm.clip(str(exc))}")
        except Exception as exc:
            detail = f"{type(exc).__name__}: {tdm.clip(str(exc))}"
            return TdmrepState(url, "unreadable", detail)
        reading = answers.read_status(response.status)
        if reading.unreadable:
            return TdmrepState(url, "unreadable", reading.detail)
        if not reading.parse:
            return TdmrepState(url, "absent", reading.detail)
        if len(response.body) > self.facts.config.robots_max_bytes:
            size = f"larger than {self.facts.config.robots_max_bytes} bytes"
            return TdmrepState(url, "unreadable", size)
        return _parsed(url, response.body)

    # -- responses ----------------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        if is_internal(request, self.facts.internal):
            return response
        try:
            return self._check_response(request, response)
        except ComplianceRefusal:
            # HttpCacheMiddleware (900) stored it on its way here: a refused page is not kept.
            if self.cache is not None and self.cache.forget(request):
                self.recorder.inc_stat(meta.HTTPCACHE_REMOVED)
            raise

    def _check_response(self, request: Request, response: Response) -> Response:
        policy = _policy(request)
        status = response.status
        if status in (401, 407):
            who = "page" if status == 401 else "proxy"
            self._login_wall(request, policy, f"HTTP {status}: the {who} requires authentication")
        location = response.headers.get(b"Location")
        if 300 <= status < 400 and location:
            target = location.decode("latin-1")
            with suppress(ValueError):
                target = urljoin(request.url, target)
            matched = login_url_match(target)
            if matched:
                self._login_wall(
                    request, policy, f"redirects to a login page ({matched}): {target}"
                )
        headers = response.headers
        signals = tdm.header_signals(
            _header(headers.getlist(b"tdm-reservation")),
            _header(headers.getlist(b"tdm-policy")),
            _header(headers.getlist(b"X-Robots-Tag")),
        )
        if isinstance(response, HtmlResponse):
            signals += tdm.html_signals(response.text)
        if signals:
            self._tdm_reserved(request, policy, signals)
        if isinstance(response, HtmlResponse) and has_password_field(response):
            self._login_wall(request, policy, "page is a login form (password field)")
        return response

    # -- verdicts -----------------------------------------------------------------------------

    def _tdm_reserved(
        self, request: Request, policy: DomainPolicy | None, signals: list[tdm.TdmSignal]
    ) -> None:
        if policy is not None and policy.tdm_licence:
            self.recorder.inc_stat(meta.TDM_LICENSED)
            logger.debug(
                "%s: TDM reservation lifted by %s tdm_licence %r: %s",
                request.url,
                policy.file,
                policy.tdm_licence,
                signals[0].explain(),
            )
            return
        where = f"{policy.file} has no tdm_licence" if policy else "no policy with a tdm_licence"
        found = "; ".join(s.explain() for s in signals)
        reason = f"TDM reserved by the rightsholder (DSM Directive Art. 4): {found}; {where}"
        raise self.recorder.refuse(TdmRefusal(request.url, _domain(request.url), reason))

    def _login_wall(self, request: Request, policy: DomainPolicy | None, reason: str) -> None:
        if policy is not None and policy.authenticated:
            self.recorder.inc_stat(meta.LOGIN_AUTHENTICATED)
            logger.debug(
                "%s: %s; allowed by %s authenticated = true", request.url, reason, policy.file
            )
            return
        raise self.recorder.refuse(LoginWallRefusal(request.url, _domain(request.url), reason))


def _parsed(url: str, body: bytes) -> TdmrepState:
    try:
        rules = tdm.parse_tdmrep(body)
    except tdm.TdmrepError as exc:
        return TdmrepState(url, "invalid", str(exc), body=body)
    return TdmrepState(url, "rules", f"{len(rules)} rule(s)", rules, body=body)


def _shareable(origin: str, state: TdmrepState, run_id: str, now: str) -> SharedVerdict:
    """A tdmrep.json reading as every worker of the crawl will read it."""
    outcomes: dict[str, Outcome] = {"absent": "no_rules", "unreadable": "unreadable"}
    outcome = outcomes.get(state.verdict, "rules")
    return SharedVerdict(
        kind="tdmrep",
        origin=origin,
        url=state.url,
        outcome=outcome,
        status=None,
        error=state.detail,
        sha256=sha256_hex(state.body),
        body=state.body,
        fetched_at=now,
        fetched_by=run_id,
        run_id=run_id,
    )


def _adopted(verdict: SharedVerdict) -> TdmrepState:
    detail = verdict.error or ""
    if verdict.outcome == "unreadable":
        return TdmrepState(verdict.url, "unreadable", detail)
    if verdict.outcome == "no_rules":
        return TdmrepState(verdict.url, "absent", detail)
    return _parsed(verdict.url, verdict.body)


def _policy(request: Request) -> DomainPolicy | None:
    policy = request.meta.get(meta.POLICY)
    return policy if isinstance(policy, DomainPolicy) else None


def _header(values: list[bytes]) -> list[str]:
    return [v.decode("latin-1") for v in values]


def _domain(url: str) -> str:
    try:
        return host_of_url(url)
    except ValueError:
        pass
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
