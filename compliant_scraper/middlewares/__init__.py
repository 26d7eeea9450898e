"""Deprecated: the compliance middlewares moved to ``compliant_scraper.crawl`` (docs/reference.md).

``compliant_scraper.middlewares.<module>.<Class>`` paths still resolve, with a
``DeprecationWarning``, for one release.
"""
