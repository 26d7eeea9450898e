"""The ``compliant-scraper`` click group. Command modules attach themselves to ``main``.

One dialect for every command: the shared options are in ``_options``, and a user error is
reported here, once, for all of them. ``errors.UserError`` (and its subclasses
``ComplianceConfigError``, ``ToolingError``, ``ListImportError``), a database SQLite cannot
use and an operating-system error on a named file become one ``Error: <message>`` line on
standard error and exit code 1, never a traceback. Anything else is a bug and keeps its
traceback.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import click

from ..errors import UserError
from ..product import __version__
from ._options import DB_META

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


def user_message(exc: BaseException, ctx: click.Context | None = None) -> str | None:
    """The one-line report of a user error, or None for a bug."""
    if isinstance(exc, UserError):
        return " ".join(str(exc).split())
    if isinstance(exc, sqlite3.DatabaseError):
        db = ctx.meta.get(DB_META) if ctx is not None else None
        return f"cannot use the database {db}: {exc}" if db else f"cannot use the database: {exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return None


class CommandGroup(click.Group):
    """A click group whose subcommands' user errors become ``Error: ...`` (exit 1)."""

    group_class = type  # subgroups made with @main.group() are CommandGroups too

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (UserError, sqlite3.DatabaseError, OSError) as exc:
            message = user_message(exc, ctx)
            assert message is not None
            raise click.ClickException(message) from None


@click.group(cls=CommandGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="compliant-scraper")
def main() -> None:
    """compliant-scraper: crawl public directories with the law enforced by the framework.

    Crawls run with `scrapy crawl`; these commands are for legal, auditors and the
    controller: policies, opposition lists, audits, notices, exports and rights.
    """
