"""``retention_markers``: who was purged at the end of retention, per purpose (R9).

A purge leaves, per identifier of each purged contact (email, phone, name plus postal
address), a keyed hash with the purpose and the original first collection date. A later
crawl for that purpose that meets the person drops them (``retention_expired``): collecting
them again would start a new clock, the renewal the CNIL fined KASPR for. A contact from the
person (``subject contacted``) lifts the markers (``lifted_on``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..opposition.suppression import lookup_hashes_of
from .backend import Db, chunks, marks


def add(db: Db, rows: Iterable[tuple[str, str, str, str]], purged_at: str) -> int:
    """Add (hash, kind, purpose, first collected) markers; an existing one keeps its date."""
    count = 0
    for digest, kind, purpose, first in rows:
        cursor = db.execute(
            "INSERT INTO retention_markers (hash, kind, purpose, first_collected, purged_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash, purpose) DO UPDATE SET lifted_on = NULL",
            [digest, kind, purpose, first, purged_at],
        )
        count += int(cursor.rowcount)
    return count


def lift(db: Db, digests: Sequence[str], on: str) -> int:
    """A contact from the person: their markers no longer keep them out."""
    lifted = 0
    for chunk in chunks(list(digests)):
        lifted += int(
            db.execute(
                f"UPDATE retention_markers SET lifted_on = ? WHERE hash IN ({marks(chunk)}) "
                "AND lifted_on IS NULL",
                [on, *chunk],
            ).rowcount
        )
    return lifted


def count(db: Db) -> int:
    row = db.execute("SELECT count(*) FROM retention_markers WHERE lifted_on IS NULL")
    return int(row.fetchone()[0])


class RetentionMarkers:
    """Lookups for one purpose, answering ``is_suppressed(kind, value)`` as the suppression
    list does (``screening.checks.suppressed`` reads both)."""

    def __init__(self, db: Db, key: bytes, purpose: str, default_region: str = "FR") -> None:
        self.db = db
        self._key = key
        self.purpose = purpose
        self.default_region = default_region

    def is_suppressed(self, kind: str, value: str) -> bool:
        try:
            return self.any_suppressed([(kind, value)])
        except ValueError:
            return False

    def any_suppressed(self, identifiers: Sequence[tuple[str, str]]) -> bool:
        """Is any of these identifiers marked for this purpose? One query for them all."""
        digests = lookup_hashes_of(self._key, identifiers, self.default_region)
        if not digests:
            return False
        sql = (
            f"SELECT 1 FROM retention_markers WHERE hash IN ({marks(digests)}) "
            "AND purpose = ? AND lifted_on IS NULL LIMIT 1"
        )
        return self.db.read(sql, [*digests, self.purpose]).fetchone() is not None
