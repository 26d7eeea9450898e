"""The bundled project's Scrapy settings that are measured choices (issue 16 item 3)."""

from __future__ import annotations

from scrapy.settings import Settings

from compliant_scraper import settings as bundled


def test_concurrent_items_is_lowered_for_directory_pages() -> None:
    """Scrapy's default of 100 tasks per response costs CPU on every page of a directory,
    which yields one contact or a few (docs/performance.md)."""
    assert Settings().getint("CONCURRENT_ITEMS") == 100
    loaded = Settings()
    loaded.setmodule(bundled, priority="project")
    assert loaded.getint("CONCURRENT_ITEMS") == 16
