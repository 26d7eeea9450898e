"""The product's own identity: its version and the user agent it crawls and fetches with.

A root module (layer 1), so that the command line, ``tooling/`` and the bundled Scrapy
project read the same values without importing the package face or the bundled settings.
"""

from __future__ import annotations

from typing import Final

__version__: Final = "0.1.0"

# Identify the crawler honestly; robots.txt groups are matched on this product token.
USER_AGENT: Final = "compliant-scraper/0.1 (+https://example.invalid/compliant-scraper)"
