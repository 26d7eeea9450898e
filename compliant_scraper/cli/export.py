"""``compliant-scraper export``: the contacts of a purpose that may still be used (R10)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..clock import today_utc
from ..tooling import exports
from ..tooling.base import ToolingError, open_existing
from ..tooling.notices import LANGS
from ..tooling.policy_report import load
from ..tooling.screening import open_suppression
from ._app import main
from ._options import (
    db_option,
    key_file_option,
    key_path,
    policies_option,
    region_option,
)
from ._progress import Bar


@main.command("export", short_help="Export a purpose's usable contacts (R10).")
@click.option("--purpose", required=True, help="Export the contacts collected for this purpose.")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A new file (written owner-only); default: standard output.",
)
@click.option(
    "--recipient",
    default="internal",
    show_default=True,
    help="Who receives it: internal (the controller) or a key of recipients.toml.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language of the notice in each row (default: each contact's, from its country).",
)
@click.option(
    "--inform-now",
    is_flag=True,
    help="Also export contacts not yet informed of this recipient; their notices are due today.",
)
@db_option
@policies_option
@key_file_option
@region_option
def export_command(
    purpose: str,
    fmt: str,
    out: Path | None,
    recipient: str,
    lang: str | None,
    inform_now: bool,
    db_path: Path,
    policy_dir: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Contacts of PURPOSE not suppressed, not past retention and, for a phone purpose, not on
    the opposition lists in force; each row with its source URLs and its Art. 14 notice.

    Recorded in `exports` (when, purpose, recipient, count, sha256); the rows' notices become
    due at first communication.
    """
    if out is not None and out.exists():
        raise ToolingError(f"--out: {out} exists; each export goes to a new file")
    today = today_utc()
    db = open_existing(db_path)
    registry = load(policy_dir, today)
    suppression = open_suppression(db, key_path(db_path, key_file), region)
    if out is None:
        result = exports.export_to_stream(
            db,
            registry,
            suppression,
            sys.stdout.buffer,
            purpose=purpose,
            fmt=fmt,
            recipient=recipient,
            lang=lang,
            inform_now=inform_now,
            today=today,
        )  # no bar: standard output carries the export itself
    else:
        with Bar(f"Exporting {purpose}") as bar:
            result = exports.export_to_file(
                db,
                registry,
                suppression,
                out,
                purpose=purpose,
                fmt=fmt,
                recipient=recipient,
                lang=lang,
                inform_now=inform_now,
                today=today,
                on_progress=bar,
            )
    excluded = ", ".join(f"{k} {v}" for k, v in sorted(result.excluded.items())) or "none"
    lists = ", ".join(f"{i.display_name} of {i.list_date}" for i in result.lists) or "none"
    click.echo(
        f"Export {result.export_id}: {result.count} contacts for {purpose} to {recipient} "
        f"({fmt}, sha256 {result.sha256}); excluded: {excluded}; opposition lists: {lists}; "
        f"notices now due at first communication: {result.notices_marked}",
        err=True,
    )
