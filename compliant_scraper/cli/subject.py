"""``compliant-scraper subject ...``: data-subject requests (R5, R8, R9)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..clock import today_utc
from ..tooling import httpcache, subjects
from ..tooling.base import open_existing, parse_day
from ..tooling.lookup import parse_identifier
from ..tooling.screening import open_suppression
from . import _project
from ._app import main
from ._options import db_option, key_file_option, key_path, region_option
from ._progress import Bar

_yes = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")


@main.group()
def subject() -> None:
    """Requests from the person: access, erase, object, rectify, contacted.

    Each is recorded in the audit log with keyed hashes, never the email or phone itself.
    """


@subject.command("access", short_help="Everything held about the person, as JSON (Art. 15).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@db_option
@key_file_option
@region_option
def access_command(identifier: str, db_path: Path, key_file: Path | None, region: str) -> None:
    """Everything held about the person and where it came from, as JSON (Art. 15)."""
    db = open_existing(db_path)
    suppression = open_suppression(db, key_path(db_path, key_file), region)
    result = subjects.access(db, suppression, parse_identifier(identifier, region))
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _remove(
    action: str, identifier: str, yes: bool, db_path: Path, key_file: Path | None, region: str
) -> None:
    db = open_existing(db_path)
    suppression = open_suppression(db, key_path(db_path, key_file), region)
    ident = parse_identifier(identifier, region)
    ids = [c["id"] for c in subjects.person_contacts(db, ident)[0]]
    what = f"{len(ids)} contact(s) ({', '.join(map(str, ids))})" if ids else "no contact held"
    verb = {"erase": "Erase", "object": "Record the objection of"}[action]
    if not yes:
        click.confirm(f"{verb} {ident}: {what}; add to the suppression list?", abort=True)
    with Bar("Amending exports") as bar:
        done = subjects.remove_person(db, suppression, ident, action=action, on_progress=bar)
    click.echo(
        f"{'Erased' if action == 'erase' else 'Objection recorded'}: {ident}; "
        f"contacts deleted: {', '.join(map(str, done.contact_ids)) or 'none'}; "
        f"suppressed: {', '.join(done.suppressed) or 'nothing'}"
    )
    if done.unrecognisable:
        click.echo(
            "Warning: no email or phone to suppress: a later crawl could collect this "
            "person again (only the email and phone are kept on the suppression list).",
            err=True,
        )
    for a in done.amendments:
        if a.rewritten:
            click.echo(f"Export {a.export_id} ({a.path}): rewritten without the person")
        else:
            click.echo(f"Export {a.export_id} (recipient {a.recipient}): {a.note} (Art. 19)")
    cache = httpcache.inspect(_project.httpcache_dir())
    if cache is not None:  # page copies may hold the person: files, not rows
        click.echo(cache.describe(), err=True)


@subject.command("erase", short_help="Erase the person and suppress them (Art. 17).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_yes
@db_option
@key_file_option
@region_option
def erase_command(
    identifier: str, yes: bool, db_path: Path, key_file: Path | None, region: str
) -> None:
    """Delete the contact(s) and sources; suppress the person so no crawl collects them again."""
    _remove("erase", identifier, yes, db_path, key_file, region)


@subject.command(
    "object", short_help="Record an objection (Art. 21): suppress, take out of exports."
)
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_yes
@db_option
@key_file_option
@region_option
def object_command(
    identifier: str, yes: bool, db_path: Path, key_file: Path | None, region: str
) -> None:
    """Suppress the person (Art. 21) and take them out of every export; keep only the trail."""
    _remove("object", identifier, yes, db_path, key_file, region)


@subject.command("rectify", short_help="Correct one field of a contact (Art. 16).")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--field", "field_name", required=True, type=click.Choice(subjects.RECTIFIABLE))
@click.option("--value", required=True, help="The correct value (empty to clear the field).")
@db_option
@region_option
def rectify_command(
    contact_id: int, field_name: str, value: str, db_path: Path, region: str
) -> None:
    """Correct one field of a contact (Art. 16); the log records the field, never the value."""
    subjects.rectify(open_existing(db_path), contact_id, field_name, value, region)
    click.echo(f"Contact {contact_id}: {field_name} rectified")


@subject.command("contacted", short_help="Record a reply, click or call: moves retention (R9).")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="Date of the contact.")
@click.option(
    "--how", required=True, metavar="reply|click|call", help="How the person reached out."
)
@db_option
def contacted_command(contact_id: int, on: str, how: str, db_path: Path) -> None:
    """Record a contact from the person (reply, click, call): moves retention_until (R9)."""
    day = parse_day(on, "--on")
    updated = subjects.contacted(
        open_existing(db_path), contact_id, on=day, how=how, today=today_utc()
    )
    click.echo(
        f"Contact {contact_id}: {how} on {day.isoformat()} recorded; "
        f"retention until {updated['retention_until']}"
    )
