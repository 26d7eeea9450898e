"""``compliant-scraper audit ...``: the auditor's report, log verification, Datasette."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..clock import today_utc
from ..store import audit_log
from ..tooling import audit_serve
from ..tooling.audit_html import render_html
from ..tooling.audit_report import build_report
from ..tooling.audit_text import format_text
from ..tooling.base import ToolingError, open_report
from ._app import main
from ._options import db_option, policies_option


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
        html_out.write_text(render_html(report), encoding="utf-8")
        click.echo(f"Report written to {html_out}")
    else:
        click.echo(format_text(report), nl=False)


@audit.command("verify")
@click.option(
    "--head",
    "expected",
    metavar="ID:SHA256",
    help="A head printed earlier (kept elsewhere): the log must still contain it.",
)
@db_option
def verify_command(expected: str | None, db_path: Path) -> None:
    """Recompute the audit log's hash chain and check its head anchor.

    Exit 1 with the first broken link if a row was edited, inserted or deleted.
    """
    wanted = None
    if expected is not None:
        try:
            wanted = audit_log.Head.parse(expected)
        except ValueError as exc:
            raise ToolingError(f"--head: {exc}") from None
    db = open_report(db_path)
    broken = audit_log.verify(db, expected=wanted)
    if broken is not None:
        raise ToolingError(f"audit log broken at row {broken.row_id}: {broken.message}")
    head = audit_log.head(db)
    rows = head.row_id if head else 0
    click.echo(f"Audit log intact: {rows} rows; head {head or '-'}")
    click.echo(audit_log.anchor_state(db))


@audit.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@db_option
def serve_command(port: int, db_path: Path) -> None:
    """Browse the database with Datasette on 127.0.0.1, with table docs and canned queries.

    Needs the optional extra: pip install 'compliant-scraper[audit]'.
    """
    sys.exit(audit_serve.serve(db_path, port))
