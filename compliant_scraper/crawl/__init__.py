"""Everything that imports Scrapy: the add-on, its components and the per-crawl context.

Downloader middlewares (``policy_gate`` 40, ``robots`` 100, ``response_checks`` 585), the
spider middleware ``provenance_stamp`` (950), the item pipeline ``pipeline`` (1), the log
formatter, and the exceptions (``refusals``). ``components.py`` is the one list the add-on
installs and checks. docs/architecture.md has the map.
"""
