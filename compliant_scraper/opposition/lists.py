"""Opposition lists: named, dated registers of numbers never to collect (R7).

Bloctel (FR) is the first; Spain's Lista Robinson, Italy's Registro pubblico delle
opposizioni or the UK's TPS are the same mechanism under another ``name`` and
``jurisdiction``. docs/opposition-lists.md is the user's guide.

Decisions:

- One active list per name (a unique index enforces it). A newer list (by ``list_date``)
  replaces it in one transaction; a list of the same date replaces it too (a corrected
  file). An older list is refused: importing it would make screening less current.
- Only the active list's numbers are kept (about 14 bytes a number, 140 MB for 10 million);
  every import stays in ``opposition_lists`` (date, sha256, counts) and in the audit log,
  so the file itself identifies what was in force.
- A file already imported under that name (same sha256) is refused: re-dating an old file
  does not make it fresh.
- Any invalid line means nothing is imported, unless ``skip_invalid``; either way the
  invalid lines are reported by number, never by content.

The import streams the file (1 MiB chunks, sha256 computed on the way), keeps numbers as
8-byte ints in arrays bucketed by value, then inserts them sorted, de-duplicated, with
``executemany`` in one transaction: sorted inserts only ever touch the right edge of the
``WITHOUT ROWID`` B-tree.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import repeat
from pathlib import Path
from typing import Any, Final

from sqlite_utils import Database

from ..policy.model import Purpose
from ..store import audit_log
from ..store.records import utcnow
from ..values.phones import (
    FR_BASE,
    FR_LINE_BYTES,
    STRIP_BYTES,
    e164_digits,
    e164_int,
    equivalent_keys,
)

MAX_REPORTED_LINES: Final = 20
DISPLAY_NAMES: Final[dict[str, str]] = {
    "bloctel": "Bloctel",
    "robinson": "Lista Robinson",
    "rpo": "Registro pubblico delle opposizioni",
    "tps": "TPS",
    "ctps": "CTPS",
}
_NAME: Final = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_CHUNK: Final = 1 << 20
_BUCKET_SHIFT: Final = 16  # 65,536 consecutive numbers per bucket
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_HEADER_LETTER: Final = re.compile(rb"[A-Za-z]")
_COLUMNS: Final = (
    "id, name, jurisdiction, list_date, imported_at, file_sha256, count, active, "
    "source_file, skipped_lines, duplicates"
)


def display_name(name: str) -> str:
    """``bloctel`` -> ``Bloctel``; other names as they are."""
    return DISPLAY_NAMES.get(name, name)


class ListImportError(Exception):
    """The file cannot be imported; nothing was imported."""


class InvalidLinesError(ListImportError):
    """Some lines are not phone numbers; nothing was imported (``skip_invalid`` was False)."""

    def __init__(self, path: Path, count: int, lines: Sequence[int]) -> None:
        self.path = path
        self.count = count
        self.lines = tuple(lines)
        super().__init__(
            f"{path}: {describe_lines(count, self.lines)}; nothing imported "
            "(skip_invalid=True imports the valid lines)"
        )


def describe_lines(count: int, lines: Sequence[int]) -> str:
    """``3 invalid lines (4, 9, 12)``, or ``…, 57 and 940 more``."""
    shown = ", ".join(str(n) for n in lines)
    more = f" and {count - len(lines)} more" if count > len(lines) else ""
    return f"{count} invalid line{'' if count == 1 else 's'} ({shown}{more})"


@dataclass(frozen=True)
class ListInfo:
    """One import of a list, as recorded in ``opposition_lists``."""

    id: int
    name: str
    jurisdiction: str
    list_date: date
    imported_at: str
    file_sha256: str
    count: int
    active: bool
    source_file: str | None = None
    skipped_lines: int = 0
    duplicates: int = 0

    @property
    def display_name(self) -> str:
        return display_name(self.name)

    def age_days(self, today: date | None = None) -> int:
        return ((today or _today()) - self.list_date).days


@dataclass(frozen=True)
class ImportReport:
    info: ListInfo  # the list now active
    lines: int  # non-blank data lines read (header excluded)
    invalid_count: int  # invalid lines skipped (only non-zero with skip_invalid)
    invalid_lines: tuple[int, ...]  # the first MAX_REPORTED_LINES of them
    header: bool  # the first line was a header row and was skipped
    replaced: ListInfo | None  # the list that was active before
    seconds: float


def _today() -> date:
    return datetime.now(UTC).date()


def check_import_args(
    name: str, jurisdiction: str, list_date: date, today: date | None = None
) -> None:
    """Refuse a bad list name, jurisdiction, or a list dated in the future (UTC today)."""
    today = today or _today()
    if not _NAME.fullmatch(name):
        raise ListImportError(f"list name {name!r}: use lower-case letters, digits, - or _")
    if not re.fullmatch(r"[A-Z]{2}", jurisdiction):
        raise ListImportError(f"jurisdiction {jurisdiction!r}: expected a two-letter country code")
    if list_date > today:
        raise ListImportError(
            f"list date {list_date.isoformat()} is in the future (today is {today.isoformat()})"
        )


def _row_to_info(row: tuple[Any, ...]) -> ListInfo:
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


def active_list(db: Database, name: str = "bloctel") -> ListInfo | None:
    """The list in force for ``name``, or None when none was imported."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE name = ? AND active = 1", [name]
    ).fetchone()
    return None if row is None else _row_to_info(row)


