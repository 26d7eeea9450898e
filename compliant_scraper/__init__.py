"""compliant-scraper: a Scrapy add-on that makes data-protection law the framework's job."""

from __future__ import annotations

__version__ = "0.1.0"
