"""What every tooling module shares: the user-error type, opening the store, reading dates.

A ``ToolingError`` is a mistake of the user's (unknown contact, bad date, missing database):
the CLI prints it as one ``Error: ...`` line and exits 1. Anything else is a bug.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from ..config import is_store_url
from ..errors import ComplianceConfigError, UserError
from ..store.backend import Db
from ..store.database import open_database, open_read_only


class ToolingError(UserError):
    """A user error, reported as ``Error: <message>`` (one line, exit code 1)."""


def _must_exist(path: Path) -> None:
    if not path.is_file():
        raise ToolingError(f"no database at {path} (pass --db PATH, or run a crawl first)")


def _postgres(url: str, *, read_only: bool = False) -> Db:
    from ..store.postgres import open_postgres

    try:
        return open_postgres(url, migrate=not read_only, read_only=read_only)
    except ComplianceConfigError as exc:
        raise ToolingError(str(exc).removeprefix("COMPLIANCE_STORE_URL: ")) from None


def open_existing(path: str | os.PathLike[str]) -> Db:
    """Open for writing (and migrate) the store at ``path``, which must exist: never create
    an empty one. For the commands that write; reporting commands use ``open_report``.
    A ``postgresql://`` URL opens the shared store of cluster mode (docs/cluster.md)."""
    if is_store_url(str(path)):
        return _postgres(str(path))
    path = Path(path)
    _must_exist(path)
    db = open_database(path, log_upgrade=False)  # said here, once
    if db.upgraded:  # said on standard error, whatever logging is set up (issue 9 item 13)
        print(
            f"Upgraded the schema of the store {path}: applied {', '.join(db.upgraded)}",
            file=sys.stderr,
        )
    return db


def open_report(path: str | os.PathLike[str]) -> Db:
    """Open the store at ``path`` read-only (issue 9 item 13): a reporting command never
    migrates, chmods or writes it, so it works on a read-only evidence copy. A PostgreSQL
    store is opened in a read-only session, unmigrated."""
    if is_store_url(str(path)):
        return _postgres(str(path), read_only=True)
    path = Path(path)
    _must_exist(path)
    return open_read_only(path)


def parse_day(text: str, what: str) -> date:
    """An ISO date given by the user, or a ToolingError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ToolingError(f"{what}: expected a date as YYYY-MM-DD, got {text!r}") from None
