"""``compliant-scraper purge``: delete contacts past retention (R9)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clock import today_utc
from ..tooling import retention
from ..tooling.base import open_existing
from ._app import main
from ._options import db_option


@main.command("purge", short_help="Delete contacts past retention (R9).")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@db_option
def purge_command(dry_run: bool, db_path: Path) -> None:
    """Delete contacts past retention_until, with their sources; print and record them."""
    result = retention.purge(open_existing(db_path), today_utc(), dry_run=dry_run)
    for e in result.expired:
        click.echo(
            f"contact {e.contact_id} ({e.purpose}): first seen {e.first_seen}, "
            f"retention until {e.retention_until}, {e.sources} source(s)"
        )
    n = len(result.expired)
    if dry_run:
        click.echo(f"Dry run: {n} contact(s) past retention would be deleted")
    elif result.purge_id is None:
        click.echo("Nothing past retention")
    else:
        click.echo(f"Deleted {n} contact(s) past retention (purge {result.purge_id})")
        for a in result.amendments:
            state = "rewritten" if a.rewritten else a.note
            click.echo(f"Export {a.export_id} (recipient {a.recipient}): {state}")
