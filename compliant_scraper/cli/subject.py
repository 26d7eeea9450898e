"""``compliant-scraper subject ...``: data-subject requests (R5, R8, R9, R12)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from ..clock import today_utc
from ..letters import LANGS
from ..tooling import httpcache, requests, subjects
from ..tooling.access_letter import access_letter
from ..tooling.base import open_existing, parse_day
from ..tooling.lookup import parse_identifier
from ..tooling.person import Person, find_person
from ..tooling.policy_report import load
from ..tooling.screening import open_suppression
from . import _project
from ._app import main
from ._options import db_option, key_file_option, key_path, policies_option, region_option
from ._progress import Bar

_yes = click.option("--yes", is_flag=True, help="Do not ask for confirmation.")


def _request_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--request",
        "request_id",
        type=int,
        default=None,
        metavar="ID",
        help="The request this answers (`subject request open`): closed when done.",
    )(func)


@main.group()
def subject() -> None:
    """Requests from the person: access, erase, object, restrict, rectify, contacted.

    Each acts on every record of the person (linked by email, phone, or name plus
    organisation or postal address) and is recorded in the audit log with keyed hashes, never
    the email or phone itself.
    """


def _touched(person: Person, ids: list[int] | None = None) -> None:
    for cid in person.ids if ids is None else ids:
        click.echo(f"  {person.describe(cid)}")


def _steps(steps: list[subjects.Step]) -> None:
    for s in steps:
        exports = ", ".join(map(str, s.export_ids))
        click.echo(
            f"  recipient_notified: tell {s.recipient} (exports {exports}) about contact "
            f"{s.contact_id}, then `subject notified {s.contact_id} --recipient {s.recipient}` "
            "(Art. 19)"
        )


@subject.command("access", short_help="The access reply to the person, as a letter (Art. 15).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--json", "as_json", is_flag=True, help="The machine-readable form instead.")
@click.option("--lang", type=click.Choice(LANGS), default=None, help="The letter's language.")
@_request_option
@db_option
@policies_option
@key_file_option
@region_option
def access_command(
    identifier: str,
    as_json: bool,
    lang: str | None,
    request_id: int | None,
    db_path: Path,
    policy_dir: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Everything held about the person and where it came from (Art. 15): a letter in the
    person's language, or JSON with --json."""
    db = open_existing(db_path)
    suppression = open_suppression(db, key_path(db_path, key_file), region)
    ident = parse_identifier(identifier, region)
    if as_json:
        result = subjects.access(db, suppression, ident, request_id=request_id)
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    registry = load(policy_dir, today_utc())  # read before the request is closed
    result = subjects.access(db, suppression, ident, request_id=request_id)
    click.echo(
        access_letter(
            db,
            registry,
            result,
            today=today_utc(),
            lang=lang,
            reference=request_id,
            records_days=int(_project.setting("COMPLIANCE_RECORDS_RETENTION_DAYS")),
        ),
        nl=False,
    )


def _remove(
    action: str,
    identifier: str,
    yes: bool,
    request_id: int | None,
    db_path: Path,
    key_file: Path | None,
    region: str,
) -> None:
    db = open_existing(db_path)
    suppression = open_suppression(db, key_path(db_path, key_file), region)
    ident = parse_identifier(identifier, region)
    ids = find_person(db, ident).ids
    what = f"{len(ids)} contact(s) ({', '.join(map(str, ids))})" if ids else "no contact held"
    verb = {"erase": "Erase", "object": "Record the objection of"}[action]
    if not yes:
        click.confirm(f"{verb} {ident}: {what}; add to the suppression list?", abort=True)
    with Bar("Amending exports") as bar:
        done = subjects.remove_person(
            db, suppression, ident, action=action, request_id=request_id, on_progress=bar
        )
    click.echo(
        f"{'Erased' if action == 'erase' else 'Objection recorded'}: {ident}; "
        f"{_deleted(done.contact_ids)}; "
        f"suppressed: {', '.join(done.suppressed) or 'nothing'}"
    )
    _touched(done.person)
    if done.records_deleted:
        click.echo(
            f"  drops rows deleted: {done.records_deleted['drops']}; "
            f"refusals rows deleted: {done.records_deleted['refusals']}"
        )
    if done.unrecognisable:
        click.echo(
            "Warning: no email, phone or name with postal address to suppress: a later crawl "
            "could collect this person again.",
            err=True,
        )
    for a in done.amendments:
        if a.rewritten:
            click.echo(f"Export {a.export_id} ({a.path}): rewritten without the person")
        else:
            click.echo(f"Export {a.export_id} (recipient {a.recipient}): {a.note} (Art. 19)")
    _steps(done.steps)
    cache = httpcache.inspect(_project.httpcache_dir())
    if cache is not None:  # page copies may hold the person: files, not rows
        click.echo(cache.describe(), err=True)


