"""A spider that sends credentials: an Authorization header, then cookies it set itself.

The gate must refuse both on a host whose policy does not set ``authenticated = true``, and
let them through on one that does (``-a allowed_url=...``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

PARSED = "CREDENTIALS-PARSED"


class CredentialsSpider(scrapy.Spider):
    name = "credentials"

    def __init__(
        self, header_url: str = "", cookie_url: str = "", allowed_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.header_url = header_url
        self.cookie_url = cookie_url
        self.allowed_url = allowed_url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        auth = {"Authorization": "Basic dXNlcjpzZWNyZXQ="}  # user:secret
        if self.header_url:
            yield scrapy.Request(self.header_url, headers=auth)
        if self.cookie_url:
            yield scrapy.Request(self.cookie_url, cookies={"session": "s3cr3t"})
        if self.allowed_url:
            yield scrapy.Request(self.allowed_url, headers=auth)

    def parse(self, response: Response) -> None:
        self.logger.info("%s %s", PARSED, response.url)
