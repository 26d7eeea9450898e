"""``suppression``: the keyed hashes of people who objected or were erased (R8).

Opening the list checks its key first (``opposition.suppression`` holds the key handling and
the keyed hash): a missing key while the list has entries, or a key that is not the one the
list was written with, fails closed with ``SuppressionKeyError``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..clock import utcnow
from ..opposition.suppression import (
    ALL_KINDS,
    DOC,
    KEY_CHECK_KIND,
    SuppressionKeyError,
    canonical_hash,
    check_reason,
    identifier_hash,
    key_check,
    load_or_create_key,
    lookup_hashes,
    lookup_hashes_of,
)
from . import audit_log
from .backend import Db, marks
from .retention_markers import RetentionMarkers
from .transaction import transaction

_INSERT = (
    "INSERT INTO suppression (hash, kind, added_at, reason) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (hash) DO NOTHING"
)


class SuppressionList:
    """Keyed-hash lookups and additions for one store. Build it with ``open``."""

    def __init__(self, db: Db, key: bytes, default_region: str = "FR") -> None:
        self.db = db
        self._key = key
        self.default_region = default_region
        self._sql = "SELECT 1 FROM suppression WHERE hash = ?"

    def on(self, db: Db) -> SuppressionList:
        """This list (same key) read over another connection: the writer thread's."""
        return type(self)(db, self._key, self.default_region)

    @classmethod
    def open(
        cls, db: Db, key_path: str | os.PathLike[str], default_region: str = "FR"
    ) -> SuppressionList:
        """Load (or, for an empty list, create) the key and check it belongs to this list."""
        key_path = Path(key_path)
        checks = {
            row[0]
            for row in db.execute("SELECT hash FROM suppression WHERE kind = ?", [KEY_CHECK_KIND])
        }
        if not os.path.lexists(key_path):
            entries = count(db)
            if entries:
                raise SuppressionKeyError(
                    f"suppression key {key_path} is missing but the suppression list has "
                    f"{entries} entr{'y' if entries == 1 else 'ies'}: without the key they cannot "
                    "be checked, so objections cannot be honoured (R8). Restore the key file "
                    f"from its backup ({DOC})"
                )
            if checks:
                raise SuppressionKeyError(
                    f"suppression key {key_path} is missing but the suppression list has 0 "
                    "entries and was started with that key (its key_check row): a new key "
                    "would not be the list's key, so no new key is made (R8). Restore the key "
                    f"file from its backup ({DOC})"
                )
        key = load_or_create_key(key_path)
        check = key_check(key)
        if checks and check not in checks:
            raise SuppressionKeyError(
                f"suppression key {key_path} is not the key this suppression list was written "
                f"with: its entries cannot be checked (R8). Restore the original key ({DOC})"
            )
        if not checks:
            with transaction(db):
                db.execute(_INSERT, [check, KEY_CHECK_KIND, utcnow(), KEY_CHECK_KIND])
        return cls(db, key, default_region)

    def markers(self, purpose: str) -> RetentionMarkers:
        """The retention markers of ``purpose``, under the same key (R9)."""
        return RetentionMarkers(self.db, self._key, purpose, self.default_region)

    def digest(self, kind: str, value: str) -> str:
        return identifier_hash(self._key, kind, value, self.default_region)

    def subject_hashes(
        self, email: object | None, phone: object | None
    ) -> tuple[str | None, str | None]:
        """The keyed hashes of an item's canonical email and E.164 number (None when it has
        none): the ``drops`` row's ``email_hash`` and ``phone_hash`` (issue 13)."""
        return (
            canonical_hash(self._key, "email", str(email)) if email else None,
            canonical_hash(self._key, "phone", str(phone)) if phone else None,
        )

    def lookup_digests(self, kind: str, value: str) -> list[str]:
        """The keyed hashes ``value`` is looked up under (``lookup_hashes``: a number of the
        shared French plan under each country code); none for a value that is not valid."""
        try:
            return lookup_hashes(self._key, kind, value, self.default_region)
        except ValueError:
            return []

    def lock_names(self, kind: str, value: str) -> list[str]:
        """The lock names of this identifier: one per keyed hash it is looked up under.

        ``add`` holds them while it writes, and the contact writer while it re-checks the
        list and stores a contact (``db.lock_keys``), so once ``add`` has returned no writer
        can store the person, and a writer that got there first is seen by the erasure."""
        try:
            digests = lookup_hashes(self._key, kind, value, self.default_region)
        except ValueError:
            if kind not in ALL_KINDS:
                raise
            return []
        return [f"suppression:{digest}" for digest in digests]

    def is_suppressed(self, kind: str, value: str) -> bool:
        """Is this email/phone on the list? A value that is not valid cannot be, so False.

        A number of the shared French plan is checked under each of its country codes
        (``opposition.suppression.lookup_hashes``), as the opposition screen does.
        """
        return self.any_suppressed([(kind, value)])

    def any_suppressed(self, identifiers: Sequence[tuple[str, str]]) -> bool:
        """Is any of these (kind, value) identifiers on the list? One query for them all
        (an item's email, number and name plus address: issue 16 item 2)."""
        digests = lookup_hashes_of(self._key, identifiers, self.default_region)
        if not digests:
            return False
        if len(digests) == 1:
            return self.db.read(self._sql, digests).fetchone() is not None
        sql = f"SELECT 1 FROM suppression WHERE hash IN ({marks(digests)}) LIMIT 1"
        return self.db.read(sql, digests).fetchone() is not None

    def add(self, kind: str, value: str, reason: str) -> bool:
        """Add one identifier (in its own transaction, or the caller's); False when it was
        already listed. ``reason`` is a short code (``objection``, ``erasure``)."""
        check_reason(reason)
        digest = self.digest(kind, value)
        with transaction(self.db):
            self.db.lock_keys(self.lock_names(kind, value))
            added = self.db.execute(_INSERT, [digest, kind, utcnow(), reason]).rowcount == 1
            if added:
                audit_log.append(
                    self.db, "suppression_add", {"kind": kind, "hash": digest, "reason": reason}
                )
        return added


def count(db: Db) -> int:
    """Entries on the suppression list (the key-check row excluded)."""
    row = db.execute("SELECT count(*) FROM suppression WHERE kind != ?", [KEY_CHECK_KIND])
    return int(row.fetchone()[0])


def add(db: Db, key: bytes, kind: str, value: str, reason: str) -> bool:
    """Add one identifier to the suppression list under ``key`` (see ``SuppressionList``)."""
    return SuppressionList(db, key).add(kind, value, reason)


def is_suppressed(db: Db, key: bytes, kind: str, value: str) -> bool:
    """Is this identifier on the suppression list under ``key``?"""
    return SuppressionList(db, key).is_suppressed(kind, value)
