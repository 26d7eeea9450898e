"""The request gate: every request is judged against the policy registry before it is sent (R2).

It sits first in the downloader chain, so start URLs, followed links, redirect targets,
retries and robots.txt fetches all pass it, whatever their ``dont_filter`` says. It judges
the target URL, never the proxy a request goes through. Its decision is left on the request
(``meta.DECISION``, ``meta.POLICY``) for the components after it: the TDM and login checks
read the policy, the provenance stamp reads the decision instead of deciding again.

A URL whose path a server would resolve to another one (``/./prive/``, ``//prive/``,
``/%2e/prive/``...) is rewritten to that form first (``policy.urls.wire_form``) and judged
again: every check reads, and the wire carries, the one form.

In cluster mode it first puts the announced policy registry in force (``registry_switch``):
while a switch cannot complete, every request is refused. Each decision reads the registry
and the day in force at that moment (``facts.registry``, ``facts.day()``).

A request that carries ``meta["compliance_internal"]`` without this crawl's mark
(``crawl/internal.py``) is refused: a spider cannot make its requests look like the
compliance layer's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..policy.decide import decide
from ..policy.hosts import host_of_url
from ..policy.urls import wire_form
from . import meta
from .context import ComplianceContext
from .credentials import credentials_sent
from .internal import forged_internal, is_internal
from .refusals import PolicyRefusal

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from .facts import CrawlFacts
    from .recorder import Recorder

logger = logging.getLogger(__name__)

META_INTERNAL = meta.INTERNAL  # the name other modules and tests have imported from here


class PolicyGateMiddleware:
    def __init__(
        self,
        facts: CrawlFacts,
        recorder: Recorder,
        spider: Callable[[], Spider | None] = lambda: None,
        in_force: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.facts = facts
        self.recorder = recorder
        self.spider = spider
        self.in_force = in_force

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolicyGateMiddleware:
        ctx = ComplianceContext.of(crawler)
        switch = ctx.registry_switch
        return cls(
            ctx.facts,
            ctx.recorder,
            lambda: crawler.spider,
            switch.check if switch is not None else lambda: None,
        )

    def process_request(self, request: Request) -> Request | None:
        facts = self.facts
        switching = self.in_force()  # cluster mode: the announced registry, switched to now
        if switching is not None:
            raise self.recorder.refuse(PolicyRefusal(request.url, _host(request.url), switching))
        forged = forged_internal(request, facts.internal)
        if forged:
            raise self.recorder.refuse(PolicyRefusal(request.url, _host(request.url), forged))
        try:
            wire = wire_form(request.url)
        except ValueError as exc:
            raise self.recorder.refuse(
                PolicyRefusal(
                    request.url, _host(request.url), f"the URL has no one form to judge: {exc}"
                )
            ) from None
        if wire != request.url:
            # Judged, robots-checked and sent in the form a server resolves (issue 10 item 2).
            self.recorder.inc_stat(meta.NORMALISED)
            logger.debug("Rewrote %s to %s before any check", request.url, wire)
            # dont_filter: the scheduler's duplicate filter already let this very request in
            # (and Scrapy's fingerprint resolves dot segments: it would drop it as its own
            # duplicate).
            return request.replace(url=wire, dont_filter=True)
        decision = decide(
            facts.registry,
            request.url,
            purpose=facts.purpose.name,
            today=facts.day(),
            internal=is_internal(request, facts.internal),
        )
        if not decision.allowed:
            raise self.recorder.refuse(
                PolicyRefusal(request.url, decision.host, decision.reason, rule=decision.rule)
            )
        assert decision.policy is not None
        credentials = credentials_of(request, self.spider())
        if credentials and not decision.policy.authenticated:
            raise self.recorder.refuse(
                PolicyRefusal(
                    request.url,
                    decision.host,
                    f"request carries credentials ({credentials}) and {decision.policy.file} "
                    "does not set authenticated = true: data behind a login is not collected",
                )
            )
        request.meta[meta.POLICY] = decision.policy
        request.meta[meta.DECISION] = decision
        request.meta[meta.JUDGED_URL] = request.url
        return None


def _host(url: str) -> str:
    try:
        return host_of_url(url)
    except ValueError:
        return ""


def credentials_of(request: Request, spider: Spider | None) -> str:
    """Describe the credentials a request carries to the site, or "" when it carries none.

    Credential headers are those ``crawl/credentials.py`` names (``Authorization``,
    ``X-Api-Key``, ``X-Auth-Token``...); ``Proxy-Authorization`` is judged by the last check,
    once ``HttpProxyMiddleware`` has chosen the proxy that takes it.
    Cookies the site set itself are added later by CookiesMiddleware and are not seen here;
    only cookies the spider set are.
    """
    found = [f"{name} header" for name in credentials_sent(request, proxy_known=False)]
    if request.headers.get(b"Cookie") or request.cookies:
        found.append("cookies set by the spider")
    if urlsplit(request.url).username is not None:
        found.append("user info in the URL")
    if request.meta.get(meta.HTTP_USER) or (
        spider is not None and getattr(spider, "http_user", "")
    ):
        found.append("HTTP auth (http_user)")
    return ", ".join(found)
