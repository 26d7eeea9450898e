"""The crawl's recorder: every refusal and every drop becomes a row, a stat and a log line.

Record before you raise: ``raise recorder.refuse(SomeRefusal(...))`` writes the refusal row,
counts it and logs it (the first refusal per stage and domain at INFO, the rest at DEBUG, as
Scrapy's offsite middleware does), then the exception carries it. Drops (``field="*"`` for a
whole item) never carry the value, only what and why; they are counted locally and added to
the stats in bulk, as this runs for every dropped value.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from ..records import Drop, Refusal
from . import meta
from .refusals import ComplianceRefusal

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from ..store.base import ComplianceStore
    from .facts import CrawlFacts

logger = logging.getLogger(__name__)

_STATS_EVERY = 1000  # drops counted locally before they are added to the stats


class Recorder:
    def __init__(
        self, facts: CrawlFacts, store: ComplianceStore, stats: StatsCollector | None
    ) -> None:
        self.facts = facts
        self.store = store
        self.stats = stats
        self._refused_domains: set[str] = set()
        self._drop_counts: Counter[str] = Counter()
        self._drop_counted = 0

    def inc_stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, count)

    def refuse(self, refusal: ComplianceRefusal) -> ComplianceRefusal:
        """Record a refusal (table, stats, log) and return it, for the caller to raise."""
        self.store.record_refusal(
            Refusal(
                run_id=self.facts.run_id,
                url=refusal.url,
                domain=refusal.domain,
                stage=refusal.stage,
                rule=refusal.rule,
                reason=refusal.reason,
                at=self.facts.now(),
            )
        )
        self.inc_stat(meta.REFUSED.format(refusal.stage))
        key = f"{refusal.stage}:{refusal.domain}"
        if key not in self._refused_domains:
            self._refused_domains.add(key)
            logger.info(
                "Refused %s (%s, %s): %s (further %s refusals for %s logged at DEBUG)",
                refusal.url,
                refusal.stage,
                refusal.rule,
                refusal.reason,
                refusal.stage,
                refusal.domain,
            )
        else:
            logger.debug(
                "Refused %s (%s, %s): %s", refusal.url, refusal.stage, refusal.rule, refusal.reason
            )
        return refusal

    def drop(self, url: str, field: str, reason: str, rule: str) -> None:
        """Record a value (``field``) or a whole item (``field="*"``) that was not kept."""
        self.store.record_drop(
            Drop(
                run_id=self.facts.run_id,
                url=url,
                field=field,
                reason=reason,
                rule=rule,
                at=self.facts.now(),
            )
        )
        self._drop_counts[reason] += 1
        self._drop_counted += 1
        if self._drop_counted >= _STATS_EVERY:
            self.flush_stats()

    def flush_stats(self) -> None:
        """Add the locally counted drops to the crawl's stats (``compliance/dropped/<reason>``)."""
        for reason, count in self._drop_counts.items():
            self.inc_stat(meta.DROPPED.format(reason), count)
        self._drop_counts.clear()
        self._drop_counted = 0
