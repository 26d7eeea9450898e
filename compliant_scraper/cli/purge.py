"""``compliant-scraper purge``: delete what is past retention (R9)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clock import today_utc
from ..config import DEFAULTS
from ..errors import PolicyError
from ..policy.loader import load_registry
from ..policy.model import Registry
from ..tooling import httpcache, retention
from ..tooling.base import open_existing, open_report
from ..tooling.screening import open_suppression
from . import _project
from ._app import main
from ._options import db_option, key_file_option, key_path, policies_option, region_option
from ._progress import Bar


def _registry(policy_dir: Path) -> Registry | None:
    """The registry, for each purpose's ``stale_after_days``; None (the default applies to
    every purpose, said on standard error) when it cannot be read."""
    if not policy_dir.is_dir():
        click.echo(
            f"Note: no policy registry at {policy_dir}: stale_after_days is the default for "
            "every purpose",
            err=True,
        )
        return None
    try:
        return load_registry(policy_dir, today=today_utc())
    except PolicyError as exc:
        click.echo(
            f"Note: the policy registry has {len(exc.problems)} problem(s) (run policy "
            "validate): stale_after_days is the default for every purpose",
            err=True,
        )
        return None


@main.command("purge", short_help="Delete what is past retention (R9).")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
@click.option(
    "--records-days",
    type=click.IntRange(min=1),
    default=DEFAULTS["COMPLIANCE_RECORDS_RETENTION_DAYS"],
    show_default=True,
    help="Delete drops and refusals rows older than this (COMPLIANCE_RECORDS_RETENTION_DAYS).",
)
@db_option
@policies_option
@key_file_option
@region_option
def purge_command(
    dry_run: bool,
    records_days: int,
    db_path: Path,
    policy_dir: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Delete contacts past retention_until (leaving retention markers), contacts whose
    sources are all gone for longer than stale_after_days, and old drops and refusals rows."""
    db = open_report(db_path) if dry_run else open_existing(db_path)  # a dry run only reads
    suppression = None if dry_run else open_suppression(db, key_path(db_path, key_file), region)
    registry = _registry(policy_dir)
    with Bar("Purging") as bar:
        result = retention.purge(
            db,
            today_utc(),
            dry_run=dry_run,
            suppression=suppression,
            registry=registry,
            records_days=records_days,
            on_progress=bar,
        )
    for e in result.expired:
        click.echo(
            f"contact {e.contact_id} ({e.purpose}): first seen {e.first_seen}, "
            f"retention until {e.retention_until}, {e.sources} source(s)"
        )
    for s in result.stale:
        click.echo(
            f"contact {s.contact_id} ({s.purpose}): source_gone since {s.gone_since} "
            f"(stale after {s.stale_after_days} days), {s.sources} source(s)"
        )
    for cid in result.restricted_kept:
        click.echo(f"contact {cid}: restricted (Art. 18): kept until the restriction is lifted")
    n = len(result.expired)
    records = ", ".join(f"{v} {k}" for k, v in result.records.items() if v)
    old = f" rows older than {records_days} days: {records}" if records else ""
    if dry_run:
        click.echo(
            f"Dry run: {n} contact(s) past retention and {len(result.stale)} source_gone "
            f"would be deleted" + (f";{old}" if old else "")
        )
    elif result.purge_id is None:
        click.echo("Nothing past retention")
    else:
        click.echo(
            f"Deleted {n} contact(s) past retention and {len(result.stale)} source_gone "
            f"(purge {result.purge_id}); retention markers: {result.markers}"
            + (f"; deleted{old}" if old else "")
        )
        for a in result.amendments:
            state = "rewritten" if a.rewritten else a.note
            click.echo(f"Export {a.export_id} (recipient {a.recipient}): {state}")
    cache = httpcache.inspect(_project.httpcache_dir())
    if cache is not None:
        click.echo(cache.describe())
