"""``ComplianceAddon``: one ``ADDONS`` line turns the compliance layer on in any Scrapy project.

ADDONS = {"compliant_scraper.addon.ComplianceAddon": 0}

This path is part of the contract (DESIGN.md) and stays; the add-on itself lives in
``crawl/addon.py``.
"""

from __future__ import annotations

from .crawl.addon import ComplianceAddon

__all__ = ["ComplianceAddon"]
