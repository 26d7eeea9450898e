"""``opposition_lists`` and ``opposition_numbers``: the lists in force and their numbers (R7).

One active list per name (a unique index enforces it). Writing a list is one transaction:
the list row first (so each number's foreign key is checked), the previous list's numbers
deleted, the new numbers inserted sorted and de-duplicated with ``insert_rows`` (sorted
inserts only touch the right edge of the ``WITHOUT ROWID`` B-tree), the audit row last. A
failure leaves the previous list active and complete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any, Final

from ..opposition.lists import ListInfo, check_replaces
from ..policy.model import Purpose
from ..values.phones import e164_digits, equivalent_keys
from . import audit_log
from .audit_rows import NumbersDigest, numbers_digest
from .backend import Db, marks
from .transaction import transaction

_COLUMNS: Final = (
    "id, name, jurisdiction, list_date, imported_at, file_sha256, count, active, "
    "source_file, skipped_lines, duplicates"
)
_NUMBERS: Final = "opposition_numbers"


def _info(row: Sequence[Any]) -> ListInfo:
    (id_, name, jurisdiction, list_date, imported_at, sha, count, active, src, skipped, dup) = row
    return ListInfo(
        id=int(id_),
        name=name,
        jurisdiction=jurisdiction,
        list_date=date.fromisoformat(list_date),
        imported_at=imported_at,
        file_sha256=sha,
        count=int(count),
        active=bool(active),
        source_file=src,
        skipped_lines=int(skipped or 0),
        duplicates=int(dup or 0),
    )


def active_list(db: Db, name: str = "bloctel") -> ListInfo | None:
    """The list in force for ``name``, or None when none was imported."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE name = ? AND active = 1", [name]
    ).fetchone()
    return None if row is None else _info(row)


def active_lists(db: Db) -> list[ListInfo]:
    """Every list in force, by name."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE active = 1 ORDER BY name"
    ).fetchall()
    return [_info(r) for r in rows]


def history(db: Db, name: str) -> list[ListInfo]:
    """Every import of ``name``, newest first (the audit trail)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE name = ? ORDER BY id DESC", [name]
    ).fetchall()
    return [_info(r) for r in rows]


def imported_as(db: Db, name: str, file_sha256: str) -> date | None:
    """The date of the ``name`` list already imported from a file with this sha256."""
    row = db.execute(
        "SELECT list_date FROM opposition_lists WHERE name = ? AND file_sha256 = ?",
        [name, file_sha256],
    ).fetchone()
    return None if row is None else date.fromisoformat(row[0])


