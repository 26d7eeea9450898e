"""A spider that names its proxy in ``meta["proxy"]`` (``-a proxy=http://127.0.0.1:PORT``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

PARSED = "META-PROXY-PARSED"


class MetaProxySpider(scrapy.Spider):
    name = "meta_proxy"

    def __init__(self, urls: str = "", proxy: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = [url for url in urls.split(",") if url]
        self.proxy = proxy

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(url, meta={"proxy": self.proxy})

    def parse(self, response: Response) -> None:
        self.logger.info("%s %s", PARSED, response.url)
