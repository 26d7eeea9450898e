"""The request gate: every request is judged against the policy registry before it is sent (R2).

It sits first in the downloader chain, so start URLs, followed links, redirect targets,
retries and robots.txt fetches all pass it, whatever their ``dont_filter`` says. It judges
the target URL, never the proxy a request goes through.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..policy.decide import decide
from ..rules import Rule
from .context import ComplianceContext
from .refusals import PolicyRefusal

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

# Set on the requests the compliance layer makes itself (robots.txt, tdmrep.json): they are
# judged like any other request, except that a policy's ``paths`` do not restrict them.
META_INTERNAL = "compliance_internal"


class PolicyGateMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ctx = ComplianceContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PolicyGateMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        ctx = self.ctx
        decision = decide(
            ctx.registry,
            request.url,
            purpose=ctx.purpose.name,
            today=ctx.today,
            internal=bool(request.meta.get(META_INTERNAL)),
        )
        if not decision.allowed:
            raise ctx.refuse(
                PolicyRefusal(request.url, decision.host, decision.rule, decision.reason)
            )
        assert decision.policy is not None
        credentials = credentials_of(request, self.crawler)
        if credentials and not decision.policy.authenticated:
            raise ctx.refuse(
                PolicyRefusal(
                    request.url,
                    decision.host,
                    Rule.R2,
                    f"request carries credentials ({credentials}) and {decision.policy.file} "
                    "does not set authenticated = true: data behind a login is not collected",
                )
            )
        request.meta["compliance_policy"] = decision.policy


def credentials_of(request: Request, crawler: Crawler) -> str:
    """Describe the credentials a request carries to the site, or "" when it carries none.

    Proxy credentials (``Proxy-Authorization``) are for the proxy, not the site: ignored.
    Cookies the site set itself are added later by CookiesMiddleware and are not seen here;
    only cookies the spider set are.
    """
    found = []
    if request.headers.get(b"Authorization"):
        found.append("Authorization header")
    if request.headers.get(b"Cookie") or request.cookies:
        found.append("cookies set by the spider")
    if urlsplit(request.url).username is not None:
        found.append("user info in the URL")
    spider = crawler.spider
    if request.meta.get("http_user") or (spider is not None and getattr(spider, "http_user", "")):
        found.append("HTTP auth (http_user)")
    return ", ".join(found)
