"""What every tooling module shares: the user-error type, opening the store, reading dates.

A ``ToolingError`` is a mistake of the user's (unknown contact, bad date, missing database):
the CLI prints it as one ``Error: ...`` line and exits 1. Anything else is a bug.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ..errors import UserError
from ..store.database import open_database
from ..store.sqlite import SqliteDb


class ToolingError(UserError):
    """A user error, reported as ``Error: <message>`` (one line, exit code 1)."""


def open_existing(path: str | os.PathLike[str]) -> SqliteDb:
    """Open (and migrate) the store at ``path``, which must exist: never create an empty one."""
    path = Path(path)
    if not path.is_file():
        raise ToolingError(f"no database at {path} (pass --db PATH, or run a crawl first)")
    return open_database(path)


def parse_day(text: str, what: str) -> date:
    """An ISO date given by the user, or a ToolingError naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ToolingError(f"{what}: expected a date as YYYY-MM-DD, got {text!r}") from None
