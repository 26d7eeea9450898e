"""The audit covers the data (issue 10 item 13): each transaction's audit entry commits to
the rows it wrote, and ``verify`` recomputes them from the tables.

How: every read-write connection (``database.open_database``) carries temporary triggers on
the covered tables (``COVERED``) that note the key of each row inserted, updated or deleted
(``SqliteDb.track_changes``). PostgreSQL has no temporary triggers: each covered table has one
trigger (``postgres_schema.ensure_row_triggers``) that notes the key into the session's
temporary ``cs_changes`` table when the session asked for it (``PostgresDb.track_changes``
sets ``compliance.track_changes``); another session's writes are not noted, as on SQLite.
Just before the transaction commits, after its other audit rows, ``cover`` appends one
``rows`` entry to the hash chain: for each table, the sha256 of each changed row in a
canonical form (its columns in order, as JSON), and the keys of the rows deleted. So a
legitimate deletion (erasure, objection, purge, a list replaced) is itself an audit entry
that lists what it removed.

``verify`` replays the ``rows`` entries in order into the state the tables must be in, then
reads every covered table: a row whose digest differs was changed, a row the log does not
know was inserted, a row the log holds that is missing was deleted, all outside
compliant-scraper. The opposition lists' numbers (millions of rows) are covered by one digest
per list (``opposition_lists.numbers_sha256``, itself a covered column).

A store written before this coverage gets one ``rows_baseline`` entry (the migration that
introduces it): what was in the tables then is vouched for from that point on, not before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, Final

from .backend import Db, chunks, marks
from .transaction import transaction

COVERED: Final[Mapping[str, tuple[str, ...]]] = {
    "runs": ("id",),
    "refusals": ("id",),
    "drops": ("id",),
    "robots_snapshots": ("id",),
    "policy_snapshots": ("run_id", "file"),
    "contacts": ("id",),
    "sources": ("id",),
    "opposition_lists": ("id",),
    "suppression": ("hash",),
    "notices": ("id",),
    "exports": ("id",),
    "export_rows": ("export_id", "contact_id"),
    "contact_events": ("id",),
    "purges": ("id",),
    "requests": ("id",),
    "recipient_steps": ("id",),
    "retention_markers": ("hash", "purpose"),
    "policy_registries": ("sha256",),
    "registry_files": ("registry_sha256", "file"),
    "registry_switches": ("id",),
}
"""Table -> its key columns: every table of personal data or evidence (not ``audit_log``
itself, and not ``opposition_numbers``, covered per list). A table added here after stores
exist needs a migration naming it in ``NEWLY_COVERED``: the rows such a store already holds
are then vouched for by that migration's baseline."""

NEWLY_COVERED: Final[Mapping[str, tuple[str, ...]]] = {
    "t008_audit_covers_rights": ("requests", "recipient_steps", "retention_markers"),
    "m007_policy_registries": ("policy_registries", "registry_files", "registry_switches"),
}
"""Migration name -> the tables whose coverage it starts (baselined when it is applied)."""

PG_COVERAGE_MIGRATION: Final = "p005_audit_row_triggers"
"""The PostgreSQL migration from which a store's rows are covered (``postgres_schema``)."""

ROWS_EVENT: Final = "rows"
BASELINE_EVENT: Final = "rows_baseline"
MAX_NAMED: Final = 10


def key_sql(table: str) -> str:
    """The SQL expression of a row's key, as JSON text (``[12]``, ``["run1", "a.toml"]``)."""
    return "json_array(" + ", ".join(COVERED[table]) + ")"


