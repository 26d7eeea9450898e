"""What the compliance components ask of Scrapy's engine: download a request of their own,
and slow a downloader slot down (``Crawl-delay``).

The engine exists only once every component is built, so it is looked up at each call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class Fetcher:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    async def download(self, request: Request) -> Response:
        """Download ``request`` through the whole downloader chain (the gate judges it)."""
        engine = self.crawler.engine
        if engine is None:
            raise RuntimeError("the engine is not running")
        response: Response = await engine.download_async(request)
        return response

    def slow_slot(self, request: Request, delay: float) -> None:
        """Raise the delay of the request's downloader slot to at least ``delay`` seconds,
        now and for slots made later (AutoThrottle may have lowered it)."""
        downloader: Any = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return
        key = downloader.get_slot_key(request)
        slot_settings = downloader.per_slot_settings.setdefault(key, {})
        if float(slot_settings.get("delay", 0.0)) < delay:
            slot_settings["delay"] = delay
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < delay:
            slot.delay = delay