@subject.command("erase", short_help="Erase the person and suppress them (Art. 17).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_yes
@_request_option
@db_option
@key_file_option
@region_option
def erase_command(
    identifier: str,
    yes: bool,
    request_id: int | None,
    db_path: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Delete every record of the person, their sources and the drops and refusals of their
    pages; suppress them so no crawl under any purpose collects them again."""
    _remove("erase", identifier, yes, request_id, db_path, key_file, region)


@subject.command(
    "object", short_help="Record an objection (Art. 21): suppress, take out of exports."
)
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_yes
@_request_option
@db_option
@key_file_option
@region_option
def object_command(
    identifier: str,
    yes: bool,
    request_id: int | None,
    db_path: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Suppress the person in every purpose (Art. 21) and take them out of every export."""
    _remove("object", identifier, yes, request_id, db_path, key_file, region)


@subject.command("restrict", short_help="Restrict the person's records (Art. 18): kept, not used.")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--reason", required=True, help="Why (e.g. the person contests the accuracy).")
@_request_option
@db_option
@region_option
def restrict_command(
    identifier: str, reason: str, request_id: int | None, db_path: Path, region: str
) -> None:
    """Keep every record of the person but stop using them: no export, no crawl update."""
    person = subjects.restrict(
        open_existing(db_path), parse_identifier(identifier, region), reason, request_id=request_id
    )
    click.echo(f"Restricted: {person.query}; contacts: {', '.join(map(str, person.ids))}")
    _touched(person)


@subject.command("unrestrict", short_help="Lift a restriction (Art. 18(3)).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_request_option
@db_option
@region_option
def unrestrict_command(identifier: str, request_id: int | None, db_path: Path, region: str) -> None:
    """Lift the restriction of every record of the person (tell the person first, 18(3))."""
    person = subjects.unrestrict(
        open_existing(db_path), parse_identifier(identifier, region), request_id=request_id
    )
    click.echo(f"Restriction lifted: {person.query}; contacts: {', '.join(map(str, person.ids))}")
    _touched(person)


@subject.command("rectify", short_help="Correct one field of the person's records (Art. 16).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--field", "field_name", required=True, type=click.Choice(subjects.RECTIFIABLE))
@click.option("--value", required=True, help="The correct value (empty to clear the field).")
@_request_option
@db_option
@region_option
def rectify_command(
    identifier: str,
    field_name: str,
    value: str,
    request_id: int | None,
    db_path: Path,
    region: str,
) -> None:
    """Correct one field on the record named and every linked record holding that field;
    the log records the field, never the value."""
    done = subjects.rectify(
        open_existing(db_path),
        parse_identifier(identifier, region),
        field_name,
        value,
        region,
        request_id=request_id,
    )
    click.echo(f"{field_name} rectified on contacts {', '.join(map(str, done.contact_ids))}")
    _touched(done.person, done.contact_ids)
    _steps(done.steps)


@subject.command("contacted", short_help="Record a reply, click or call: moves retention (R9).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="Date of the contact.")
@click.option(
    "--how", required=True, metavar="reply|click|call", help="How the person reached out."
)
@_request_option
@db_option
@key_file_option
@region_option
def contacted_command(
    identifier: str,
    on: str,
    how: str,
    request_id: int | None,
    db_path: Path,
    key_file: Path | None,
    region: str,
) -> None:
    """Record a contact from the person (reply, click, call): moves retention_until (R9); for
    a person purged at the end of retention, lifts their retention markers."""
    day = parse_day(on, "--on")
    db = open_existing(db_path)
    ident = parse_identifier(identifier, region)
    suppression = (
        None if ident.kind == "id" else open_suppression(db, key_path(db_path, key_file), region)
    )
    updated = subjects.contacted(
        db, suppression, ident, on=day, how=how, today=today_utc(), request_id=request_id
    )
    if "markers_lifted" in updated:
        click.echo(
            f"{ident}: {how} on {day.isoformat()} recorded; retention markers lifted: "
            f"{updated['markers_lifted']} (a later crawl may collect the person again)"
        )
        return
    click.echo(
        f"Contact {updated['id']}: {how} on {day.isoformat()} recorded; "
        f"retention until {updated['retention_until']}"
    )


@subject.command("notified", short_help="Mark a recipient told of a change (Art. 19).")
@click.argument("contact_id", metavar="ID", type=int)
@click.option("--recipient", required=True, metavar="KEY", help="Key from recipients.toml.")
@_request_option
@db_option
def notified_command(
    contact_id: int, recipient: str, request_id: int | None, db_path: Path
) -> None:
    """Record that RECIPIENT was told of the rectification or erasure of contact ID."""
    subjects.notified(
        open_existing(db_path), contact_id, recipient, request_id=request_id, today=today_utc()
    )
    click.echo(f"Contact {contact_id}: {recipient} notified (Art. 19)")


@subject.group("request")
def request_group() -> None:
    """The request ledger: due one month after receipt, extensible by two (Art. 12(3))."""


def _line(r: requests.Request) -> str:
    today = today_utc()
    ext = (
        f", extended {r.extended_months} month(s): {r.extension_reason}"
        if r.extended_months
        else ""
    )
    closed = f", answered {r.closed_on} by {r.closed_by}" if r.closed_on else ""
    identity = "identity checked" if r.identity_checked_on else "identity NOT checked"
    return (
        f"request {r.id} [{r.state(today)}] {r.kind} from {r.requester}: received "
        f"{r.received_on}, due {r.due_on}{ext}{closed}; {identity}"
    )


@request_group.command("open", short_help="Record a request received from a person.")
@click.option(
    "--kind", required=True, type=click.Choice(requests.KINDS), help="What the person asks."
)
@click.option("--received", required=True, metavar="YYYY-MM-DD", help="Date of receipt.")
@click.option("--from", "requester", required=True, metavar="TEXT", help="Who sent it.")
@click.option("--identity-checked", is_flag=True, help="The requester's identity is checked.")
@db_option
def request_open_command(
    kind: str, received: str, requester: str, identity_checked: bool, db_path: Path
) -> None:
    """Record a request; prints its id and its due date (one month after receipt)."""
    r = requests.open_request(
        open_existing(db_path),
        kind=kind,
        received=parse_day(received, "--received"),
        requester=requester,
        identity_checked=identity_checked,
        today=today_utc(),
    )
    click.echo(f"Request {r.id} ({r.kind}): due {r.due_on}")


@request_group.command("extend", short_help="Extend a request by 1 or 2 months (Art. 12(3)).")
@click.argument("request_id", metavar="ID", type=int)
@click.option("--months", required=True, type=click.IntRange(1, 2), help="1 or 2.")
@click.option("--reason", required=True, help="The reason the person must be told.")
@db_option
def request_extend_command(request_id: int, months: int, reason: str, db_path: Path) -> None:
    """Extend within the first month; tell the person the reason (Art. 12(3))."""
    r = requests.extend(
        open_existing(db_path), request_id, months=months, reason=reason, today=today_utc()
    )
    click.echo(
        f"Request {r.id}: due {r.due_on}; tell the person before {r.first_due}: "
        f"{r.extension_reason}"
    )


@request_group.command("identity", short_help="Record that the requester's identity is checked.")
@click.argument("request_id", metavar="ID", type=int)
@db_option
def request_identity_command(request_id: int, db_path: Path) -> None:
    """Record that the identity of the requester is checked (Art. 12(6))."""
    r = requests.mark_identity_checked(open_existing(db_path), request_id, today_utc())
    click.echo(f"Request {r.id}: identity checked on {r.identity_checked_on}")


@request_group.command("list", short_help="List requests (open, overdue, answered).")
@click.option("--due", is_flag=True, help="Only requests not yet answered.")
@click.option("--overdue", is_flag=True, help="Only requests past their due date.")
@db_option
def request_list_command(due: bool, overdue: bool, db_path: Path) -> None:
    """Every request with its state: open, overdue, answered, answered_late."""
    found = requests.listing(open_existing(db_path), today_utc(), due=due, overdue=overdue)
    for r in found:
        click.echo(_line(r))
    if not found:
        click.echo("No request" + (" overdue" if overdue else " due" if due else ""))


def _deleted(ids: Sequence[int]) -> str:
    """``2 contacts deleted (ids 1, 2)``: a count, then the ids, never an id read as a count."""
    if not ids:
        return "no contact deleted"
    plural = "" if len(ids) == 1 else "s"
    return f"{len(ids)} contact{plural} deleted (id{plural} {', '.join(map(str, ids))})"
