"""Time, in the one form the store writes it: UTC, ISO 8601, to the second; and date arithmetic.

Bottom layer: no import from the package. ``utcnow`` is on the hot path (one audit row per
dropped value), so it formats once per second.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

_last_second = -1
_last_text = ""


def utcnow() -> str:
    """The current time as an ISO 8601 UTC string with seconds, e.g. ``2026-11-23T10:00:00Z``.

    Formatted once per second: audit rows are written per dropped value, on the hot path.
    """
    global _last_second, _last_text
    now = time.time()
    second = int(now)
    if second != _last_second:
        _last_text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        _last_second = second
    return _last_text


def today_utc() -> date:
    """Today's date in UTC: the day a crawl, an export or a command is judged on."""
    return datetime.now(UTC).date()


def day_of(stamp: str) -> date:
    """The date of an ISO date or UTC time string (``2026-11-23T10:00:00Z`` -> 2026-11-23)."""
    return date.fromisoformat(stamp[:10])


def add_years(day: date, years: int) -> date:
    """``day`` plus whole years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
