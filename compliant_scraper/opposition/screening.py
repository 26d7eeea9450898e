"""What the pipeline consults at crawl time: the opposition screen and the suppression list."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from sqlite_utils import Database

from ..policy.model import Purpose


class _NoSuppression:
    def is_suppressed(self, kind: str, value: str) -> bool:
        return False


def suppression_checker(db: Database, key_file: Path) -> _NoSuppression:
    """Placeholder until opposition/suppression.py lands."""
    return _NoSuppression()


def opposition_screen(db: Database, purpose: Purpose) -> Container[str] | None:
    """Placeholder until opposition/lists.py lands."""
    return None
