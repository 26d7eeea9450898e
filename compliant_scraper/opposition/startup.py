"""Start-up check: objections must be checkable before a crawl starts (R7, R8).

- A phone purpose that sets ``opposition_max_age_days`` needs each of its lists imported and
  no older than that: a list too old is "not screened", never "clean" (R7).
- Every purpose needs a usable suppression key (R8): missing while the list has entries, or
  not the list's key, and nothing could be checked (see ``suppression.SuppressionList.open``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlite_utils import Database

from ..errors import ComplianceConfigError
from ..policy.model import Purpose
from .lists import OppositionScreen, active_list, display_name
from .suppression import SuppressionList

if TYPE_CHECKING:
    from ..context import ComplianceContext


@dataclass(frozen=True)
class Screening:
    """What the pipeline consults: the purpose's opposition screen (None when it names no
    list) and the suppression list."""

    opposition: OppositionScreen | None
    suppression: SuppressionList


def check_opposition_ready(ctx: ComplianceContext) -> Screening:
    """Raise ComplianceConfigError unless the purpose's lists and the suppression key are
    usable; return the screening objects the pipeline can use."""
    db = getattr(ctx.store, "db", None)
    if not isinstance(db, Database):
        raise ComplianceConfigError(
            "opposition lists and the suppression list need the SQLite store (COMPLIANCE_DB)"
        )
    return open_screening(
        db, ctx.purpose, ctx.today, ctx.config.key_file, ctx.config.default_region
    )


def open_screening(
    db: Database,
    purpose: Purpose,
    today: date,
    key_file: str | os.PathLike[str],
    default_region: str = "FR",
) -> Screening:
    """``check_opposition_ready`` without a crawler: for tools, tests and benchmarks."""
    check_lists_fresh(db, purpose, today)
    suppression = SuppressionList.open(db, key_file, default_region)
    return Screening(OppositionScreen.for_purpose(db, purpose), suppression)


def check_lists_fresh(db: Database, purpose: Purpose, today: date) -> None:
    """The freshness rule of R7, for a phone purpose with ``opposition_max_age_days``."""
    max_age = purpose.opposition_max_age_days
    if purpose.channel != "phone" or max_age is None:
        return
    for name in purpose.opposition_lists:
        shown = display_name(name)
        info = active_list(db, name)
        if info is None:
            option = "" if name == "bloctel" else f" --name {name}"
            raise ComplianceConfigError(
                f"no {shown} list imported: purpose {purpose.name!r} needs one no older than "
                f"{_days(max_age)} (R7); import one with "
                f"`compliant-scraper bloctel import FILE --date YYYY-MM-DD{option}`"
            )
        age = info.age_days(today)
        if age > max_age:
            raise ComplianceConfigError(
                f"the active {shown} list is dated {info.list_date.isoformat()} "
                f"({_days(age)} old); purpose {purpose.name!r} accepts at most {_days(max_age)}: "
                "not screened is not clean (R7)"
            )


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"
