"""``compliant-scraper cluster ...``: cluster mode's commands (docs/cluster.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..clock import today_utc
from ..cluster.connection import redacted
from ..errors import PolicyError
from . import _project
from ._app import main


@main.group()
def cluster() -> None:
    """Cluster mode: many workers, one crawl (Redis and a PostgreSQL store)."""


_F = TypeVar("_F", bound=Callable[..., Any])


def _setting(name: str) -> str | None:
    value = _project.setting(name)
    return None if value in (None, "") else str(value)


def _project_option(
    flag: str, setting: str, help: str, dest: str | None = None
) -> Callable[[_F], _F]:
    """An option whose default is the Scrapy project's *setting* (read when the command runs)."""
    names = (flag, dest) if dest else (flag,)
    return click.option(
        *names,
        default=lambda: _setting(setting),
        help=f"{help} (default: {setting} of the project).",
    )


def _require(*pairs: tuple[str | None, str]) -> None:
    """A usage error naming the first option that has no value from the line or the project."""
    for value, option in pairs:
        if not value:
            raise click.UsageError(f"{option} is required (or set it in the Scrapy project)")


_REDIS_URL = _project_option("--redis-url", "COMPLIANCE_CLUSTER_REDIS_URL", "The cluster's Redis")


@cluster.command("publish")
@click.argument(
    "directory",
    required=False,
    default=_project.default_policy_dir,
    type=click.Path(file_okay=False, path_type=Path),
)
@_project_option("--db", "COMPLIANCE_STORE_URL", "The cluster's PostgreSQL store", "store_url")
@_REDIS_URL
@_project_option("--crawl-id", "COMPLIANCE_CRAWL_ID", "The crawl whose workers take it")
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=30.0,
    show_default=True,
    help="Seconds to wait for every live worker to switch to it.",
)
def publish_command(
    directory: Path, store_url: str | None, redis_url: str | None, crawl_id: str | None, wait: float
) -> None:
    """Validate the registry in DIRECTORY, store it by sha256, and put it in force.

    Every worker of the crawl loads it from the store and switches before its next decision
    (refusing every request while it cannot). DIRECTORY defaults to COMPLIANCE_POLICY_DIR.
    Exit code 1 when it is invalid, or when a live worker has not switched within --wait.
    """
    from ..tooling.cluster_publish import publish

    _require((store_url, "--db"), (redis_url, "--redis-url"), (crawl_id, "--crawl-id"))
    assert store_url and redis_url and crawl_id
    try:
        result = publish(directory, store_url, redis_url, crawl_id, today=today_utc(), wait=wait)
    except PolicyError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        n = len(exc.problems)
        raise click.ClickException(
            f"{n} problem{'' if n == 1 else 's'} in {directory}: nothing was published"
        ) from None
    a = result.announcement
    stored = "stored" if result.stored else "already in the store"
    click.echo(
        f"Registry {a.sha256} ({result.files} files, {stored}) announced as version "
        f"{a.version} of crawl {crawl_id} on {redacted(redis_url)}"
    )
    live = len(result.switched) + len(result.pending)
    if not live:
        click.echo("No worker is running: workers starting from now on take it.")
        return
    click.echo(f"Switched: {len(result.switched)} of {live} live workers")
    if result.pending:
        for w in result.pending:
            click.echo(f"  not yet: {w.worker_id} ({w.state}, registry {w.registry_sha256 or '-'})")
        raise click.ClickException(
            f"{len(result.pending)} live worker(s) had not switched after {wait:g} s: they "
            "refuse every request until they do (see their logs)"
        )


@cluster.command("status")
@_REDIS_URL
@_project_option("--crawl-id", "COMPLIANCE_CRAWL_ID", "The crawl")
def status_command(redis_url: str | None, crawl_id: str | None) -> None:
    """The crawl's announced registry, its queue, and every worker with its registry."""
    from ..tooling.cluster_publish import status

    _require((redis_url, "--redis-url"), (crawl_id, "--crawl-id"))
    assert redis_url and crawl_id
    found = status(redis_url, crawl_id)
    a = found.announcement
    click.echo(
        f"Crawl {crawl_id}: registry "
        + (
            f"{a.sha256} (version {a.version}, by {a.published_by} at {a.published_at})"
            if a
            else "none published"
        )
    )
    click.echo(
        f"Queue: {found.queued} requests; {len(found.alive_ids)} live workers, {found.busy} busy"
    )
    for w in found.workers:
        live = "live" if w.worker_id in found.alive_ids else "gone"
        click.echo(
            f"  {w.worker_id} {live} {w.state} run {w.run_id or '-'} registry "
            f"{w.registry_sha256 or '-'}"
        )