def active_lists(db: Database) -> list[ListInfo]:
    """Every list in force, by name."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE active = 1 ORDER BY name"
    ).fetchall()
    return [_row_to_info(r) for r in rows]


def list_history(db: Database, name: str) -> list[ListInfo]:
    """Every import of ``name``, newest first (the audit trail)."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM opposition_lists WHERE name = ? ORDER BY id DESC", [name]
    ).fetchall()
    return [_row_to_info(r) for r in rows]


# -- reading a file -------------------------------------------------------------------------


@dataclass
class _Parsed:
    sha256: str = ""
    buckets: defaultdict[int, array[int]] = field(default_factory=lambda: defaultdict(_bucket))
    numbers: int = 0  # valid lines, duplicates included
    lines: int = 0
    invalid_count: int = 0
    invalid_lines: list[int] = field(default_factory=list)
    header: bool = False


def _bucket() -> array[int]:
    return array("q")


class _Reader:
    """Turns lines into numbers; the per-line loop is the hot path of a national import."""

    def __init__(self, default_region: str, max_reported: int) -> None:
        self.region = default_region
        self.fast = FR_LINE_BYTES if default_region == "FR" else None
        self.max_reported = max_reported
        self.parsed = _Parsed()
        self.lineno = 0
        self.first_line = 0  # number of the first non-blank line, once seen
        self.delimiter: bytes | None = None

    def feed(self, lines: list[bytes]) -> None:
        if not self.first_line:
            self._detect(lines)
        buckets = self.parsed.buckets
        fast = self.fast
        delimiter = self.delimiter
        lineno = self.lineno
        numbers = 0
        for line in lines:
            lineno += 1
            if delimiter is not None:
                line = line.partition(delimiter)[0]
            stripped = line.translate(None, STRIP_BYTES)
            if not stripped:
                continue
            m = fast(stripped) if fast is not None else None
            if m is not None:
                n = FR_BASE + int(m.group(1))
            else:
                slow = self._slow(line, lineno)
                if slow is None:
                    continue
                n = slow
            buckets[n >> _BUCKET_SHIFT].append(n)
            numbers += 1
        self.lineno = lineno
        self.parsed.numbers += numbers

    def _detect(self, lines: list[bytes]) -> None:
        """CSV or not: the first non-blank line decides the delimiter (; then , then tab)."""
        for offset, line in enumerate(lines, start=1):
            if line.strip():
                self.first_line = self.lineno + offset
                for delimiter in (b";", b",", b"\t"):
                    if delimiter in line:
                        self.delimiter = delimiter
                        break
                return

    def _slow(self, line: bytes, lineno: int) -> int | None:
        n = e164_int(line.decode("utf-8", "replace"), self.region)
        if n is not None:
            return n
        parsed = self.parsed
        if lineno == self.first_line and _HEADER_LETTER.search(line):
            parsed.header = True
            return None
        parsed.invalid_count += 1
        if len(parsed.invalid_lines) < self.max_reported:
            parsed.invalid_lines.append(lineno)
        return None


