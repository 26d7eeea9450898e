"""Scrapy settings of the bundled project. The add-on does the compliance wiring."""

from __future__ import annotations

from compliant_scraper import product

BOT_NAME = "compliant_scraper"
SPIDER_MODULES = ["compliant_scraper.spiders"]
NEWSPIDER_MODULE = "compliant_scraper.spiders"

ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}

# Identify the crawler honestly; robots.txt groups are matched on this product token.
USER_AGENT = product.USER_AGENT

# Be polite by default.
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = False

COMPLIANCE_POLICY_DIR = "policies"
COMPLIANCE_DB = "compliance.db"
COMPLIANCE_DEFAULT_REGION = "FR"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
