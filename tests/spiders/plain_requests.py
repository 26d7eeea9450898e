"""A spider that sends the requests it is told to, as written: ``-a urls=U1|U2`` (``|``
separates them), ``-a meta={json}`` and ``-a headers={json}`` on each request,
``-a dont_filter=0`` to let Scrapy's duplicate filter see them.

Used by the adversarial end-to-end tests (issue 10 items 1-3): a spider that sets
``compliance_internal``, URLs in forms a server resolves to a disallowed path, a ``Host``
header naming another site.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

PARSED = "PLAIN-PARSED"


class PlainRequestsSpider(scrapy.Spider):
    name = "plain_requests"

    def __init__(
        self,
        urls: str = "",
        meta: str = "{}",
        headers: str = "{}",
        dont_filter: str = "1",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.dont_filter = dont_filter == "1"
        self.urls = [url for url in urls.split("|") if url]
        self.request_meta = json.loads(meta)
        self.request_headers = json.loads(headers)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(
                url,
                meta=dict(self.request_meta),
                headers=dict(self.request_headers) or None,
                dont_filter=self.dont_filter,
            )

    def parse(self, response: Response) -> None:
        self.logger.info("%s %s", PARSED, response.url)
