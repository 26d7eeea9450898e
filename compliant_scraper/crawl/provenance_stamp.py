"""Spider middleware: stamps every item with its provenance, from the response that produced it.

A user's own spider gets the same stamp without writing a line. The policy is the one the
gate allowed the request under (its decision travels on ``request.meta``), the robots.txt the
one that allowed it. An item with no response (yielded from ``start()``) or from a response
no policy allows gets no stamp, and the compliance pipeline drops it (fail closed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter, is_item
from scrapy import Request

from ..policy.decide import Decision, decide
from ..provenance import Provenance, origin_of
from . import meta
from .context import ComplianceContext
from .items import stamped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from .facts import CrawlFacts
    from .recorder import Recorder


class ProvenanceMiddleware:
    def __init__(
        self, facts: CrawlFacts, recorder: Recorder, robots_in_force: Mapping[str, str]
    ) -> None:
        self.facts = facts
        self.recorder = recorder
        self.robots_in_force = robots_in_force

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProvenanceMiddleware:
        ctx = ComplianceContext.of(crawler)
        return cls(ctx.facts, ctx.recorder, ctx.robots_in_force)

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
            yield self.stamp(obj, provenance)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        provenance: Provenance | None = None
        for obj in result:
            if isinstance(obj, Request) or not is_item(obj):
                yield obj
                continue
            if provenance is None:
                provenance = self.provenance_for(response)
            yield self.stamp(obj, provenance)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Items yielded by ``start()`` have no response, hence no source: unstamped."""
        async for obj in start:
            if isinstance(obj, Request) or not is_item(obj):
                yield obj
            else:
                yield self.stamp(obj, None)

    def provenance_for(self, response: Response) -> Provenance | None:
        facts = self.facts
        decision = self._decision(response)
        if not decision.allowed or decision.policy is None:
            return None
        # The robots.txt in force when this very response was fetched (set on the request by
        # the robots middleware), else the origin's current one.
        request = response.request
        robots = request.meta.get(meta.ROBOTS_SHA256) if request is not None else None
        if robots is None:
            parts = urlsplit(response.url)
            robots = self.robots_in_force.get(origin_of(parts.scheme, decision.host, parts.port))
        if robots is None:
            return None
        policy = decision.policy
        return Provenance(
            source_url=response.url,
            retrieved_at=facts.now(),
            spider=facts.spider_name,
            run_id=facts.run_id,
            policy_file=policy.file,
            policy_sha256=policy.sha256,
            robots_sha256=robots,
            method="",
        )

    def _decision(self, response: Response) -> Decision:
        """The gate's decision on the request that fetched this response; decided again for a
        response whose URL is not that request's, or after a registry switch (cluster mode)
        since the gate decided (fail closed either way)."""
        request = response.request
        found = request.meta.get(meta.DECISION) if request is not None else None
        facts = self.facts
        if (
            isinstance(found, Decision)
            and request is not None
            and request.url == response.url
            and not _switched_since(facts, found)
        ):
            return found
        return decide(facts.registry, response.url, purpose=facts.purpose.name, today=facts.day())

    def stamp(self, item: Any, provenance: Provenance | None) -> Any:
        """A copy of ``item``, of its own class, carrying its provenance (``None`` when it has
        none): ``items.stamped``."""
        if provenance is not None:
            method = str(ItemAdapter(item).get("method") or "spider")
            provenance = Provenance(**{**provenance.__dict__, "method": method})
        self.recorder.inc_stat(meta.PROVENANCE_STAMPED if provenance else meta.PROVENANCE_MISSING)
        return stamped(item, provenance)


def _switched_since(facts: CrawlFacts, decision: Decision) -> bool:
    """Whether cluster mode switched registries since ``decision`` (the registry in force
    no longer holds its policy object). Outside cluster mode the registry never changes."""
    policy = decision.policy
    if not facts.registry_sha256 or policy is None:
        return False
    return facts.registry.get(policy.domain) is not policy
