"""``compliant-scraper bloctel ...``: opposition-list commands (R7)."""

from __future__ import annotations

import click

from ._app import main


@main.group()
def bloctel() -> None:
    """Import and inspect the Bloctel opposition list (R7)."""
