"""Deprecated home of the compliance pipeline (``compliant_scraper.crawl.pipeline``).

``compliant_scraper.pipeline.compliance.CompliancePipeline`` still resolves, with a
``DeprecationWarning``, for one release.
"""
