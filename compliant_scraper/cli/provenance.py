"""``compliant-scraper provenance ID|EMAIL|PHONE``: every source of a contact (R5)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..tooling.base import open_report
from ..tooling.lookup import parse_identifier
from ..tooling.source_trail import format_trail, trails
from ._app import main
from ._options import db_option, region_option


@main.command("provenance", short_help="Every source of a contact (R5).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@region_option
def provenance_command(identifier: str, as_json: bool, db_path: Path, region: str) -> None:
    """Every source of that contact: URL, time, policy file and sha256, robots.txt sha256,
    extraction method. An email or phone may match one contact per purpose."""
    found = trails(open_report(db_path), parse_identifier(identifier, region))
    if as_json:
        click.echo(json.dumps([t.as_dict() for t in found], indent=2, ensure_ascii=False))
        return
    click.echo("\n\n".join(format_trail(t) for t in found))
