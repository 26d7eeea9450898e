"""The screening objects over the store, opened with the start-up checks (R7, R8).

``open_screening`` is what a crawl runs before its first request and what every tool that
collects or exports runs: the purpose's opposition lists must be in force and fresh enough
(``opposition.freshness``), and the suppression key must be the list's
(``SuppressionList.open``); either failure raises ``ComplianceConfigError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from ..opposition.freshness import check_fresh
from ..policy.model import Purpose
from .backend import Db
from .opposition import OppositionScreen, active_list
from .suppression import SuppressionList


@dataclass(frozen=True)
class Screening:
    """What the pipeline consults: the purpose's opposition screen (None when it names no
    list) and the suppression list."""

    opposition: OppositionScreen | None
    suppression: SuppressionList


def check_lists_fresh(db: Db, purpose: Purpose, today: date) -> None:
    """The freshness rule of R7 against the lists in force in ``db``."""
    check_fresh(purpose, lambda name: active_list(db, name), today)


def open_screening(
    db: Db,
    purpose: Purpose,
    today: date,
    key_file: str | os.PathLike[str],
    default_region: str = "FR",
) -> Screening:
    """Raise ComplianceConfigError unless the purpose's lists and the suppression key are
    usable; return the screening objects the pipeline uses."""
    check_lists_fresh(db, purpose, today)
    suppression = SuppressionList.open(db, key_file, default_region)
    return Screening(OppositionScreen.for_purpose(db, purpose), suppression)
