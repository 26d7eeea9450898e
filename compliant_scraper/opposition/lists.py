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

Reading streams the file (1 MiB chunks, sha256 computed on the way) and keeps numbers as
8-byte ints in arrays bucketed by value; ``store.opposition.write_list`` then inserts them
sorted and de-duplicated in one transaction; ``tooling.opposition_import.import_list`` is the
whole import. This module is pure: no SQL.
"""

from __future__ import annotations

import hashlib
import os
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from ..errors import UserError
from ..values.phones import FR_BASE, FR_LINE_BYTES, STRIP_BYTES, e164_int

OnProgress = Callable[[int, int], None]
"""``on_progress(advance, total)``: bytes read since the last call, of the file's size."""

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


def display_name(name: str) -> str:
    """``bloctel`` -> ``Bloctel``; other names as they are."""
    return DISPLAY_NAMES.get(name, name)


class ListImportError(UserError):
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


def check_replaces(
    name: str,
    previous: ListInfo | None,
    list_date: date,
    same_file_date: date | None = None,
) -> None:
    """Refuse (``ListImportError``) a list older than the one in force (``previous``), or a
    file already imported under ``name`` (``same_file_date``: the date it was imported as)."""
    if previous is not None and list_date < previous.list_date:
        raise ListImportError(
            f"the active {display_name(name)} list is dated {previous.list_date.isoformat()}; "
            f"a list dated {list_date.isoformat()} is older and cannot replace it; "
            "nothing imported"
        )
    if same_file_date is not None:
        raise ListImportError(
            f"this file (same sha256) was already imported as the {display_name(name)} list "
            f"dated {same_file_date.isoformat()}; nothing imported (a list's date is the date "
            "it was produced: re-importing a file does not make it fresher)"
        )


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


def _read(
    path: Path, default_region: str, max_reported: int, on_progress: OnProgress | None = None
) -> _Parsed:
    reader = _Reader(default_region, max_reported)
    digest = hashlib.sha256()
    total = path.stat().st_size if on_progress is not None and path.is_file() else 0
    try:
        with path.open("rb") as f:
            rest = b""
            first = True
            while chunk := f.read(_CHUNK):
                digest.update(chunk)
                if on_progress is not None:
                    on_progress(len(chunk), total)
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


ParsedList = _Parsed


def read_list_file(
    path: str | os.PathLike[str],
    default_region: str = "FR",
    max_reported: int = MAX_REPORTED_LINES,
    on_progress: OnProgress | None = None,
) -> ParsedList:
    """Read an opposition-list file (one number per line, or a CSV's first column; ``;``,
    ``,`` or tab; an optional header row; blank lines ignored): its numbers as E.164 ints
    bucketed by value, its sha256, and its invalid lines by number. Nothing is stored."""
    return _read(Path(path), default_region.upper(), max_reported, on_progress)
