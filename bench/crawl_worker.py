"""One crawl of the benchmark site, in its own process: ``python -m bench.crawl_worker``.

Both sides run the bundled ``directory`` spider (the same callbacks, the same extruct
extraction) with the same concurrency, log level and reactor:

- ``stock``: plain Scrapy, ``ROBOTSTXT_OBEY = True``, items to a JSON-lines feed;
- ``compliance``: the same plus ``ADDONS = {ComplianceAddon: 0}`` and its settings (gate,
  strict robots, TDM/login checks, provenance, compliance pipeline, SQLite store).

The project's settings module is not loaded: both sides start from Scrapy's defaults plus
``common_settings``. The proxy comes from ``http_proxy`` in the environment. The worker
writes the crawl's stats and timings as JSON to ``--result``.
"""

from __future__ import annotations

import time

STARTED = time.time()  # before Scrapy is imported: start-up includes the imports

import argparse  # noqa: E402
import cProfile  # noqa: E402
from typing import Any, Final  # noqa: E402

USER_AGENT: Final = "compliant-scraper/0.1 (+https://example.invalid/compliant-scraper)"
STAT_KEYS: Final = (
    "response_received_count",
    "downloader/request_count",
    "item_scraped_count",
    "item_dropped_count",
    "elapsed_time_seconds",
    "finish_reason",
    "log_count/ERROR",
    "log_count/WARNING",
)


def common_settings(
    concurrency: int, log_level: str, timeout: int, concurrent_items: int = 100
) -> dict[str, Any]:
    """What both sides share, stated in docs/performance.md."""
    return {
        "BOT_NAME": "bench",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": concurrent_items,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "TELNETCONSOLE_ENABLED": False,
        "CLOSESPIDER_TIMEOUT": timeout,
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "FEED_EXPORT_ENCODING": "utf-8",
    }


def side_settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = common_settings(
        args.concurrency, args.log_level, args.timeout, args.concurrent_items
    )
    if args.mode == "stock":
        settings["FEEDS"] = {args.feed: {"format": "jsonlines", "overwrite": True}}
    else:
        settings.update(
            {
                "ADDONS": {"compliant_scraper.addon.ComplianceAddon": 0},
                "COMPLIANCE_POLICY_DIR": args.policy_dir,
                "COMPLIANCE_DB": args.db,
                "COMPLIANCE_PURPOSE": args.purpose,
                "COMPLIANCE_WRITE_THREAD": args.write_thread,
            }
        )
    return settings


def crawl(args: argparse.Namespace) -> dict[str, Any]:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from compliant_scraper.spiders.directory import DirectorySpider

    marks: dict[str, float] = {}

    def opened(spider: Any) -> None:
        marks["opened"] = time.time()

    def response_received(response: Any, request: Any, spider: Any) -> None:
        marks.setdefault("first_response", time.time())

    process = CrawlerProcess(Settings(side_settings(args)), install_root_handler=True)
    crawler = process.create_crawler(DirectorySpider)
    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(response_received, signal=signals.response_received)
    process.crawl(crawler, start_url=args.start_url, max_pages=args.max_pages)
    marks["process_ready"] = time.time()
    profiler = cProfile.Profile() if args.profile else None
    if profiler is not None:
        profiler.enable()
    process.start()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    marks["closed"] = time.time()
    stats = crawler.stats.get_stats() if crawler.stats is not None else {}
    return {
        "mode": args.mode,
        "stats": {k: stats.get(k) for k in STAT_KEYS},
        "compliance_stats": {k: v for k, v in stats.items() if k.startswith("compliance/")},
        "times": {k: v - STARTED for k, v in marks.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("stock", "compliance"), required=True)
    parser.add_argument("--start-url", required=True)
    parser.add_argument("--max-pages", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--concurrent-items", type=int, default=100, help="CONCURRENT_ITEMS")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--timeout", type=int, default=900, help="CLOSESPIDER_TIMEOUT")
    parser.add_argument("--feed", help="stock: the JSON-lines feed file")
    parser.add_argument("--policy-dir", help="compliance: COMPLIANCE_POLICY_DIR")
    parser.add_argument("--db", help="compliance: COMPLIANCE_DB")
    parser.add_argument("--purpose", default="b2b_phone_prospecting")
    parser.add_argument(
        "--write-thread", action="store_true", help="compliance: COMPLIANCE_WRITE_THREAD"
    )
    parser.add_argument("--profile", help="write cProfile stats of the crawl to this file")
    parser.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    if args.mode == "stock" and not args.feed:
        parser.error("--feed is required with --mode stock")
    if args.mode == "compliance" and not (args.policy_dir and args.db):
        parser.error("--policy-dir and --db are required with --mode compliance")
    from .common import write_result

    write_result(args.result, crawl(args))


if __name__ == "__main__":
    main()
