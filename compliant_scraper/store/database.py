"""Open the compliance database: owner-only file, WAL journal, schema migrated."""

from __future__ import annotations

import os
from pathlib import Path

from . import schema, schema_tooling
from .sqlite import SqliteDb


def open_database(path: str | os.PathLike[str], *, migrate: bool = True) -> SqliteDb:
    """Open (creating owner-only if missing) the SQLite store at ``path`` and migrate it.

    The file is created with mode 0600 before SQLite touches it, so no window exists in
    which another user could read it (R10: the export is a personal-data database).
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
            os.close(fd)
        else:
            os.chmod(path, 0o600)
    db = SqliteDb(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    if migrate:
        schema.migrations.apply(db)
        schema_tooling.migrations.apply(db)
    return db
