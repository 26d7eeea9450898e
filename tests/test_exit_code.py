"""Problems found once the engine runs make ``scrapy crawl`` exit 1 (gate lane 2026-12-04).

Scrapy's exit code is 1 only when a crawler has no spider when its crawl ends
(``CrawlerProcess.bootstrap_failed``); ``startup.exit_failed`` lets go of the spider once
nothing reads it. The real crawls are in tests/test_user_project.py
(``test_a_problem_found_once_the_engine_runs_exits_non_zero``) and
tests/test_cluster_scheduler.py (``test_a_crawl_id_is_one_spider``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Spider, signals
from scrapy.utils.test import get_crawler
from support.contexts import POLICY, context

from compliant_scraper.crawl.startup import exit_failed
from compliant_scraper.errors import StoreError


class Named(Spider):
    name = "named"


def test_before_the_engine_runs_the_spider_is_let_go_of_after_spider_closed() -> None:
    crawler = get_crawler(Named)
    spider = Named()
    crawler.spider = spider
    exit_failed(crawler)
    exit_failed(crawler)  # once is enough
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert crawler.spider is spider  # the engine never ran: spider_closed is the signal
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="x")
    assert crawler.spider is None


def test_a_run_whose_end_cannot_be_recorded_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It logged CRITICAL "The run's end could not be recorded" and exited 0."""
    ctx = context(tmp_path, (POLICY,))
    crawler = get_crawler(Named)
    spider = Named()
    crawler.spider = spider
    ctx._crawler = crawler

    def fail(*args: object) -> None:
        raise StoreError("disk full")

    monkeypatch.setattr(ctx.store, "finish_run", fail)
    ctx._spider_closed(spider, "finished")
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert crawler.spider is None