def write_list(
    db: Db,
    *,
    name: str,
    jurisdiction: str,
    list_date: date,
    imported_at: str,
    file_sha256: str,
    source_file: str,
    skipped_lines: int,
    numbers_read: int,
    buckets: Mapping[int, Sequence[int]],
) -> tuple[ListInfo, ListInfo | None]:
    """Make these numbers the active ``name`` list, in one transaction of its own; the
    list in force before it (None when there was none).

    ``buckets`` holds the E.164 numbers as ints, bucketed by value (each bucket is sorted
    and de-duplicated here); ``numbers_read`` counts them with duplicates.

    Two imports of one name take turns (the list's lock: SQLite's write lock, an advisory
    lock on PostgreSQL, where imports on several machines share the list), and the list in
    force is read again under it: one dated after ``list_date``, or imported from the same
    file, was imported meanwhile and refuses this one (``ListImportError``, nothing written).
    """
    if db.in_transaction:
        raise RuntimeError("write_list runs its own transaction: call it outside of one")
    with transaction(db):
        db.lock_keys([f"opposition_list:{name}"])
        previous = active_list(db, name)
        check_replaces(name, previous, list_date, imported_as(db, name, file_sha256))
        db.execute("UPDATE opposition_lists SET active = 0 WHERE name = ? AND active = 1", [name])
        row = db.execute(
            "INSERT INTO opposition_lists (name, jurisdiction, list_date, imported_at, "
            "file_sha256, count, active, source_file, skipped_lines, duplicates) "
            "VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, 0) RETURNING id",
            [
                name,
                jurisdiction,
                list_date.isoformat(),
                imported_at,
                file_sha256,
                source_file,
                skipped_lines,
            ],
        ).fetchone()
        list_id = int(row[0])
        db.execute(
            "DELETE FROM opposition_numbers WHERE list_id IN "
            "(SELECT id FROM opposition_lists WHERE name = ? AND id != ?)",
            [name, list_id],
        )
        # The lists replaced hold no numbers any more: their digest says so (audit_rows).
        db.execute(
            "UPDATE opposition_lists SET numbers_sha256 = ? WHERE name = ? AND id != ?",
            [numbers_digest(()), name, list_id],
        )
        unique = 0
        digest = NumbersDigest()
        for key in sorted(buckets):  # buckets by value: ascending overall
            values = sorted(set(buckets[key]))
            db.insert_rows(_NUMBERS, ("list_id", "number"), zip(repeat(list_id), values))
            digest.update(values)
            unique += len(values)
        duplicates = numbers_read - unique
        db.execute(
            "UPDATE opposition_lists SET count = ?, duplicates = ?, numbers_sha256 = ? "
            "WHERE id = ?",
            [unique, duplicates, digest.hexdigest(), list_id],
        )
        audit_log.append(
            db,
            "opposition_import",
            {
                "list_id": list_id,
                "name": name,
                "jurisdiction": jurisdiction,
                "list_date": list_date.isoformat(),
                "file_sha256": file_sha256,
                "count": unique,
                "duplicates": duplicates,
                "skipped_lines": skipped_lines,
            },
        )
        # Read in the transaction: once it commits, a newer import may replace it at once.
        info = active_list(db, name)
        assert info is not None and info.id == list_id
    if db.dialect == "sqlite":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # a national list: fold the WAL back
    return info, previous


class OppositionScreen:
    """``"+33612345678" in screen``: is the number on one of these names' active lists?

    Each lookup is two index probes (the active list by name, then the number in the
    primary key; the statement is prepared once and cached by the driver), so start-up costs
    nothing whatever the list's size, and a list replaced during a crawl is seen at once:
    the active list is resolved inside the query, never cached.

    A number of the shared French plan is looked up under each of its country codes
    (``values.phones.equivalent_keys``): ``0691 00 00 00`` read as +33 691 00 00 00 finds
    a list line written +590 691 00 00 00, whichever code phonenumbers' metadata gives it.
    """

    def __init__(self, db: Db, names: Sequence[str] = ("bloctel",)) -> None:
        if not names:
            raise ValueError("an opposition screen needs at least one list name")
        self.names = tuple(names)
        self._execute = db.execute
        self._sql = (
            "SELECT 1 FROM opposition_lists l JOIN opposition_numbers n ON n.list_id = l.id "
            f"WHERE l.active = 1 AND l.name IN ({marks(self.names)}) AND n.number IN "
        )
        self._by_count: dict[int, str] = {}

    @classmethod
    def for_purpose(cls, db: Db, purpose: Purpose) -> OppositionScreen | None:
        """The screen over a purpose's lists (None when it names none), whatever its channel.

        A listed number is never stored, in the ``phone`` field or written in another one:
        R7 forbids passing on files that hold listed numbers, whatever they were collected
        for. The freshness rule (``opposition.freshness``) is a phone purpose's.
        """
        if not purpose.opposition_lists:
            return None
        return cls(db, purpose.opposition_lists)

    def __contains__(self, e164: object) -> bool:
        if not isinstance(e164, str) or (number := e164_digits(e164)) is None:
            raise ValueError("an opposition screen takes E.164 numbers ('+33612345678')")
        keys = equivalent_keys(number)
        sql = self._by_count.get(len(keys))
        if sql is None:
            sql = self._by_count[len(keys)] = f"{self._sql}({marks(keys)}) LIMIT 1"
        return self._execute(sql, (*self.names, *keys)).fetchone() is not None
