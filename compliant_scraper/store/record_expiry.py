"""Deleting ``drops`` and ``refusals`` rows: by age (retention) and by the person's pages.

Their URLs can name people (``.../jeanne-martin.html``), so they are personal data too: they
expire after ``COMPLIANCE_RECORDS_RETENTION_DAYS`` (``purge``) and an erasure deletes the
rows of the person's source pages (issue 13 item 6).
"""

from __future__ import annotations

from collections.abc import Sequence

from .backend import Db, chunks, marks

_TABLES = ("drops", "refusals")


def delete_for_urls(db: Db, urls: Sequence[str]) -> dict[str, int]:
    """Delete the rows about these URLs; {table: rows deleted}."""
    deleted = dict.fromkeys(_TABLES, 0)
    for chunk in chunks(sorted(set(urls))):
        for table in _TABLES:
            cursor = db.execute(f"DELETE FROM {table} WHERE url IN ({marks(chunk)})", list(chunk))
            deleted[table] += int(cursor.rowcount)
    return deleted


def delete_for_hashes(db: Db, hashes: Sequence[str]) -> int:
    """Delete the ``drops`` rows of the items whose email or E.164 number has one of these
    keyed hashes (the suppression list's, ``opposition.suppression.lookup_hashes``); how
    many. So an erasure reaches a person's drops on pages whose URL does not name them."""
    deleted = 0
    for chunk in chunks(sorted(set(hashes))):
        cursor = db.execute(
            f"DELETE FROM drops WHERE email_hash IN ({marks(chunk)}) "
            f"OR phone_hash IN ({marks(chunk)})",
            [*chunk, *chunk],
        )
        deleted += int(cursor.rowcount)
    return deleted


def count_before(db: Db, cutoff: str) -> dict[str, int]:
    """{table: rows recorded before ``cutoff`` (ISO time)}."""
    return {
        t: int(db.execute(f"SELECT count(*) FROM {t} WHERE at < ?", [cutoff]).fetchone()[0])
        for t in _TABLES
    }


def delete_before(db: Db, cutoff: str) -> dict[str, int]:
    """Delete the rows recorded before ``cutoff`` (ISO time); {table: rows deleted}."""
    return {t: int(db.execute(f"DELETE FROM {t} WHERE at < ?", [cutoff]).rowcount) for t in _TABLES}
