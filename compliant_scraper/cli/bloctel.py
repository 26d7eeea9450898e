"""``compliant-scraper bloctel ...``: opposition-list commands (R7), thin over ``opposition``."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import click

from ..clock import today_utc
from ..config import is_store_url
from ..law import check_list_date, list_age
from ..opposition.lists import (
    ImportReport,
    InvalidLinesError,
    ListImportError,
    check_import_args,
    describe_lines,
    display_name,
)
from ..store import suppression
from ..store.database import open_database
from ..store.opposition import active_lists
from ..store.postgres import redacted
from ..tooling.base import open_existing, open_report
from ..tooling.opposition_import import import_list
from . import _project
from ._app import main
from ._options import check_region, db_option, key_file_option, key_path
from ._progress import Bar


@main.group()
def bloctel() -> None:
    """Import and inspect opposition lists: Bloctel and its kind (R7)."""


@bloctel.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--date", "list_date", metavar="YYYY-MM-DD", help="Date of the list (required).")
@db_option
@click.option("--skip-invalid", is_flag=True, help="Import the valid lines, skip the others.")
@click.option("--name", default="bloctel", show_default=True, help="Name of the list.")
@click.option("--jurisdiction", default="FR", show_default=True, help="Country of the list.")
@click.option(
    "--region",
    default=_project.default_region,
    show_default=_project.REGION_SHOWN,
    callback=check_region,
    help="Country whose national format the file's numbers use.",
)
def import_command(
    file: Path,
    list_date: str | None,
    db_path: Path | str,
    skip_invalid: bool,
    name: str,
    jurisdiction: str,
    region: str,
) -> None:
    """Import FILE (one number per line, or a CSV's first column) as the active list.

    Invalid lines are reported by line number and nothing is imported, unless
    --skip-invalid. A newer list replaces the active one; an older one is refused.
    """
    day = _parse_date(list_date)
    today = today_utc()
    if day > today:  # said with the option's name, like a malformed date
        raise ListImportError(
            f"--date: {day.isoformat()} is in the future (today is {today.isoformat()})"
        )
    check_import_args(name, jurisdiction.upper(), day, today)
    file.open("rb").close()
    # A PostgreSQL store (cluster mode): the list every worker screens against (docs/cluster.md).
    database = open_existing(db_path) if is_store_url(str(db_path)) else open_database(db_path)
    try:
        with Bar(f"Reading {file.name}") as bar:
            report = import_list(
                database,
                file,
                name=name,
                jurisdiction=jurisdiction,
                list_date=day,
                skip_invalid=skip_invalid,
                default_region=region,
                on_progress=bar,
            )
    except InvalidLinesError as exc:
        raise click.ClickException(
            f"{file}: {describe_lines(exc.count, exc.lines)}; nothing imported; "
            "use --skip-invalid to import the valid lines"
        ) from None
    finally:
        database.close()
    for line in _describe_import(str(file), report):
        click.echo(line)


def _parse_date(text: str | None) -> date:
    if not text:
        raise click.ClickException("--date is required: the date of the list (YYYY-MM-DD)")
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"--date: expected YYYY-MM-DD, got {text!r}") from None


def _describe_import(file: str, report: ImportReport) -> list[str]:
    info = report.info
    lines = [
        f"Imported the {info.display_name} list ({info.jurisdiction}) dated "
        f"{info.list_date.isoformat()} from {file}: {_count(info.count, 'number')} "
        f"({_count(info.duplicates, 'duplicate')}) in {report.seconds:.1f} s."
    ]
    if report.header:
        lines.append("Skipped the header row.")
    if report.invalid_count:
        lines.append(f"Skipped {describe_lines(report.invalid_count, report.invalid_lines)}.")
    if report.replaced is not None:
        old = report.replaced
        lines.append(
            f"It replaces the list dated {old.list_date.isoformat()} "
            f"({_count(old.count, 'number')})."
        )
    return lines


@bloctel.command("status")
@db_option
@key_file_option
def status_command(db_path: Path | str, key_file: Path | None) -> None:
    """Show the active lists (date, age, size) and the suppression list."""
    shared = is_store_url(str(db_path))
    if not shared and not Path(db_path).is_file():
        raise click.ClickException(f"no database at {db_path}")
    database = open_report(db_path)
    try:
        lists = active_lists(database)
        entries = suppression.count(database)
    finally:
        database.close()
    if not lists:
        click.echo(f"No opposition list imported in {redacted(str(db_path))}.")
    today = today_utc()
    for info in lists:
        click.echo(
            f"{display_name(info.name)} ({info.jurisdiction}): dated "
            f"{info.list_date.isoformat()} ({_age(info.name, info.list_date, today)}), "
            f"{_count(info.count, 'number')}, imported {info.imported_at}, "
            f"sha256 {info.file_sha256}"
        )
    if shared and key_file is None:  # every machine keeps its own copy of the key
        where = "key file not checked (--key-file)"
    else:
        key = key_path(db_path, key_file)
        where = f"key file {key} ({'present' if key.is_file() else 'missing'})"
    click.echo(f"Suppression list: {_count(entries, 'entry', 'entries')}; {where}")


def _age(name: str, list_date: date, today: date) -> str:
    """``12 days old``, or for a closed register ``final list (register closed on ...)``."""
    age = list_age(name, list_date, today)
    closed = age.closed
    if check_list_date(name, list_date) is not None:
        return f"{_count(age.days, 'day')} old; dated after its register closed: check the date"
    if closed is None or closed.closed_on is None:
        return f"{_count(age.days, 'day')} old"
    return (
        f"final list (register closed on {closed.closed_on.isoformat()}); "
        f"{_count(age.days, 'day')} old at the closing date"
    )


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"
