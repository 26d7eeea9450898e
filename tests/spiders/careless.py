"""A careless spider: follows every link it sees, on any host, with ``dont_filter=True``.

It relies on nothing but the compliance layer to stay out of forbidden places. It logs
``CARELESS-PARSED <url>`` for every response its callback receives, so a test can tell a
page the spider saw from one the compliance layer refused after download (TDM, login walls).

    scrapy runspider tests/spiders/careless.py -a start_urls=http://a.test/,http://b.test/
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

PARSED = "CARELESS-PARSED"


class CarelessSpider(scrapy.Spider):
    name = "careless"
    # Even error pages reach the callback (but not 3xx: redirects are still followed).
    handle_httpstatus_list = (401, 403, 404, 407, 429, 500, 502, 503)

    def __init__(self, start_urls: str = "", max_requests: str = "500", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [url for url in start_urls.split(",") if url]
        self.max_requests = int(max_requests)
        self.seen: set[str] = set(self.start_urls)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        self.logger.info("%s %s", PARSED, response.url)
        if not isinstance(response, TextResponse):
            return
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if not url.startswith(("http://", "https://")) or url in self.seen:
                continue
            if len(self.seen) >= self.max_requests:  # bounded, whatever the world links to
                return
            self.seen.add(url)
            yield scrapy.Request(url, dont_filter=True)
