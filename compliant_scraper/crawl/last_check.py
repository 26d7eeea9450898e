"""The last check before the download handler (issue 10 item 3): downloader middleware 1,000,000.

The gate (40) judges a request before Scrapy's own middlewares have finished with it:
``DefaultHeadersMiddleware`` (400) adds ``DEFAULT_REQUEST_HEADERS`` (an ``Authorization``
there goes to every host), ``HttpAuthMiddleware`` (300) an ``Authorization`` of its own, and a
project's middleware may rewrite the URL or set a ``Host`` header. So this component runs last
(the add-on refuses to start if any ``process_request`` runs after it) and judges what is
about to be sent:

- the URL: still the one the gate judged, in its one form (``policy.urls.wire_form``), and
  still allowed by the registry and day in force now (in cluster mode, after putting in force
  a registry announced since the gate: a request that waited for its politeness slot is
  judged again under it); a URL changed after the gate is refused, since robots.txt and
  the TDM check judged another one;
- the ``Host`` header: if set, it must name the URL's host (a ``Host: www.linkedin.com`` on a
  request to an allowed host is served by LinkedIn's site);
- credentials: a credential header (``Authorization``, ``X-Api-Key``, ``X-Auth-Token``...:
  ``crawl/credentials.py``; ``Proxy-Authorization`` only when no proxy takes it) or user info
  in the URL, and cookies the site did not set (``Cookie`` values that are not in Scrapy's
  cookie jar for that host), on a host whose policy does not set ``authenticated = true``.

Each refusal is a ``PolicyRefusal`` (R2) whose reason starts "last check before download".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from ..policy.decide import decide
from ..policy.hosts import covers, normalise_host
from ..policy.urls import wire_form
from . import meta
from .context import ComplianceContext
from .credentials import credentials_sent
from .internal import is_internal
from .refusals import PolicyRefusal

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

    from ..policy.model import DomainPolicy
    from .facts import CrawlFacts
    from .recorder import Recorder

PRIORITY: Final = 1_000_000
_PREFIX: Final = "last check before download: "

SiteCookies = Callable[["Request", str], set[tuple[str, str]]]
"""(name, value) of the cookies Scrapy's cookie jar holds for a request's host."""


class LastCheckMiddleware:
    def __init__(
        self,
        facts: CrawlFacts,
        recorder: Recorder,
        site_cookies: SiteCookies = lambda request, host: set(),
        in_force: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.facts = facts
        self.recorder = recorder
        self.site_cookies = site_cookies
        self.in_force = in_force

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LastCheckMiddleware:
        ctx = ComplianceContext.of(crawler)
        switch = ctx.registry_switch
        return cls(
            ctx.facts,
            ctx.recorder,
            lambda r, h: jar_cookies(crawler, r, h),
            switch.check if switch is not None else lambda: None,
        )

    def process_request(self, request: Request) -> None:
        url = request.url
        switching = self.in_force()  # cluster mode: a switch announced since the gate
        if switching is not None:
            self._refuse(request, "", switching)
        judged = request.meta.get(meta.JUDGED_URL)
        if judged != url:
            self._refuse(
                request,
                "",
                f"the URL changed after the compliance checks (they judged {judged}): a "
                "downloader middleware after the gate rewrote it"
                if judged
                else "the request did not pass the policy gate",
            )
        try:
            same = wire_form(url) == url
        except ValueError:
            same = False
        if not same:
            self._refuse(request, "", "the URL is not in the form a server resolves")
        facts = self.facts
        decision = decide(
            facts.registry,
            url,
            purpose=facts.purpose.name,
            today=facts.day(),
            internal=is_internal(request, facts.internal),
        )
        if not decision.allowed or decision.policy is None:
            self._refuse(request, decision.host, decision.reason)
        host = decision.host
        assert decision.policy is not None
        self._check_host_header(request, host)
        self._check_credentials(request, host, decision.policy)

    def _check_host_header(self, request: Request, host: str) -> None:
        raw = request.headers.get(b"Host")
        if raw is None:
            return
        value = raw.decode("latin-1").strip()
        try:
            named = normalise_host(value)
        except ValueError:
            named = ""
        if named != host:
            self._refuse(
                request,
                host,
                f"the Host header names {value!r}, not the URL's host {host}: the request "
                "would be served by that site",
            )

    def _check_credentials(self, request: Request, host: str, policy: DomainPolicy) -> None:
        if policy.authenticated:
            return
        found = [
            f"a{'n' if name[0] in 'AEIOUX' else ''} {name} header"
            for name in credentials_sent(request)
        ]
        if urlsplit(request.url).username is not None:
            found.append("user info in the URL")
        cookies = request.headers.getlist(b"Cookie")
        foreign = sorted(_foreign_cookies(cookies, self.site_cookies(request, host)))
        if foreign:
            found.append(f"cookies the site did not set ({', '.join(foreign)})")
        if found:
            self._refuse(
                request,
                host,
                f"request carries credentials ({'; '.join(found)}) and {policy.file} does not "
                "set authenticated = true: data behind a login is not collected",
            )

    def _refuse(self, request: Request, host: str, reason: str) -> None:
        if not host:
            try:
                host = normalise_host(urlsplit(request.url).netloc)
            except ValueError:
                host = ""
        raise self.recorder.refuse(PolicyRefusal(request.url, host, _PREFIX + reason))


def _foreign_cookies(headers: Iterable[bytes], site: set[tuple[str, str]]) -> set[str]:
    """Names of the cookies in ``Cookie`` headers that are not the site's own (compared as
    Scrapy's cookie jar writes them: ``name=value`` pairs joined by ``; ``)."""
    names = set()
    for header in headers:
        for pair in header.decode("latin-1").split(";"):
            name, _, value = pair.strip().partition("=")
            if (name or value) and (name, value) not in site:
                names.add(name or "(unnamed)")
    return names


def jar_cookies(crawler: Crawler, request: Request, host: str) -> set[tuple[str, str]]:
    """(name, value) of the cookies Scrapy's ``CookiesMiddleware`` holds for ``host`` in the
    request's cookie jar: cookies the site (or a spider on an authenticated host) set."""
    engine: Any = crawler.engine
    middlewares = engine.downloader.middleware.middlewares if engine is not None else ()
    found: set[tuple[str, str]] = set()
    for mw in middlewares:
        jars = getattr(mw, "jars", None)
        if type(mw).__name__ != "CookiesMiddleware" or jars is None:
            continue
        jar = jars.get(request.meta.get("cookiejar"))
        if jar is None:
            continue
        for cookie in jar.jar:
            domain = cookie.domain.lstrip(".").lower()
            if cookie.value is not None and domain and covers(domain, host):
                found.add((cookie.name, cookie.value))
    return found


def misplaced(crawler: Crawler) -> list[str]:
    """Downloader middlewares whose ``process_request`` runs after the last check."""
    engine: Any = crawler.engine
    methods = list(engine.downloader.middleware.methods["process_request"])
    owners = [getattr(m, "__self__", None) for m in methods]
    last = [i for i, owner in enumerate(owners) if isinstance(owner, LastCheckMiddleware)]
    if not last:
        return []  # missing altogether: the add-on's component check says so
    return [
        f"{type(owner).__module__}.{type(owner).__qualname__}" for owner in owners[last[-1] + 1 :]
    ]
