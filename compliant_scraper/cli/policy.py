"""``compliant-scraper policy ...``: legal's commands on the policy registry (R2)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..clock import today_utc
from ..tooling import policy_report, terms_scan
from ..tooling.base import ToolingError
from ..tooling.terms_fetch import fetch_terms
from . import _project
from ._app import main
from ._options import policies_option


@main.group()
def policy() -> None:
    """Legal's policy registry (R2): validate it, ask the gate, list reviews, scan terms."""


@policy.command("validate")
@click.argument(
    "directory",
    required=False,
    default=_project.default_policy_dir,
    type=click.Path(file_okay=False, path_type=Path),
)
def validate_command(directory: Path) -> None:
    """Check every file of DIRECTORY; one problem a line, exit 1 if any.

    DIRECTORY defaults to the registry a crawl would use: COMPLIANCE_POLICY_DIR from the
    environment or the Scrapy project's settings, else policies/ at the project root.
    """
    today = today_utc()
    problems = policy_report.validate(directory, today)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        n = len(problems)
        raise click.ClickException(f"{n} problem{'' if n == 1 else 's'} in {directory}")
    registry = policy_report.load(directory, today)
    click.echo(
        f"{directory}: valid ({len(registry.policies)} domain policies, "
        f"{len(registry.purposes)} purposes, controller {registry.controller.name})"
    )


@policy.command("check")
@click.argument("url")
@click.option("--purpose", help="The purpose a crawl would declare (COMPLIANCE_PURPOSE).")
@policies_option
def check_command(url: str, purpose: str | None, policy_dir: Path) -> None:
    """The gate's verdict on URL today: policy file, reason, clause, review due date.

    Exit code 0 when the gate would allow it, 1 when it would refuse it.
    """
    today = today_utc()
    verdict = policy_report.check(policy_report.load(policy_dir, today), url, purpose, today)
    click.echo("\n".join(verdict.lines()))
    if not verdict.allowed:
        sys.exit(1)


@policy.command("list")
@click.option("--overdue", is_flag=True, help="Only policies past their review date.")
@click.option(
    "--due-within",
    type=click.IntRange(min=0),
    metavar="DAYS",
    help="Only policies due for review within DAYS days (or overdue).",
)
@policies_option
def list_command(overdue: bool, due_within: int | None, policy_dir: Path) -> None:
    """Domain policies by review due date, overdue first."""
    today = today_utc()
    rows = policy_report.listing(
        policy_report.load(policy_dir, today), today, overdue=overdue, due_within=due_within
    )
    if not rows:
        click.echo("No policy matches.")
        return
    width = max(len(r.domain) for r in rows)
    click.echo(f"{'domain'.ljust(width)}  extraction  reviewed_on  review_due  state")
    for r in rows:
        state = (
            f"OVERDUE by {-r.days_left} days"
            if r.overdue
            else ("due today" if r.days_left == 0 else f"due in {r.days_left} days")
        )
        click.echo(
            f"{r.domain.ljust(width)}  {r.extraction.ljust(10)}  {r.reviewed_on.isoformat()}"
            f"   {r.review_due.isoformat()}  {state}"
        )


@policy.command("scan-terms")
@click.argument("source", metavar="URL_OR_FILE")
@click.option("--domain", help="The domain the draft policy is for (default: from the URL).")
@click.option(
    "--draft-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft policy to this new file instead of printing it.",
)
@policies_option
def scan_terms_command(
    source: str, domain: str | None, draft_out: Path | None, policy_dir: Path
) -> None:
    """List the clauses of a terms page that bear on scraping or re-use; print a draft policy.

    URL_OR_FILE is a saved page (HTML or text) or an http(s) URL, fetched only if the gate
    and robots.txt allow it. The command decides nothing: the draft is for legal to complete.
    """
    today = today_utc()
    terms_url: str | None = None
    if source.startswith(("http://", "https://")):
        fetched = fetch_terms(policy_report.load(policy_dir, today), source, today)
        content, terms_url = fetched.text, fetched.url
    else:
        try:
            content = Path(source).read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise ToolingError(f"cannot read {source}: {exc.strerror or exc}") from None
    page = terms_scan.read_page(content)
    terms_url = terms_url or page.canonical
    clauses = terms_scan.scan(page)
    draft = terms_scan.draft_policy(
        clauses,
        domain=domain or policy_report.domain_of(terms_url),
        terms_url=terms_url,
        source=source,
        today=today,
    )
    click.echo(terms_scan.format_clauses(clauses))
    if draft_out is not None:
        if draft_out.exists():
            raise ToolingError(f"--draft-out: {draft_out} exists; choose a new file")
        draft_out.write_text(draft, encoding="utf-8")
        click.echo(f"Draft policy written to {draft_out}: complete it, then run policy validate.")
    else:
        click.echo("Draft policy (complete every TODO; it decides nothing as it stands):\n")
        click.echo(draft, nl=False)
