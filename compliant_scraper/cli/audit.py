"""``compliant-scraper audit ...``: the auditor's report, log verification, Datasette."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, cast

import click

from ..clock import today_utc, utcnow
from ..store import audit_log, contacts, runs
from ..store.postgres import redacted
from ..tooling import audit_serve
from ..tooling.audit_detail import build_detail
from ..tooling.audit_html import render_html
from ..tooling.audit_report import build_report
from ..tooling.audit_text import format_text
from ..tooling.base import ToolingError, open_report
from ._app import main
from ._options import db_option, policies_option, sqlite_file
from ._progress import Bar


@main.group(
    invoke_without_command=True, short_help="Audit report; verify the log; serve Datasette."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report as one self-contained HTML file (inline SVG charts, no network).",
)
@db_option
@policies_option
@click.pass_context
def audit(
    ctx: click.Context, as_json: bool, html_out: Path | None, db_path: Path, policy_dir: Path
) -> None:
    """The audit report: runs, contacts kept, refusals, drops, lists, retention, notices,
    exports, overdue policies and the audit log's state.

    Subcommands: `audit verify` checks the log, `audit serve` starts Datasette.
    """
    if ctx.invoked_subcommand is not None:
        return
    if as_json and html_out is not None:
        raise ToolingError("--json and --html cannot be used together")
    db = open_report(db_path)
    report = build_report(db, db_path=db_path, policy_dir=policy_dir, today=today_utc())
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    elif html_out is not None:
        with Bar("Writing the report") as bar:
            report["detail"] = build_detail(
                db, db_path=str(db_path), policy_dir=policy_dir, today=today_utc()
            )
            bar(1, 2)
            html = render_html(report)
            bar(1, 2)
        # Owner-only, like the database: the report lists contacts (personal data).
        fd = os.open(html_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(html)
        click.echo(f"Report written to {html_out}")
    else:
        click.echo(format_text(report), nl=False)


def _audit_key_option(func: Any) -> Any:
    return click.option(
        "--audit-key-file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=audit_log.KEY_ENV,
        default=None,
        help="The head anchor's key (COMPLIANCE_AUDIT_KEY_FILE; default: a file of its own "
        "under ~/.config/compliant-scraper/audit-keys/, never beside the database).",
    )(func)


def _recorded_head(text: str, db: Any, key_file: Path | None) -> audit_log.Head:
    """``--head``: ID:SHA256, or a file holding it (as ``audit anchor --out`` writes), whose
    signature, when it has one, must match the audit key."""
    candidate, mac = text, None
    if Path(text).is_file():
        try:
            lines = Path(text).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ToolingError(f"--head: cannot read {text}: {exc.strerror or exc}") from None
        found = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
        signed = [ln.split()[-1] for ln in found if ln.startswith(audit_log.SIGNATURE)]
        heads = [ln for ln in found if not ln.startswith(audit_log.SIGNATURE)]
        candidate = heads[0] if heads else ""
        mac = signed[0] if signed else None
    try:
        wanted = audit_log.Head.parse(candidate)
    except ValueError as exc:
        raise ToolingError(f"--head: {exc}") from None
    if mac is not None:
        key = audit_log.head_key_file(db, key_file)
        if key is None or not os.path.lexists(key):
            raise ToolingError(
                f"--head: {text} is signed; its key ({key or 'none given'}) is needed to check "
                "it: pass --audit-key-file (or COMPLIANCE_AUDIT_KEY_FILE)"
            )
        if not audit_log.signature_matches(wanted, mac, key):
            raise ToolingError(
                f"--head: the signature of {text} does not match the key {key}: this head was "
                "not published with it"
            )
    return wanted


@audit.command("verify")
@click.option(
    "--head",
    "expected",
    metavar="ID:SHA256|FILE",
    help="A head recorded earlier (audit anchor), kept elsewhere: the log must still contain "
    "it unchanged. Checks a copy whose anchor or key is not at hand.",
)
@_audit_key_option
@db_option
def verify_command(expected: str | None, audit_key_file: Path | None, db_path: Path) -> None:
    """Recompute the audit log's hash chain, the data rows it covers, and check its head
    anchor with its key.

    Exit 1 naming what differs if a log row or a data row was edited, inserted or deleted
    outside compliant-scraper, or if the anchor or its key is missing (without --head).
    """
    db = open_report(db_path)
    wanted = _recorded_head(expected, db, audit_key_file) if expected is not None else None
    if audit_key_file is not None:
        cast(Any, db).audit_key_file = audit_key_file  # SQLite's anchor key (PostgreSQL: none)
    broken = audit_log.verify(db, expected=wanted)
    if broken is not None:
        raise ToolingError(f"audit log broken at row {broken.row_id}: {broken.message}")
    head = audit_log.head(db)
    if head is None:
        # An empty log is not an intact one: say what it means for this store.
        held = contacts.count(db) + runs.count(db)
        if held:
            raise ToolingError(
                f"the audit log of {db_path} has no row, but the store holds {held} contacts "
                "and runs: their history cannot be verified (the log was emptied, or the store "
                "was filled by another program)"
            )
        click.echo("Audit log empty: nothing has been recorded in this store yet")
        return
    click.echo(f"Audit log intact: {head.row_id} rows; head {head}")
    if wanted is not None:
        click.echo(f"recorded head {wanted} found unchanged")
    click.echo(audit_log.anchor_state(db))


@audit.command("anchor")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default=Path("-"),
    show_default=True,
    help="Where to write the head: a file kept away from the database (another disk, a "
    "ticket), or - for standard output.",
)
@_audit_key_option
@db_option
def anchor_command(out: Path, audit_key_file: Path | None, db_path: Path | str) -> None:
    """Write the log's current head (ID:SHA256), signed with the audit key, for `audit
    verify --head` to check later. Run it on a schedule (cron) on a PostgreSQL store.

    Whoever holds the database and its anchor key can rewrite both; a head kept elsewhere
    catches that, and a rollback to an older copy of the files.
    """
    db = open_report(db_path)
    shared = getattr(db, "dialect", "") == "postgresql"
    key = audit_log.head_key_file(db, audit_key_file)
    if key is None:
        raise click.UsageError(
            "--audit-key-file is required with a PostgreSQL store: the head is signed with a "
            "key kept outside the database (docs/auditor.md)"
        )
    head = audit_log.head(db)
    if head is None:
        raise ToolingError(f"the audit log of {db_path} is empty: nothing to anchor yet")
    where = redacted(str(db_path)) if shared else Path(db_path).resolve()
    signature = audit_log.signed_head(head, key)
    text = f"# compliant-scraper audit head of {where} at {utcnow()}\n{signature}\n{head}\n"
    if str(out) == "-":
        click.echo(text, nl=False)
        return
    if out.exists():
        raise ToolingError(f"{out} exists: choose a new file (a head is never overwritten)")
    out.write_text(text, encoding="utf-8")
    click.echo(f"Head {head} written to {out}")


@audit.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@db_option
def serve_command(port: int, db_path: Path) -> None:
    """Browse the database with Datasette on 127.0.0.1, with table docs and canned queries.

    Needs the optional extra: pip install 'compliant-scraper[audit]'.
    """
    path = sqlite_file(db_path, "Datasette reads SQLite only; use psql for a PostgreSQL store")
    sys.exit(audit_serve.serve(path, port))
