"""``ComplianceLogFormatter``: the crawl log never holds a value the compliance layer refused.

Scrapy's own formatter prints the whole item when it is dropped or fails in a pipeline. An item
the compliance pipeline drops is the raw, unscreened item: its Bloctel-listed number, its
sensitive bio. Printing it would keep in the log what the store refuses to keep (R4, R7, R8).
So a dropped or failed item is logged by its source URL and the reason only; the reason and
rule are in the ``drops`` table and the ``compliance/dropped/<reason>`` stats.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.logformatter import LogFormatter, LogFormatterResult

from .items import provenance_of
from .refusals import ComplianceDrop

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.http import Response
    from twisted.python.failure import Failure

_DROPPED = "Dropped item from %(source)s: %(exception)s (values not logged)"
_ITEM_ERROR = "Error processing item from %(source)s (values not logged)"


def _source(item: Any, response: Response | Failure | None) -> str:
    provenance = provenance_of(item)
    if provenance is not None:
        return provenance.source_url
    url = getattr(response, "url", None)
    return str(url) if url else "(no response)"


class ComplianceLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().dropped(item, exception, response, spider)
        if isinstance(exception, ComplianceDrop):
            # Expected compliance behaviour, counted and recorded: not a warning.
            result["level"] = logging.DEBUG
        result["msg"] = _DROPPED
        result["args"] = {"source": _source(item, response), "exception": exception}
        return result

    def item_error(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        result = super().item_error(item, exception, response, spider)
        result["msg"] = _ITEM_ERROR
        result["args"] = {"source": _source(item, response)}
        return result
