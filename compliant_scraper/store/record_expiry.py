"""Finding and deleting ``drops`` and ``refusals`` rows: by age (retention), by the person's
pages, and by URLs that name the person.

Their URLs can name people (``.../jeanne-martin.html``), so they are personal data too: they
expire after ``COMPLIANCE_RECORDS_RETENTION_DAYS`` (``purge``); an access reply lists the
person's rows and an erasure deletes them (issue 13 item 6): those of the person's source
pages, the ``drops`` of items that carried one of the person's identifiers (their keyed
hashes, ``email_hash`` and ``phone_hash``, whatever the page), and those whose URL names the
person (``values.persons.url_names_person``; the store looks for ``url_needles`` first, then
the caller checks each URL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .backend import Db, chunks, marks, rows_as_dicts

_TABLES = ("drops", "refusals")


def ids_for_urls(db: Db, urls: Sequence[str]) -> dict[str, set[int]]:
    """{table: ids of the rows about these URLs}."""
    found: dict[str, set[int]] = {t: set() for t in _TABLES}
    for chunk in chunks(sorted(set(urls))):
        for table in _TABLES:
            sql = f"SELECT id FROM {table} WHERE url IN ({marks(chunk)})"
            found[table].update(int(r[0]) for r in db.execute(sql, list(chunk)))
    return found


def urls_containing(db: Db, needles: Sequence[str]) -> list[tuple[str, int, str]]:
    """(table, id, url) of the rows whose lower-cased URL contains one of ``needles``
    ('' matches every row): a superset (LIKE's ``_`` and ``%`` match more), for the caller's
    exact check."""
    found: dict[tuple[str, int], str] = {}
    for needle in sorted(set(needles)):
        for table in _TABLES:
            sql = f"SELECT id, url FROM {table} WHERE lower(url) LIKE ?"
            for row_id, url in db.execute(sql, [f"%{needle}%"]):
                found[(table, int(row_id))] = str(url)
    return [(table, row_id, url) for (table, row_id), url in sorted(found.items())]


def rows_of(db: Db, ids: Mapping[str, set[int]]) -> list[dict[str, Any]]:
    """The rows ``ids`` names ({table: ids}), each with its ``table``, oldest first."""
    found: list[dict[str, Any]] = []
    for table in _TABLES:
        for chunk in chunks(sorted(ids.get(table, ()))):
            sql = f"SELECT * FROM {table} WHERE id IN ({marks(chunk)})"
            found.extend({"table": table, **r} for r in rows_as_dicts(db.execute(sql, chunk)))
    return sorted(found, key=lambda r: (str(r.get("at")), r["table"], r["id"]))


def delete_ids(db: Db, ids: Mapping[str, set[int]]) -> dict[str, int]:
    """Delete the rows ``ids`` names ({table: ids}); {table: rows deleted}."""
    deleted = dict.fromkeys(_TABLES, 0)
    for table in _TABLES:
        for chunk in chunks(sorted(ids.get(table, ()))):
            cursor = db.execute(f"DELETE FROM {table} WHERE id IN ({marks(chunk)})", chunk)
            deleted[table] += int(cursor.rowcount)
    return deleted


def drop_ids_for_hashes(db: Db, hashes: Sequence[str]) -> set[int]:
    """Ids of the ``drops`` rows whose item's email or E.164 number has one of these keyed
    hashes (as ``delete_for_hashes`` matches them)."""
    found: set[int] = set()
    for chunk in chunks(sorted(set(hashes))):
        cursor = db.execute(
            f"SELECT id FROM drops WHERE email_hash IN ({marks(chunk)}) "
            f"OR phone_hash IN ({marks(chunk)})",
            [*chunk, *chunk],
        )
        found.update(int(r[0]) for r in cursor)
    return found


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
