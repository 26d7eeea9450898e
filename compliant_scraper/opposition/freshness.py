"""The freshness rule of R7: objections must be checkable before contacts are collected or
exported.

A phone purpose that sets ``opposition_max_age_days`` needs each of its lists imported and
no older than that: a list too old is "not screened", never "clean". The crawl's start-up
check and every export apply this one rule (``store.screening`` gathers the lists).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ..errors import ComplianceConfigError
from ..law import list_age
from ..policy.model import Purpose
from .lists import ListInfo, display_name


def check_fresh(purpose: Purpose, active: Callable[[str], ListInfo | None], today: date) -> None:
    """Raise ``ComplianceConfigError`` unless each list the purpose needs is in force and
    fresh enough; ``active(name)`` is the list in force for ``name``, if any."""
    max_age = purpose.opposition_max_age_days
    if purpose.channel != "phone" or max_age is None:
        return
    for name in purpose.opposition_lists:
        shown = display_name(name)
        info = active(name)
        if info is None:
            option = "" if name == "bloctel" else f" --name {name}"
            raise ComplianceConfigError(
                f"no {shown} list imported: purpose {purpose.name!r} needs one no older than "
                f"{_days(max_age)} (R7); import one with "
                f"`compliant-scraper bloctel import FILE --date YYYY-MM-DD{option}`"
            )
        # A closed register's final list ages only while the register was open (law.py).
        age = list_age(name, info.list_date, today)
        if age.days > max_age:
            closed = age.closed
            when = (
                f"{_days(age.days)} old when {closed.title} closed on "
                f"{closed.closed_on.isoformat()}, so it is not its final list"
                if closed is not None and closed.closed_on is not None
                else f"{_days(age.days)} old"
            )
            raise ComplianceConfigError(
                f"the active {shown} list is dated {info.list_date.isoformat()} "
                f"({when}); purpose {purpose.name!r} accepts at most {_days(max_age)}: "
                "not screened is not clean (R7)"
            )


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"
