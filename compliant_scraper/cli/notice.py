"""``compliant-scraper notice ...``: the Art. 14 notice and its ledger (R5).

``notice ID --lang fr`` is short for ``notice show ID --lang fr``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..clock import day_of, today_utc
from ..tooling import notice_ledger
from ..tooling.base import open_existing, open_report, parse_day
from ..tooling.lookup import one_contact, parse_identifier
from ..tooling.notices import LANGS, build_notice
from ..tooling.policy_report import load
from ._app import main
from ._options import db_option, policies_option, region_option


class _ShowByDefault(click.Group):
    """A group whose first argument, when it is not a subcommand, goes to ``show``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


_lang = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    help="Language (default: the contact's, from its country; French when unknown).",
)


@main.group(cls=_ShowByDefault, short_help="Art. 14 notices and the notice ledger (R5).")
def notice() -> None:
    """Art. 14 notices: `notice ID [--lang fr|en|de|es|it]` prints one; `due`, `sent`, `exempt` keep
    the ledger (inform within one month of collection, or at first communication)."""


@notice.command("show", short_help="Print the Art. 14 notice of a contact (default).")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@_lang
@db_option
@policies_option
@region_option
def show_command(
    identifier: str, lang: str | None, db_path: Path, policy_dir: Path, region: str
) -> None:
    """Print the Art. 14 notice for one contact (the default: `notice ID`)."""
    db = open_report(db_path)
    registry = load(policy_dir, today_utc())
    contact = one_contact(db, parse_identifier(identifier, region))
    click.echo(build_notice(db, registry, contact, lang).text, nl=False)


@notice.command("due", short_help="Contacts to inform, overdue first.")
@click.option(
    "--within", type=click.IntRange(min=0), metavar="DAYS", help="Only deadlines within DAYS."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
def due_command(within: int | None, as_json: bool, db_path: Path) -> None:
    """Contacts not yet informed, overdue first, with their deadline and why."""
    rows = notice_ledger.due(open_report(db_path), today_utc(), within)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "contact_id": d.contact_id,
                        "purpose": d.purpose,
                        "first_seen": d.first_seen.isoformat(),
                        "deadline": d.deadline.isoformat(),
                        "days_left": d.days_left,
                        "why": d.why,
                    }
                    for d in rows
                ],
                indent=2,
            )
        )
        return
    if not rows:
        click.echo("No notice due.")
        return
    for d in rows:
        state = (
            f"OVERDUE by {-d.days_left} days"
            if d.overdue
            else ("due today" if d.days_left == 0 else f"due in {d.days_left} days")
        )
        click.echo(
            f"contact {d.contact_id} ({d.purpose}): {d.deadline.isoformat()} {state}; {d.why}"
        )


@notice.command("sent", short_help="Record that the notice was sent.")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="When it was sent.")
@click.option("--channel", type=click.Choice(notice_ledger.CHANNELS), required=True)
@_lang
@db_option
@policies_option
@region_option
def sent_command(
    identifier: str,
    on: str,
    channel: str,
    lang: str | None,
    db_path: Path,
    policy_dir: Path,
    region: str,
) -> None:
    """Record that the notice (as `notice ID` prints it now) was sent to the contact."""
    day = parse_day(on, "--on")
    if day > today_utc():
        raise click.ClickException(f"--on: {day.isoformat()} is in the future")
    db = open_existing(db_path)
    contact = one_contact(db, parse_identifier(identifier, region))
    if day < day_of(str(contact["first_seen"])):
        raise click.ClickException(
            f"--on: {day.isoformat()} is before the contact was collected "
            f"({day_of(str(contact['first_seen']))})"
        )
    text = build_notice(db, load(policy_dir, today_utc()), contact, lang)
    sent = notice_ledger.record_sent(
        db,
        int(contact["id"]),
        on=day,
        channel=channel,
        lang=text.lang,
        text_sha256=text.sha256,
        recipients=text.recipients,
    )
    late = (
        f"; LATE by {sent.days_late} day{'' if sent.days_late == 1 else 's'} "
        f"(deadline {sent.deadline.isoformat()})"
        if sent.days_late and sent.deadline
        else ""
    )
    click.echo(
        f"Recorded notice {sent.notice_id}: contact {contact['id']} informed on "
        f"{day.isoformat()} by {channel} ({text.lang}, text sha256 {text.sha256}){late}"
    )


@notice.command("exempt", short_help="Record an Art. 14(5) exemption.")
@click.argument("identifier", metavar="ID|EMAIL|PHONE")
@click.option("--ground", type=click.Choice(sorted(notice_ledger.EXEMPTIONS)), required=True)
@click.option("--reason", required=True, help="Why the ground applies (kept in the ledger).")
@click.option(
    "--measure",
    default=None,
    help="For art14-5b: the public-information measure taken (required).",
)
@db_option
@region_option
def exempt_command(
    identifier: str, ground: str, reason: str, measure: str | None, db_path: Path, region: str
) -> None:
    """Record an Art. 14(5) exemption for a contact, with its reason. art14-5b is refused
    for a contact with an email address or a phone number, and needs --measure."""
    db = open_existing(db_path)
    contact = one_contact(db, parse_identifier(identifier, region))
    holds = [kind for kind in ("email", "phone") if contact.get(kind)]
    notice_id = notice_ledger.record_exempt(
        db,
        int(contact["id"]),
        ground=ground,
        reason=reason,
        on=today_utc(),
        holds=holds,
        measure=measure,
    )
    click.echo(
        f"Recorded notice {notice_id}: contact {contact['id']} exempt, "
        f"{notice_ledger.EXEMPTIONS[ground]}"
    )
