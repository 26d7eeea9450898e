"""Follows every link of the pages it gets (de-duplicated by the scheduler, not by itself).

Logs ``CLUSTER-PARSED <url>`` per page, so a test can read which worker parsed which page.

    scrapy runspider tests/spiders/cluster_links.py -a start_url=http://site.test/
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse

PARSED = "CLUSTER-PARSED"


class ClusterLinksSpider(scrapy.Spider):
    name = "cluster_links"

    def __init__(self, start_url: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url)

    def parse(self, response: Response) -> Iterator[scrapy.Request]:
        self.logger.info("%s %s", PARSED, response.url)
        if isinstance(response, TextResponse):
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href)
