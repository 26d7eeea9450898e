"""Published policy registries and the switches of each run (cluster mode, issue 15; R2).

- ``policy_registries``: one row per registry published with ``cluster publish``, by its
  sha256 (``policy.published.registry_sha256``), who published it and when.
- ``registry_files``: the files of each, by registry sha256 and relative path, with the
  file's own sha256. UTF-8 files are kept as text (an auditor reads them as written);
  anything else as base64 (``encoding`` says which).
- ``registry_switches``: each registry a run judged with, in order: the one it started with
  (``from_sha256`` empty) and every switch after it, with the announced version.

A registry is immutable: publishing the same sha256 again changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from . import audit_log
from .backend import Db, rows_as_dicts

UTF8 = "utf-8"
BASE64 = "base64"


def add(db: Db, sha256: str, files: Mapping[str, bytes], published_at: str, by: str) -> bool:
    """Store the registry ``sha256`` made of ``files``; False when it was stored before."""
    found = db.execute("SELECT 1 FROM policy_registries WHERE sha256 = ?", [sha256]).fetchone()
    if found is not None:
        return False
    db.execute(
        "INSERT INTO policy_registries (sha256, published_at, published_by, files) "
        "VALUES (?, ?, ?, ?)",
        [sha256, published_at, by, len(files)],
    )
    rows = []
    for name, data in sorted(files.items()):
        try:
            content, encoding = data.decode("utf-8"), UTF8
        except UnicodeDecodeError:
            content, encoding = base64.b64encode(data).decode("ascii"), BASE64
        rows.append((sha256, name, hashlib.sha256(data).hexdigest(), content, encoding))
    db.executemany(
        "INSERT INTO registry_files (registry_sha256, file, sha256, content, encoding) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )
    audit_log.append(db, "registry_published", {"sha256": sha256, "files": len(files), "by": by})
    return True


def files(db: Db, sha256: str) -> dict[str, bytes] | None:
    """The files of the registry ``sha256`` (relative path -> bytes); None when unknown."""
    if db.execute("SELECT 1 FROM policy_registries WHERE sha256 = ?", [sha256]).fetchone() is None:
        return None
    found: dict[str, bytes] = {}
    for name, content, encoding in db.execute(
        "SELECT file, content, encoding FROM registry_files WHERE registry_sha256 = ? "
        "ORDER BY file",
        [sha256],
    ).fetchall():
        text = str(content)
        found[str(name)] = base64.b64decode(text) if encoding == BASE64 else text.encode("utf-8")
    return found


def add_switch(
    db: Db, run_id: str, at: str, version: int, from_sha256: str, to_sha256: str
) -> None:
    db.execute(
        "INSERT INTO registry_switches (run_id, at, version, from_sha256, to_sha256) "
        "VALUES (?, ?, ?, ?, ?)",
        [run_id, at, version, from_sha256, to_sha256],
    )
    audit_log.append(
        db,
        "registry_switch",
        {"run_id": run_id, "version": version, "from": from_sha256, "to": to_sha256},
    )


def switches(db: Db, run_id: str | None = None) -> list[dict[str, Any]]:
    """(run_id, at, version, from_sha256, to_sha256) of each switch, oldest first."""
    where, params = ("WHERE run_id = ? ", [run_id]) if run_id is not None else ("", [])
    return rows_as_dicts(
        db.execute(
            "SELECT run_id, at, version, from_sha256, to_sha256 FROM registry_switches "
            f"{where}ORDER BY id",
            params,
        )
    )
