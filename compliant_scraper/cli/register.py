"""``compliant-scraper register``: the Art. 30 record entry, as Markdown (R10)."""

from __future__ import annotations

from pathlib import Path

import click

from ..clock import today_utc
from ..tooling import register_markdown
from ..tooling.base import ToolingError, open_report
from ..tooling.policy_report import load
from ..tooling.register_facts import register_facts
from ._app import main
from ._options import db_option, key_file_option, key_path, policies_option


@main.command("register", short_help="The Art. 30 record entry, as Markdown (R10).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
@db_option
@policies_option
@key_file_option
def register_command(
    out: Path | None, db_path: Path, policy_dir: Path, key_file: Path | None
) -> None:
    """The record of processing activities entry (Art. 30): purposes, legal bases, persons,
    data, sources, retention, recipients, security measures."""
    today = today_utc()
    db = open_report(db_path)
    facts = register_facts(
        db,
        load(policy_dir, today),
        db_path=db_path,
        today=today,
        key_file=key_path(db_path, key_file),
    )
    text = register_markdown.render(facts)
    if out is None:
        click.echo(text, nl=False)
        return
    if out.exists():
        raise ToolingError(f"--out: {out} exists; choose a new file")
    out.write_text(text, encoding="utf-8")
    click.echo(f"Register entry written to {out}")
