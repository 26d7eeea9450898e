"""TDM reservations (R3, DSM Art. 4) and login walls (R2): downloader middleware 585.

Requests: a redirect hop (``redirect_urls`` in meta, from RedirectMiddleware or
MetaRefreshMiddleware) to a login URL is refused before it is fetched; a URL a rule of its
origin's ``/.well-known/tdmrep.json`` reserves is refused before it is fetched.
Responses (bodies already decompressed, below HttpCompressionMiddleware 590): 401/407, a
3xx to a login URL, a ``tdm-reservation: 1`` or ``noai`` header, TDMRep or ``noai`` meta
tags, a password field: refused, so the spider never sees them (its errback is called).

A policy's ``tdm_licence`` lifts TDM reservations, ``authenticated = true`` lifts login walls.
Requests the compliance layer makes itself (``compliance_internal``) are not checked.
docs/tdm-and-login.md is the reference.
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import suppress
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from ..policy.hosts import host_of_url
from ..policy.model import DomainPolicy
from ..provenance import origin_of
from ..reservations import tdm
from ..rules import Rule
from .context import ComplianceContext
from .policy_gate import META_INTERNAL
from .refusals import LoginWallRefusal, TdmRefusal
from .robots import NETWORK_META

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

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
    """What an origin's ``/.well-known/tdmrep.json`` says, until ``expires`` (monotonic)."""

    url: str
    verdict: str  # "rules", "absent", "invalid", "unreadable"
    detail: str
    expires: float
    rules: tuple[tdm.TdmRule, ...] = ()


class _Pending:
    """A tdmrep.json fetch in flight. Each waiter gets its own Deferred: adapting a Deferred
    to an asyncio Future consumes its result, so one Deferred cannot serve two waiters."""

    def __init__(self) -> None:
        self._waiters: list[Deferred[TdmrepState]] = []

    def wait(self) -> Deferred[TdmrepState]:
        waiter: Deferred[TdmrepState] = Deferred()
        self._waiters.append(waiter)
        return waiter

    def fire(self, state: TdmrepState) -> None:
        for waiter in self._waiters:
            if not waiter.called:  # a cancelled waiter has already fired
                waiter.callback(state)


class ResponseChecksMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ctx = ComplianceContext.of(crawler)
        self.clock = time.monotonic
        self._tdmrep: dict[str, TdmrepState | _Pending] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResponseChecksMiddleware:
        return cls(crawler)

    # -- requests -----------------------------------------------------------------------------

    async def process_request(self, request: Request) -> None:
        if request.meta.get(META_INTERNAL):
            return
        policy = _policy(request)
        if request.meta.get("redirect_urls"):
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
        cached = self._tdmrep.get(origin)
        if isinstance(cached, _Pending):
            return await maybe_deferred_to_future(cached.wait())
        if cached is not None and cached.expires > self.clock():
            return cached
        url = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{TDMREP_PATH}"
        pending = _Pending()
        self._tdmrep[origin] = pending
        state = self._state(url, "unreadable", "fetch interrupted")
        try:
            state = await self._fetch_tdmrep(url, request)
        finally:
            self._tdmrep[origin] = state
            pending.fire(state)
        self.ctx.inc_stat(f"compliance/tdm/tdmrep/{state.verdict}")
        logger.debug("%s: %s (%s)", url, state.verdict, state.detail)
        return state

    async def _fetch_tdmrep(self, url: str, page: Request) -> TdmrepState:
        """Read like robots.txt (RFC 9309, R3): 2xx parsed, 4xx none, 5xx/429/errors unreadable.

        Fetched the way the page would be: through its ``meta["proxy"]`` and bind address.
        """
        meta: dict[str, object] = {META_INTERNAL: True}
        meta.update({k: page.meta[k] for k in NETWORK_META if k in page.meta})
        request = Request(url, meta=meta, priority=1000, callback=NO_CALLBACK)
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            return self._state(url, "unreadable", f"request refused: {tdm.clip(str(exc))}")
        except Exception as exc:
            return self._state(url, "unreadable", f"{type(exc).__name__}: {tdm.clip(str(exc))}")
        status = response.status
        if status == 429 or status >= 500:
            return self._state(url, "unreadable", f"HTTP {status}")
        if not 200 <= status < 300:
            return self._state(url, "absent", f"HTTP {status}")
        if len(response.body) > self.ctx.config.robots_max_bytes:
            size = f"larger than {self.ctx.config.robots_max_bytes} bytes"
            return self._state(url, "unreadable", size)
        try:
            rules = tdm.parse_tdmrep(response.body)
        except tdm.TdmrepError as exc:
            return self._state(url, "invalid", str(exc))
        return self._state(url, "rules", f"{len(rules)} rule(s)", rules)

    def _state(
        self, url: str, verdict: str, detail: str, rules: tuple[tdm.TdmRule, ...] = ()
    ) -> TdmrepState:
        config = self.ctx.config
        ttl = config.robots_error_cache_seconds
        if verdict != "unreadable":
            ttl = config.robots_cache_seconds
        return TdmrepState(url, verdict, detail, self.clock() + ttl, rules)

    # -- responses ----------------------------------------------------------------------------

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(META_INTERNAL):
            return response
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
            self.ctx.inc_stat("compliance/tdm/licensed")
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
        raise self.ctx.refuse(TdmRefusal(request.url, _domain(request.url), Rule.R3, reason))

    def _login_wall(self, request: Request, policy: DomainPolicy | None, reason: str) -> None:
        if policy is not None and policy.authenticated:
            self.ctx.inc_stat("compliance/login/authenticated")
            logger.debug(
                "%s: %s; allowed by %s authenticated = true", request.url, reason, policy.file
            )
            return
        raise self.ctx.refuse(LoginWallRefusal(request.url, _domain(request.url), Rule.R2, reason))


def _policy(request: Request) -> DomainPolicy | None:
    policy = request.meta.get("compliance_policy")
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
