"""``compliant-scraper init [DIR]``: write a starter policy registry (issue 14 item 1)."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import DEFAULTS
from ..tooling.starter import write_starter
from ._app import main


@main.command("init")
@click.argument(
    "directory",
    required=False,
    default=DEFAULTS["COMPLIANCE_POLICY_DIR"],
    type=click.Path(path_type=Path),
)
def init_command(directory: Path) -> None:
    """Write a starter policy registry into DIRECTORY (default: policies); never overwrites."""
    starter = write_starter(directory)
    click.echo(f"Wrote a starter policy registry in {directory}:")
    for path in starter.written:
        click.echo(f"  {path}")
    click.echo(
        f'Next: replace the {starter.placeholders} "FILL IN: ..." values (`compliant-scraper '
        f"policy validate {directory}` lists those left), keep only the purposes you use, and "
        "copy domains/example.toml once per site. A crawl refuses to start until the registry "
        "is valid."
    )
