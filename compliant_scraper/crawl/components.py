"""The compliance components, their chains and priorities: the one list the add-on installs
and the start-up check verifies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Component:
    setting: str  # DOWNLOADER_MIDDLEWARES, SPIDER_MIDDLEWARES or ITEM_PIPELINES
    path: str
    priority: int
    role: str


COMPONENTS: Final[tuple[Component, ...]] = (
    # First in the downloader chain: nothing else sees a request the gate refuses (R2).
    Component(
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.crawl.policy_gate.PolicyGateMiddleware",
        40,
        "policy gate (R2)",
    ),
    # Where Scrapy's RobotsTxtMiddleware sat, which this replaces (R3).
    Component(
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.crawl.robots.StrictRobotsMiddleware",
        100,
        "strict robots.txt (R3)",
    ),
    # Below HttpCompressionMiddleware (590) so it reads decompressed bodies, above
    # MetaRefreshMiddleware (580) and RetryMiddleware (550).
    Component(
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.crawl.response_checks.ResponseChecksMiddleware",
        585,
        "TDM reservation and login-wall checks (R2, R3)",
    ),
    # Last: judges the URL, Host header and credentials about to be sent, after every other
    # middleware added its headers (DEFAULT_REQUEST_HEADERS, http_user) or rewrote the URL.
    Component(
        "DOWNLOADER_MIDDLEWARES",
        "compliant_scraper.crawl.last_check.LastCheckMiddleware",
        1_000_000,
        "last check before download (R2)",
    ),
    Component(
        "SPIDER_MIDDLEWARES",
        "compliant_scraper.crawl.provenance_stamp.ProvenanceMiddleware",
        950,
        "provenance stamp (R5)",
    ),
    # First pipeline: no other pipeline ever sees an item before it is minimised.
    Component(
        "ITEM_PIPELINES",
        "compliant_scraper.crawl.pipeline.CompliancePipeline",
        1,
        "compliance pipeline (R4, R6-R9)",
    ),
)

SCRAPY_ROBOTS_MIDDLEWARE: Final = "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware"
