"""What decides, at export time, that a contact may still be used (R6, R7, R8, R9).

The one place the tooling meets the opposition layer (``opposition.lists``,
``opposition.suppression``): the law table for the purpose on the export date, the
freshness of the opposition lists a phone purpose needs, the keyed-hash suppression list,
and the retention date.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import ComplianceConfigError
from ..law import check_purpose_allowed
from ..opposition.lists import ListInfo
from ..policy.model import Purpose
from ..screening.checks import export_exclusion
from ..store import sources
from ..store.backend import Db
from ..store.opposition import OppositionScreen, active_list
from ..store.screening import check_lists_fresh
from ..store.suppression import SuppressionList
from .base import ToolingError


def open_suppression(
    db: Db, key_file: str | os.PathLike[str], default_region: str = "FR"
) -> SuppressionList:
    """The suppression list under its key; a missing or wrong key is a one-line error."""
    try:
        return SuppressionList.open(db, key_file, default_region)
    except ComplianceConfigError as exc:
        raise ToolingError(str(exc)) from None


def check_purpose_today(purpose: Purpose, today: date) -> None:
    """The law on ``today`` decides, not the law on the collection date (R6)."""
    try:
        check_purpose_allowed(purpose, today)
    except ComplianceConfigError as exc:
        raise ToolingError(f"cannot export: {exc}") from None


def lists_in_force(db: Db, purpose: Purpose, today: date) -> list[ListInfo]:
    """The opposition lists a phone purpose is screened against, checked fresh enough (R7).

    The crawl's own start-up rule decides (``opposition.freshness``): a list
    missing or older than the purpose allows is "not screened", never "clean", so the export
    is refused.
    """
    try:
        check_lists_fresh(db, purpose, today)
    except ComplianceConfigError as exc:
        raise ToolingError(f"cannot export for {purpose.name!r}: {exc}") from None
    if purpose.channel != "phone":
        return []
    found = (active_list(db, name) for name in purpose.opposition_lists)
    return [info for info in found if info is not None]


@dataclass
class Screen:
    """Decides, contact by contact, whether it may be exported, and counts why not."""

    db: Db
    purpose: Purpose
    suppression: SuppressionList
    today: date
    lists: list[ListInfo]

    def __post_init__(self) -> None:
        names = [i.name for i in self.lists]
        self._opposition = OppositionScreen(self.db, names) if names else None
        self._gone = frozenset(sources.all_gone(self.db))
        self.excluded: dict[str, int] = {}

    def reason_to_exclude(self, contact: Mapping[str, Any]) -> str | None:
        reason = export_exclusion(
            contact, self.today.isoformat(), self.suppression, self._opposition
        )
        if reason is None and int(contact["id"]) in self._gone:
            return "source_gone"  # every source page is gone: no longer accurate (R9)
        return reason

    def allows(self, contact: Mapping[str, Any]) -> bool:
        reason = self.reason_to_exclude(contact)
        if reason is not None:
            self.excluded[reason] = self.excluded.get(reason, 0) + 1
        return reason is None
