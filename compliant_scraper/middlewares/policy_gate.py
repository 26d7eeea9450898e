"""Deprecated: moved to ``compliant_scraper.crawl.policy_gate``.

This path is kept for one release, with a ``DeprecationWarning``.
"""

from __future__ import annotations

from .._moved import forward

__getattr__ = forward(__name__, "compliant_scraper.crawl.policy_gate")
