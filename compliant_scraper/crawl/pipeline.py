"""``CompliancePipeline``: the first item pipeline; nothing downstream sees an unscreened item.

It runs ``ContactProcessor`` on every item and stores what survives with ``ContactWriter``.
What it returns to later pipelines is the minimised, screened contact, with its provenance, as
an item of the class the spider yielded (``items.py``).

It also tells the writer which pages answered (``response_received``): a 404 or 410 marks
the sources at that URL gone, and a page read whose stored contacts it no longer gives marks
them ``contact_absent`` when the crawl closes (issue 13, R9: ``source_gone``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scrapy import signals

from ..errors import ContactDropped
from ..screening.processor import ContactProcessor
from . import meta
from .context import ComplianceContext
from .items import as_mapping, screened
from .refusals import ComplianceDrop

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from ..store.base import ContactSink
    from .recorder import Recorder

logger = logging.getLogger(__name__)

SubjectHashes = Callable[[str | None, str | None], tuple[str | None, str | None]]


def _no_hashes(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    return None, None


class CompliancePipeline:
    def __init__(
        self,
        processor: ContactProcessor,
        writer: ContactSink,
        recorder: Recorder,
        subject_hashes: SubjectHashes | None = None,
    ) -> None:
        self.processor = processor
        self.writer = writer
        self.recorder = recorder
        # The suppression list's keyed hashes of the item's email and number (drops rows).
        self.subject_hashes = subject_hashes or _no_hashes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CompliancePipeline:
        ctx = ComplianceContext.of(crawler)
        facts, store = ctx.facts, ctx.store
        config, purpose = facts.config, facts.purpose
        screening = ctx.screening
        if screening is None:  # a context built by hand, without the start-up check
            screening = store.open_screening(
                purpose, facts.today, config.key_file, config.default_region
            )
        processor = ContactProcessor(
            purpose,
            config.default_region,
            ctx.recorder.drop,
            screening.suppression,
            screening.opposition,
            markers=screening.suppression.markers(purpose.name),
        )
        pipeline = cls(
            processor,
            store.contact_writer(purpose.name, purpose.legal_basis),
            ctx.recorder,
            screening.suppression.subject_hashes,
        )
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        return pipeline

    def response_received(self, response: Response, request: Request) -> None:
        if request.meta.get(meta.INTERNAL):  # robots.txt, tdmrep.json: not contact pages
            return
        self.writer.page_answered(response.url, response.status, self.recorder.facts.now())

    def spider_error(self, response: Response) -> None:
        self.writer.page_failed(response.url)

    def process_item(self, item: Any) -> Any:
        """The screened contact, as an item of the class received (``items.screened``)."""
        recorder = self.recorder
        recorder.begin_item()  # the item's drops: one row per reason (issue 16 item 2)
        try:
            return self._process(item)
        finally:
            recorder.end_item(*self.subject_hashes(*self.processor.identifiers))

    def _process(self, item: Any) -> Any:
        try:
            processed = self.processor.process(as_mapping(item))
        except ContactDropped as dropped:
            raise ComplianceDrop.of(dropped) from None
        try:
            self.writer.save(processed.contact, processed.provenance, processed.fields)
        except ContactDropped as dropped:  # suppressed while it was screened (R8)
            self.recorder.drop(processed.provenance.source_url, "*", dropped.reason, dropped.rule)
            raise ComplianceDrop.of(dropped) from None
        self.recorder.inc_stat(meta.KEPT_CONTACTS)
        return screened(item, processed.contact, processed.provenance)

    def close_spider(self) -> None:
        """Pipelines close before ``spider_closed``, where the context closes the run."""
        self.writer.flush()
        facts = self.recorder.facts
        self.writer.close_pages(facts.run_id, facts.now())
