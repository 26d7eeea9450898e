"""The library behind the legal, auditor and data-subject commands (issue 5).

One module per concern; the CLI (``compliant_scraper.cli``) is a thin layer over these:

- ``policy_report``, ``terms_scan``, ``terms_fetch``: legal's view of the registry (R2).
- ``audit_report``, ``audit_text``, ``audit_html``, ``svg_charts``, ``audit_serve``,
  ``datasette_meta``: the auditor's report and Datasette (R10).
- ``lookup``, ``source_trail``: finding a contact and where it came from (R5).
- ``notices``, ``notice_ledger``: the Art. 14 text and who was informed when (R5).
- ``subjects``: access, erasure, objection, rectification, contacts from the person (R8, R9).
- ``screening``, ``exports``, ``export_amend``: exports and their later amendment (R7-R10).
- ``retention``: the purge (R9). ``register``: the Art. 30 record (R10).
- ``base``: ``ToolingError`` (a user error), opening the store, dates.
"""

from __future__ import annotations

from .base import ToolingError

__all__ = ["ToolingError"]