def _read(path: Path, default_region: str, max_reported: int) -> _Parsed:
    reader = _Reader(default_region, max_reported)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            rest = b""
            first = True
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                if first:
                    first = False
                    if chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                        raise ListImportError(f"{path}: UTF-16 text; save it as UTF-8 or CSV")
                    chunk = chunk.removeprefix(_UTF8_BOM)
                data = rest + chunk
                cut = data.rfind(b"\n")
                if cut < 0:
                    rest = data
                    continue
                rest = data[cut + 1 :]
                reader.feed(data[:cut].split(b"\n"))
            if rest:
                reader.feed([rest])
    except OSError as exc:
        raise ListImportError(f"cannot read {path}: {exc.strerror or exc}") from None
    parsed = reader.parsed
    parsed.sha256 = digest.hexdigest()
    parsed.lines = parsed.numbers + parsed.invalid_count
    return parsed


# -- importing ------------------------------------------------------------------------------


def import_list(
    db: Database,
    path: str | os.PathLike[str],
    *,
    name: str = "bloctel",
    jurisdiction: str = "FR",
    list_date: date,
    skip_invalid: bool = False,
    default_region: str = "FR",
    today: date | None = None,
    max_reported: int = MAX_REPORTED_LINES,
) -> ImportReport:
    """Import an opposition list file and make it the active list for ``name``.

    One number per line, or the first column of a CSV (``;``, ``,`` or tab, optional header
    row); blank lines are ignored. Raises ``ListImportError`` (``InvalidLinesError`` for
    invalid lines) and then imports nothing.
    """
    started = time.perf_counter()
    path = Path(path)
    jurisdiction = jurisdiction.upper()
    check_import_args(name, jurisdiction, list_date, today)
    previous = active_list(db, name)
    if previous is not None and list_date < previous.list_date:
        raise ListImportError(
            f"{path}: the active {display_name(name)} list is dated "
            f"{previous.list_date.isoformat()}; a list dated {list_date.isoformat()} is older "
            "and cannot replace it; nothing imported"
        )
    parsed = _read(path, default_region.upper(), max_reported)
    if parsed.invalid_count and not skip_invalid:
        raise InvalidLinesError(path, parsed.invalid_count, parsed.invalid_lines)
    if not parsed.numbers:
        raise ListImportError(f"{path}: no phone numbers found; nothing imported")
    same = db.execute(
        "SELECT list_date FROM opposition_lists WHERE name = ? AND file_sha256 = ?",
        [name, parsed.sha256],
    ).fetchone()
    if same is not None:
        raise ListImportError(
            f"{path}: this file (same sha256) was already imported as the {display_name(name)} "
            f"list dated {same[0]}; nothing imported (a list's date is the date it was "
            "produced: re-importing a file does not make it fresher)"
        )
    info = _write(db, path, name, jurisdiction, list_date, parsed)
    return ImportReport(
        info=info,
        lines=parsed.lines,
        invalid_count=parsed.invalid_count,
        invalid_lines=tuple(parsed.invalid_lines),
        header=parsed.header,
        replaced=previous,
        seconds=time.perf_counter() - started,
    )


_INSERT_NUMBER: Final = "INSERT INTO opposition_numbers (list_id, number) VALUES (?, ?)"


