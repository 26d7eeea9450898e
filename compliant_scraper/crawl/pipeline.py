"""``CompliancePipeline``: the first item pipeline; nothing downstream sees an unscreened item.

It runs ``ContactProcessor`` on every item and stores what survives with ``ContactWriter``.
What it returns to later pipelines is the minimised, screened contact, with its provenance.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..errors import ContactDropped
from ..screening.processor import ContactProcessor
from .context import ComplianceContext
from .refusals import ComplianceDrop

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CompliancePipeline:
    def __init__(self, crawler: Crawler) -> None:
        ctx = self.ctx = ComplianceContext.of(crawler)
        store = ctx.store
        screening = ctx.screening
        if screening is None:  # a context built by hand, without the start-up check
            screening = store.open_screening(
                ctx.purpose, ctx.today, ctx.config.key_file, ctx.config.default_region
            )
        self.writer = store.contact_writer(ctx.purpose.name, ctx.purpose.legal_basis)
        self.processor = ContactProcessor(
            ctx.purpose,
            ctx.config.default_region,
            ctx.drop,
            screening.suppression,
            screening.opposition,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CompliancePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> dict[str, Any]:
        try:
            processed = self.processor.process(item)
        except ContactDropped as dropped:
            raise ComplianceDrop.of(dropped) from None
        self.writer.save(processed.contact, processed.provenance, processed.fields)
        self.ctx.inc_stat("compliance/kept/contacts")
        return {**processed.contact, "provenance": processed.provenance}

    def close_spider(self) -> None:
        """Pipelines close before ``spider_closed``, where the context closes the run."""
        self.writer.flush()
