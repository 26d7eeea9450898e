"""The ``compliant-scraper`` click group. Command modules attach themselves to ``main``."""

from __future__ import annotations

import click

from ..product import __version__

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="compliant-scraper")
def main() -> None:
    """compliant-scraper: crawl public directories with the law enforced by the framework.

    Crawls run with `scrapy crawl`; these commands are for legal, auditors and the
    controller: policies, opposition lists, audits, notices, exports and rights.
    """
