"""The bundled generic ``directory`` spider: contacts of a directory site, within its hosts.

``scrapy crawl directory -a start_url=URL[,URL...] [-a max_pages=N]`` follows the ``<a>`` /
``<area>`` links of every HTML page that stay on one of the start URLs' hosts (any port, http or
https), and yields the page's contacts (see ``docs/extraction.md``). It is an ordinary spider: the
compliance add-on gates its requests and screens its items.

Bounds: at most ``max_pages`` requests (start URLs included; default 10 000) and a
``DEPTH_LIMIT`` of 10 unless the project or the command line sets one. Each page is read within
the ``COMPLIANCE_EXTRACT_MAX_*`` bounds; a page over one is recorded in ``drops`` (field ``*``,
rule R10) and what was read before the bound is yielded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Self
from urllib.parse import urldefrag, urlsplit

from scrapy import Request, Spider
from scrapy.http import HtmlResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS

from ..config import Config
from ..crawl.context import ComplianceContext
from ..errors import ComplianceConfigError
from ..extract import extract_contacts
from ..extract.contacts import OnDrop
from ..extract.encoding import redecoded
from ..extract.limits import Limits

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

DEFAULT_MAX_PAGES: Final = 10_000
DEFAULT_DEPTH_LIMIT: Final = 10
DEPTH_LIMIT_PRIORITY: Final = 5
_SKIPPED_EXTENSIONS: Final = frozenset(f".{ext}" for ext in IGNORED_EXTENSIONS)
_USAGE: Final = "-a start_url=URL[,URL...]"


def parse_start_urls(value: Any) -> list[str]:
    """The http(s) URLs of ``start_url`` (comma-separated); ``ValueError`` naming the argument."""
    if not isinstance(value, str) or not value.strip(" ,"):
        raise ValueError(f"directory spider: start_url is required: {_USAGE}")
    urls = [url.strip() for url in value.split(",") if url.strip()]
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"directory spider: start_url: {url!r} is not an http(s) URL with a host ({_USAGE})"
            )
    return urls


def parse_max_pages(value: Any) -> int:
    """A positive page budget from ``-a max_pages=N``; ``ValueError`` naming the argument."""
    try:
        pages = int(value)
    except (TypeError, ValueError):
        pages = 0
    if pages < 1:
        raise ValueError(f"directory spider: max_pages must be a positive integer, got {value!r}")
    return pages


def extraction_limits(config: Config) -> Limits:
    """The page bounds of ``config``; a clear error naming the setting when out of range."""
    try:
        return Limits(
            config.extract_max_depth, config.extract_max_items, config.extract_max_seconds
        )
    except ValueError as exc:
        raise ComplianceConfigError(f"COMPLIANCE_EXTRACT_MAX_*: {exc}") from None


class DirectorySpider(Spider):
    name = "directory"

    def __init__(
        self, start_url: Any = None, max_pages: Any = DEFAULT_MAX_PAGES, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.start_urls = parse_start_urls(start_url)
        self.max_pages = parse_max_pages(max_pages)
        self.hosts = frozenset(urlsplit(url).hostname or "" for url in self.start_urls)
        self.scheduled: set[str] = set()
        self._budget_logged = False
        self.limits = Limits()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.limits = extraction_limits(Config.from_settings(crawler.settings))
        return spider

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Just above Scrapy's "default" (0): at equal priority, the process's own defaults
        # (DEPTH_LIMIT = 0, unlimited) are re-applied over it when a crawler is handed to
        # CrawlerProcess.crawl(). Below "command" (10), "project" (20) and -s (40), so any
        # setting a project or a run makes still wins.
        settings.set("DEPTH_LIMIT", DEFAULT_DEPTH_LIMIT, priority=DEPTH_LIMIT_PRIORITY)

    async def start(self) -> AsyncIterator[Any]:
        for url in self.start_urls:
            if self._schedule(urldefrag(url).url):
                yield Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, HtmlResponse):  # PDF, image, JSON: nothing to read
            return
        crawler = getattr(self, "crawler", None)
        text, tree = response.text, response.selector.root
        content_type = response.headers.get("Content-Type")
        better = redecoded(
            response.body,
            response.encoding,
            content_type.decode("latin-1") if content_type else None,
        )
        if better is not None:  # a declared encoding the page's bytes contradict
            text, tree = better, None
        yield from extract_contacts(
            text,
            response.url,
            tree=tree,
            stats=crawler.stats if crawler is not None else None,
            limits=self.limits,
            on_drop=self._on_drop,
        )
        yield from self.follow_links(response)

    @cached_property
    def _on_drop(self) -> OnDrop | None:
        """Where a page over a bound is recorded: the compliance context's ``drops``."""
        crawler = getattr(self, "crawler", None)
        ctx = ComplianceContext.current(crawler) if crawler is not None else None
        return ctx.recorder.drop if ctx is not None else None

    def follow_links(self, response: HtmlResponse) -> Iterator[Request]:
        """Requests for the page's links on the start hosts, each URL once, within budget."""
        for href in response.selector.root.xpath("//a/@href|//area/@href"):
            url = self.followable(response, str(href))
            if url is not None and self._schedule(url):
                yield Request(url, callback=self.parse)

    def followable(self, response: HtmlResponse, href: str) -> str | None:
        """The absolute URL of ``href`` without its fragment, when it is http(s) on a start host
        and not a file (``.pdf``, ``.jpg``…); ``None`` otherwise."""
        try:
            url = urldefrag(response.urljoin(href.strip())).url
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:  # an invalid URL, e.g. a broken IPv6 literal
            return None
        if parts.scheme not in ("http", "https") or host not in self.hosts:
            return None
        path = parts.path.lower()
        if path[path.rfind(".") :] in _SKIPPED_EXTENSIONS:
            return None
        return url

    def _schedule(self, url: str) -> bool:
        if url in self.scheduled:
            return False
        if len(self.scheduled) >= self.max_pages:
            if not self._budget_logged:
                self._budget_logged = True
                self.logger.info("max_pages (%d) reached: no more links followed", self.max_pages)
            return False
        self.scheduled.add(url)
        return True
