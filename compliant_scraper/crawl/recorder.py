"""The crawl's recorder: every refusal and every drop becomes a row, a stat and a log line.

Record before you raise: ``raise recorder.refuse(SomeRefusal(...))`` writes the refusal row,
counts it and logs it (the first refusal per stage and domain at INFO, the rest at DEBUG, as
Scrapy's offsite middleware does), then the exception carries it. Drops (``field="*"`` for a
whole item) never carry the value, only what and why; they are counted locally and added to
the stats in bulk, as this runs for every dropped value, and an item's drops are written as
one row per reason (``begin_item``/``end_item``).
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
        self._item: list[tuple[str, str, str, str]] | None = None  # the drops held

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
        """Record a value (``field``) or a whole item (``field="*"``) that was not kept.

        Between ``begin_item`` and ``end_item`` the item's drops are held and written as one
        row per page and reason, naming its fields (issue 16 item 2); outside, one row each.
        """
        if self._item is not None:
            self._item.append((url, field, reason, rule))
        else:
            self._write(url, (field,), reason, rule, None, None)
        self._drop_counts[reason] += 1
        self._drop_counted += 1
        if self._drop_counted >= _STATS_EVERY:
            self.flush_stats()

    def begin_item(self) -> None:
        """Hold the drops of the item about to be screened (see ``end_item``)."""
        self._item = []

    def end_item(self, email_hash: str | None, phone_hash: str | None) -> None:
        """Write the held drops, one row per page and (reason, rule), each with the keyed
        hashes of the item's email and number (by which an erasure finds them, issue 13)."""
        held, self._item = self._item, None
        if not held:
            return
        groups: dict[tuple[str, str, str], list[str]] = {}
        for url, field, reason, rule in held:
            groups.setdefault((url, reason, rule), []).append(field)
        for (url, reason, rule), fields in groups.items():
            self._write(url, tuple(fields), reason, rule, email_hash, phone_hash)

    def _write(
        self,
        url: str,
        fields: tuple[str, ...],
        reason: str,
        rule: str,
        email_hash: str | None,
        phone_hash: str | None,
    ) -> None:
        facts = self.facts
        self.store.record_drop(
            Drop(facts.run_id, url, fields, reason, rule, facts.now(), email_hash, phone_hash)
        )

    def flush_stats(self) -> None:
        """Add the locally counted drops to the crawl's stats (``compliance/dropped/<reason>``)."""
        for reason, count in self._drop_counts.items():
            self.inc_stat(meta.DROPPED.format(reason), count)
        self._drop_counts.clear()
        self._drop_counted = 0