def row_digest(values: Sequence[Any]) -> str:
    """sha256 of a row's values, in column order, as canonical JSON."""
    text = json.dumps(list(values), ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class NumbersDigest:
    """sha256 of an opposition list's numbers, fed in ascending order, one per line."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()

    def update(self, numbers: Iterable[int]) -> None:
        self._sha.update(b"".join(b"%d\n" % n for n in numbers))

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def numbers_digest(numbers: Iterable[int]) -> str:
    digest = NumbersDigest()
    digest.update(numbers)
    return digest.hexdigest()


def list_numbers_digest(db: Db, list_id: int) -> str:
    """The digest of the numbers list ``list_id`` holds now (read in primary-key order)."""
    digest = NumbersDigest()
    cursor = db.execute(
        "SELECT number FROM opposition_numbers WHERE list_id = ? ORDER BY number", [list_id]
    )
    rows = iter(cursor)
    while batch := list(islice(rows, 50_000)):
        digest.update(int(r[0]) for r in batch)
    return digest.hexdigest()


def tables(db: Db) -> list[str]:
    """The covered tables this store has."""
    if _postgres(db):
        sql = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    present = {str(r[0]) for r in db.execute(sql)}
    return [t for t in COVERED if t in present]


def _postgres(db: Db) -> bool:
    return getattr(db, "dialect", "sqlite") == "postgresql"  # a bare sqlite-utils Database too


def canonical_key(values: Sequence[Any]) -> str:
    """A row's key as compact JSON (``[12]``, ``["run1","a.toml"]``): SQLite's ``json_array``."""
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":"))


def _digests(
    db: Db, table: str, where: str = "", params: Sequence[Any] = ()
) -> Iterator[tuple[int, str, str]]:
    """(rowid, key, digest) of the table's rows (``where``: a condition on ``rowid`` on
    SQLite, on the key columns on PostgreSQL, which has no rowid: 0 there)."""
    if _postgres(db):
        width = len(COVERED[table])
        sql = f"SELECT {', '.join(COVERED[table])}, * FROM {table} {where}"
        for row in db.execute(sql, list(params)):
            yield 0, canonical_key(row[:width]), row_digest(row[width:])
        return
    sql = f"SELECT rowid, {key_sql(table)}, * FROM {table} {where}"
    for row in db.execute(sql, list(params)):
        yield int(row[0]), str(row[1]), row_digest(row[2:])


def _rows_of(db: Db, table: str, keys: Mapping[str, int]) -> Iterator[tuple[int, str, str]]:
    """The digests of the rows of ``table`` noted changed (by rowid, or by key)."""
    if not _postgres(db):
        for chunk in chunks(sorted(set(keys.values()))):
            yield from _digests(db, table, f"WHERE rowid IN ({marks(chunk)})", chunk)
        return
    columns = COVERED[table]
    values = [json.loads(key) for key in sorted(keys)]
    for chunk in chunks(values, 500 // len(columns)):
        if len(columns) == 1:
            where = f"WHERE {columns[0]} IN ({marks(chunk)})"
            params = [v[0] for v in chunk]
        else:
            one = "(" + ", ".join("?" for _ in columns) + ")"
            where = f"WHERE ({', '.join(columns)}) IN ({', '.join(one for _ in chunk)})"
            params = [x for v in chunk for x in v]
        yield from _digests(db, table, where, params)


def changes(db: Db, noted: Sequence[tuple[str, int, str]]) -> dict[str, Any]:
    """What the noted (table, rowid, key) changes left: {"rows": {table: {key: sha}},
    "removed": {table: [key, ...]}} (keys of rows no longer there)."""
    by_table: dict[str, dict[str, int]] = {}
    for table, rowid, key in noted:
        if _postgres(db):
            key = canonical_key(json.loads(key))  # jsonb's text has spaces: SQLite's has none
        by_table.setdefault(table, {})[key] = rowid
    rows: dict[str, dict[str, str]] = {}
    removed: dict[str, list[str]] = {}
    for table, keys in sorted(by_table.items()):
        found: dict[str, str] = {}
        for _rowid, key, sha in _rows_of(db, table, keys):
            found[key] = sha
        present = {k: found[k] for k in sorted(keys) if k in found}
        gone = sorted(k for k in keys if k not in found)
        if present:
            rows[table] = present
        if gone:
            removed[table] = gone
    return {"rows": rows, "removed": removed}


def baseline(
    db: Db, only: Iterable[str] | None = None, unvouched: Sequence[str] = ()
) -> dict[str, Any]:
    """Every covered row as it is now: of every table (a store written before the coverage),
    or of the tables ``only`` names (a migration changed their columns, or starts covering
    them), whose state it then replaces. ``unvouched``: the differences those tables showed
    just before the migration, which ``verify`` keeps reporting (a migration must not
    launder a row changed outside compliant-scraper)."""
    chosen = tables(db) if only is None else [t for t in tables(db) if t in set(only)]
    rows = {}
    for table in chosen:
        digests = {key: sha for _rowid, key, sha in _digests(db, table)}
        if digests:
            rows[table] = digests
    body: dict[str, Any] = {"rows": rows, "removed": {}}
    if only is not None:
        body["tables"] = chosen
        body["unvouched"] = list(unvouched)
    return body


def shapes(db: Db) -> dict[str, tuple[str, ...]]:
    """The column names, in order, of each covered table this store has (what a row's
    digest is computed over)."""
    if _postgres(db):
        sql = (
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND table_name = ? ORDER BY ordinal_position"
        )
        return {t: tuple(str(r[0]) for r in db.execute(sql, [t]).fetchall()) for t in tables(db)}
    return {
        table: tuple(str(r[1]) for r in db.execute(f"PRAGMA table_info({table})").fetchall())
        for table in tables(db)
    }


def reshaped(before: Mapping[str, Sequence[str]], after: Mapping[str, Sequence[str]]) -> set[str]:
    """The covered tables whose columns changed (or that appeared) between two ``shapes``."""
    return {t for t, columns in after.items() if tuple(before.get(t, ())) != tuple(columns)}


# -- verification -------------------------------------------------------------------------------


def expected_state(entries: Iterable[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """The rows the log says exist: the ``rows`` entries (event, details JSON) replayed."""
    state: dict[str, dict[str, str]] = {}
    for event, details in entries:
        if event not in (ROWS_EVENT, BASELINE_EVENT):
            continue
        body = json.loads(details)
        for table in body.get("tables", ()):  # a scoped baseline: these tables are now this
            state[table] = {}
        for table, digests in body.get("rows", {}).items():
            state.setdefault(table, {}).update(digests)
        for table, keys in body.get("removed", {}).items():
            held = state.setdefault(table, {})
            for key in keys:
                held.pop(key, None)
    return state


def earlier_differences(entries: Iterable[tuple[str, str]]) -> list[str]:
    """What the scoped baselines found differing just before their migration (kept)."""
    found: list[str] = []
    for event, details in entries:
        if event == BASELINE_EVENT:
            found.extend(json.loads(details).get("unvouched", ()))
    return found


def table_differences(
    db: Db, state: Mapping[str, Mapping[str, str]], skip: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """(table, message) for each covered row that differs from ``state`` (not in ``skip``)."""
    found: list[tuple[str, str]] = []
    for table in tables(db):
        if table in set(skip):
            continue
        expected = dict(state.get(table, {}))
        for _rowid, key, sha in _digests(db, table):
            want = expected.pop(key, None)
            if want is None:
                found.append(
                    (table, f"{table} row {key} is not in the audit log (added outside it)")
                )
            elif want != sha:
                found.append((table, f"{table} row {key} differs from the audit log (changed)"))
        found.extend(
            (table, f"{table} row {key} is missing (deleted without an audit entry)")
            for key in sorted(expected)
        )
    return found


def differences(db: Db, state: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Each covered row that differs from ``state``, named by table and key."""
    found = [message for _table, message in table_differences(db, state)]
    if "opposition_lists" in tables(db):
        for list_id, sha in db.execute(
            "SELECT id, numbers_sha256 FROM opposition_lists ORDER BY id"
        ).fetchall():
            if sha is not None and list_numbers_digest(db, int(list_id)) != sha:
                found.append(
                    f"opposition_numbers of list {list_id} differ from its numbers_sha256 "
                    "(numbers added, removed or changed)"
                )
    return found


def set_numbers_digests(db: Db) -> None:
    """Give every opposition list its ``numbers_sha256`` (a store upgraded to the coverage)."""
    with transaction(db):
        for (list_id,) in db.execute("SELECT id FROM opposition_lists").fetchall():
            db.execute(
                "UPDATE opposition_lists SET numbers_sha256 = ? WHERE id = ?",
                [list_numbers_digest(db, int(list_id)), list_id],
            )