def _write(
    db: Database, path: Path, name: str, jurisdiction: str, list_date: date, parsed: _Parsed
) -> ListInfo:
    conn = db.conn
    if conn.in_transaction:
        raise RuntimeError("import_list runs its own transaction: call it outside of one")
    # The list row is written first, so each number's foreign key is checked by SQLite; an
    # import is one transaction: a failure leaves the previous list active and complete.
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("UPDATE opposition_lists SET active = 0 WHERE name = ? AND active = 1", [name])
        cursor = conn.execute(
            "INSERT INTO opposition_lists (name, jurisdiction, list_date, imported_at, "
            "file_sha256, count, active, source_file, skipped_lines, duplicates) "
            "VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?, 0)",
            [
                name,
                jurisdiction,
                list_date.isoformat(),
                utcnow(),
                parsed.sha256,
                path.name,
                parsed.invalid_count,
            ],
        )
        list_id = int(cursor.lastrowid or 0)
        conn.execute(
            "DELETE FROM opposition_numbers WHERE list_id IN "
            "(SELECT id FROM opposition_lists WHERE name = ? AND id != ?)",
            [name, list_id],
        )
        unique = 0
        buckets = parsed.buckets
        for key in sorted(buckets):
            values = sorted(set(buckets.pop(key)))
            conn.executemany(_INSERT_NUMBER, zip(repeat(list_id), values, strict=False))
            unique += len(values)
        duplicates = parsed.numbers - unique
        conn.execute(
            "UPDATE opposition_lists SET count = ?, duplicates = ? WHERE id = ?",
            [unique, duplicates, list_id],
        )
        audit_log.append(
            db,
            "opposition_import",
            {
                "list_id": list_id,
                "name": name,
                "jurisdiction": jurisdiction,
                "list_date": list_date.isoformat(),
                "file_sha256": parsed.sha256,
                "count": unique,
                "duplicates": duplicates,
                "skipped_lines": parsed.invalid_count,
            },
        )
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    info = active_list(db, name)
    assert info is not None and info.id == list_id
    return info


# -- screening ------------------------------------------------------------------------------


class OppositionScreen:
    """``"+33612345678" in screen``: is the number on one of these names' active lists?

    Each lookup is two index probes (the active list by name, then the number in the
    primary key; the statement is prepared once and cached by sqlite3), so start-up costs
    nothing whatever the list's size, and a list replaced during a crawl is seen at once:
    the active list is resolved inside the query, never cached.

    A number of the shared French plan is looked up under each of its country codes
    (``values.phones.equivalent_keys``): ``0691 00 00 00`` read as +33 691 00 00 00 finds
    a list line written +590 691 00 00 00, whichever code phonenumbers' metadata gives it.
    """

    def __init__(self, db: Database, names: Sequence[str] = ("bloctel",)) -> None:
        if not names:
            raise ValueError("an opposition screen needs at least one list name")
        self.names = tuple(names)
        self._execute = db.conn.execute
        marks = ", ".join("?" for _ in self.names)
        self._sql = (
            "SELECT 1 FROM opposition_lists l JOIN opposition_numbers n ON n.list_id = l.id "
            f"WHERE l.active = 1 AND l.name IN ({marks}) AND n.number IN "
        )
        self._by_count: dict[int, str] = {}

    @classmethod
    def for_purpose(cls, db: Database, purpose: Purpose) -> OppositionScreen | None:
        """The screen over a purpose's lists (None when it names none), whatever its channel.

        A listed number is never stored, in the ``phone`` field or written in another one:
        R7 forbids passing on files that hold listed numbers, whatever they were collected
        for. The freshness rule (``startup.check_lists_fresh``) is a phone purpose's.
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
            sql = self._by_count[len(keys)] = f"{self._sql}({', '.join('?' * len(keys))}) LIMIT 1"
        return self._execute(sql, (*self.names, *keys)).fetchone() is not None
