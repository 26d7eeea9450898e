"""Spider middleware: stamps every item with its provenance, from the response that produced it.

A user's own spider gets the same stamp without writing a line. An item with no response
(yielded from ``start()``) or from a response no policy allows gets no stamp, and the
compliance pipeline drops it (fail closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from scrapy import Request

from ..clock import utcnow
from ..policy.decide import decide
from ..provenance import ITEM_KEY, Provenance, origin_of
from .context import ComplianceContext
from .robots import META_ROBOTS_SHA256

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class ProvenanceMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ctx = ComplianceContext.of(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenanceMiddleware:
        return cls(crawler)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        provenance: Provenance | None = None
        async for obj in result:
            if isinstance(obj, Request) or not is_item(obj):
                yield obj
                continue
            if provenance is None:
                provenance = self.provenance_for(response)
            yield stamp(obj, provenance, self.ctx)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        provenance: Provenance | None = None
        for obj in result:
            if isinstance(obj, Request) or not is_item(obj):
                yield obj
                continue
            if provenance is None:
                provenance = self.provenance_for(response)
            yield stamp(obj, provenance, self.ctx)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Items yielded by ``start()`` have no response, hence no source: unstamped."""
        async for obj in start:
            if isinstance(obj, Request) or not is_item(obj):
                yield obj
            else:
                yield stamp(obj, None, self.ctx)

    def provenance_for(self, response: Response) -> Provenance | None:
        ctx = self.ctx
        decision = decide(ctx.registry, response.url, purpose=ctx.purpose.name, today=ctx.today)
        if not decision.allowed or decision.policy is None:
            return None
        # The robots.txt in force when this very response was fetched (set on the request by
        # the robots middleware), else the origin's current one.
        robots = response.request.meta.get(META_ROBOTS_SHA256) if response.request else None
        if robots is None:
            parts = urlsplit(response.url)
            robots = ctx.robots_sha256.get(origin_of(parts.scheme, decision.host, parts.port))
        if robots is None:
            return None
        policy = decision.policy
        return Provenance(
            source_url=response.url,
            retrieved_at=utcnow(),
            spider=ctx.spider_name,
            run_id=ctx.run_id,
            policy_file=policy.file,
            policy_sha256=policy.sha256,
            robots_sha256=robots,
            method="",
        )


def stamp(item: Any, provenance: Provenance | None, ctx: ComplianceContext) -> dict[str, Any]:
    """A plain dict copy of ``item`` carrying its provenance (``None`` when it has none)."""
    data = dict(ItemAdapter(item).items())
    if provenance is not None:
        method = str(data.get("method") or "spider")
        provenance = Provenance(**{**provenance.__dict__, "method": method})
    data[ITEM_KEY] = provenance
    ctx.inc_stat("compliance/provenance/stamped" if provenance else "compliance/provenance/missing")
    return data
