"""Importing an opposition list (R7): read the file, check it may replace the list in force,
write it (``opposition.lists`` reads, ``store.opposition`` writes).

Refused, with nothing imported: a bad name, jurisdiction or a date in the future; a list
older than the one in force; a file with invalid lines (unless ``skip_invalid``) or with no
number at all; a file already imported under that name (same sha256: re-dating an old file
does not make it fresh).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from ..clock import utcnow
from ..opposition.lists import (
    MAX_REPORTED_LINES,
    ImportReport,
    InvalidLinesError,
    ListImportError,
    OnProgress,
    check_import_args,
    check_replaces,
    read_list_file,
)
from ..store import opposition
from ..store.backend import Db

T = TypeVar("T")


def import_list(
    db: Db,
    path: str | os.PathLike[str],
    *,
    name: str = "bloctel",
    jurisdiction: str = "FR",
    list_date: date,
    skip_invalid: bool = False,
    default_region: str = "FR",
    today: date | None = None,
    max_reported: int = MAX_REPORTED_LINES,
    on_progress: OnProgress | None = None,
) -> ImportReport:
    """Import an opposition list file and make it the active list for ``name``.

    Raises ``ListImportError`` (``InvalidLinesError`` for invalid lines) and then imports
    nothing.
    """
    started = time.perf_counter()
    path = Path(path)
    jurisdiction = jurisdiction.upper()
    check_import_args(name, jurisdiction, list_date, today)
    # An older list is refused before its file is read, then again under the list's lock
    # in the transaction that writes it (``write_list``): another import, another machine's
    # on a shared store, may have been faster.
    _refuse(path, lambda: check_replaces(name, opposition.active_list(db, name), list_date))
    parsed = read_list_file(path, default_region, max_reported, on_progress)
    if parsed.invalid_count and not skip_invalid:
        raise InvalidLinesError(path, parsed.invalid_count, parsed.invalid_lines)
    if not parsed.numbers:
        raise ListImportError(f"{path}: no phone numbers found; nothing imported")
    info, previous = _refuse(
        path,
        lambda: opposition.write_list(
            db,
            name=name,
            jurisdiction=jurisdiction,
            list_date=list_date,
            imported_at=utcnow(),
            file_sha256=parsed.sha256,
            source_file=path.name,
            skipped_lines=parsed.invalid_count,
            numbers_read=parsed.numbers,
            buckets=parsed.buckets,
        ),
    )
    return ImportReport(
        info=info,
        lines=parsed.lines,
        invalid_count=parsed.invalid_count,
        invalid_lines=tuple(parsed.invalid_lines),
        header=parsed.header,
        replaced=previous,
        seconds=time.perf_counter() - started,
    )


def _refuse(path: Path, step: Callable[[], T]) -> T:
    """``step()``; its ``ListImportError`` names the file."""
    try:
        return step()
    except ListImportError as exc:
        raise ListImportError(f"{path}: {exc}") from None
