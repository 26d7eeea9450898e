"""The suppression list: people who objected (GDPR Art. 21) are never collected again (R8).

Only a keyed hash of what recognises the person is kept: HMAC-SHA256 of the normalised email
(lower-cased, IDN domain in ASCII) or E.164 number, nothing else (CNIL MED-2023-040). A plain
SHA-256 of an email is not anonymisation (CNIL SAN-2020-003): anyone can hash a candidate
address and compare, so the hash is keyed with 32 random bytes that live in a file beside
the database (``COMPLIANCE_KEY_FILE``, default ``<db>.key``), created owner-only, never
stored in the database.

Without its key the list cannot be checked, so a missing or different key fails closed
(``SuppressionKeyError``): a crawl must not start when it cannot honour objections. A
``key_check`` row (the HMAC of a fixed label, which reveals nothing) tells a wrong key from
the right one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat
from pathlib import Path
from typing import Final

from sqlite_utils import Database

from ..errors import ComplianceConfigError
from ..store import audit_log
from ..store.records import utcnow
from ..values.emails import normalise_email
from ..values.phones import SHARED_PLAN_CODES, equivalent_e164, normalise_phone

KINDS: Final = ("email", "phone")
KEY_BYTES: Final = 32
_KEY_CHECK_KIND: Final = "key_check"
_KEY_CHECK_LABEL: Final = b"compliant-scraper/suppression/key-check/v1"
_REASON: Final = re.compile(r"[a-z][a-z0-9_-]{0,39}")
_DOC: Final = "see docs/opposition-lists.md"


class SuppressionKeyError(ComplianceConfigError):
    """The suppression key is missing, unreadable, malformed, exposed, or not this list's."""


def load_or_create_key(path: str | os.PathLike[str]) -> bytes:
    """The key in ``path``; a new random one (file created 0600, exclusively) if missing."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # created meanwhile by another process: use that one
            return load_key(path)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        return key
    return load_key(path)


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read an existing key file; refuse one that others can read or that is malformed."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            raise SuppressionKeyError(f"suppression key {path} is not a regular file")
        if mode & 0o077:
            raise SuppressionKeyError(
                f"suppression key {path} is readable by other users "
                f"(mode {stat.S_IMODE(mode):04o}): run `chmod 600 {path}`"
            )
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise SuppressionKeyError(f"suppression key {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SuppressionKeyError(f"cannot read suppression key {path}: {exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise SuppressionKeyError(
            f"suppression key {path} is malformed (expected {KEY_BYTES} bytes in hex)"
        )
    return key


def canonical_identifier(kind: str, value: str, default_region: str = "FR") -> str:
    """The one form of an identifier that is hashed: lower-cased email, or E.164 number.

    Raises ValueError for an unknown kind or a value that is not a valid email/number.
    """
    if kind == "email":
        email = normalise_email(value)
        if email.canonical is None:
            raise ValueError("not a valid email address")
        return email.canonical
    if kind == "phone":
        # A possible number phonenumbers' metadata does not know (+33 7 00 00 00 00) is
        # still a number someone can object with: its E.164 form is hashed like any other.
        phone = normalise_phone(value, default_region)
        if phone.e164 is None:
            raise ValueError("not a valid phone number")
        return phone.e164
    raise ValueError(f"unknown identifier kind {kind!r} (expected one of {', '.join(KINDS)})")


def identifier_hash(key: bytes, kind: str, value: str, default_region: str = "FR") -> str:
    """HMAC-SHA256 (hex) of ``kind:canonical value`` under ``key``."""
    return _hmac(key, kind, canonical_identifier(kind, value, default_region))


def _hmac(key: bytes, kind: str, canonical: str) -> str:
    return hmac.new(key, f"{kind}:{canonical}".encode(), hashlib.sha256).hexdigest()


def _key_check(key: bytes) -> str:
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


class SuppressionList:
    """Keyed-hash lookups and additions for one database. Build it with ``open``."""

    def __init__(self, db: Database, key: bytes, default_region: str = "FR") -> None:
        self.db = db
        self._key = key
        self.default_region = default_region
        self._sql = "SELECT 1 FROM suppression WHERE hash = ?"
        marks = ", ".join("?" for _ in SHARED_PLAN_CODES)
        self._sql_many = f"SELECT 1 FROM suppression WHERE hash IN ({marks}) LIMIT 1"

    @classmethod
    def open(
        cls, db: Database, key_path: str | os.PathLike[str], default_region: str = "FR"
    ) -> SuppressionList:
        """Load (or, for an empty list, create) the key and check it belongs to this list.

        Fails closed with ``SuppressionKeyError``: a missing key while the list has entries,
        or a key that is not the one the list was written with.
        """
        key_path = Path(key_path)
        checks = {
            row[0]
            for row in db.execute("SELECT hash FROM suppression WHERE kind = ?", [_KEY_CHECK_KIND])
        }
        if not key_path.exists():
            entries = count(db)
            if entries or checks:
                raise SuppressionKeyError(
                    f"suppression key {key_path} is missing but the suppression list has "
                    f"{entries} entr{'y' if entries == 1 else 'ies'}: without the key they cannot "
                    "be checked, so objections cannot be honoured (R8). Restore the key file "
                    f"from its backup ({_DOC})"
                )
        key = load_or_create_key(key_path)
        check = _key_check(key)
        if checks and check not in checks:
            raise SuppressionKeyError(
                f"suppression key {key_path} is not the key this suppression list was written "
                f"with: its entries cannot be checked (R8). Restore the original key ({_DOC})"
            )
        if not checks:
            with db.conn:
                db.execute(
                    "INSERT OR IGNORE INTO suppression (hash, kind, added_at, reason) "
                    "VALUES (?, ?, ?, ?)",
                    [check, _KEY_CHECK_KIND, utcnow(), _KEY_CHECK_KIND],
                )
        return cls(db, key, default_region)

    def digest(self, kind: str, value: str) -> str:
        return identifier_hash(self._key, kind, value, self.default_region)

    def is_suppressed(self, kind: str, value: str) -> bool:
        """Is this email/phone on the list? A value that is not valid cannot be, so False.

        A number of the shared French plan is checked under each of its country codes
        (``values.phones.equivalent_e164``), as the opposition screen does.
        """
        try:
            canonical = canonical_identifier(kind, value, self.default_region)
        except ValueError:
            if kind not in KINDS:
                raise
            return False
        forms = equivalent_e164(canonical) if kind == "phone" else (canonical,)
        digests = [_hmac(self._key, kind, form) for form in forms]
        sql = self._sql if len(digests) == 1 else self._sql_many
        return self.db.execute(sql, digests).fetchone() is not None

    def add(self, kind: str, value: str, reason: str) -> bool:
        """Add one identifier (in its own transaction); False when it was already listed.

        ``reason`` is a short code (``objection``, ``erasure``), never free text, so no
        personal data can slip in through it.
        """
        if not _REASON.fullmatch(reason):
            raise ValueError("reason must be a short lower-case code such as 'objection'")
        digest = self.digest(kind, value)
        with self.db.conn:
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO suppression (hash, kind, added_at, reason) "
                "VALUES (?, ?, ?, ?)",
                [digest, kind, utcnow(), reason],
            )
            added = cursor.rowcount == 1
            if added:
                audit_log.append(
                    self.db, "suppression_add", {"kind": kind, "hash": digest, "reason": reason}
                )
        return added


def count(db: Database) -> int:
    """Entries on the suppression list (the key-check row excluded)."""
    row = db.execute("SELECT count(*) FROM suppression WHERE kind != ?", [_KEY_CHECK_KIND])
    return int(row.fetchone()[0])


def add(db: Database, key: bytes, kind: str, value: str, reason: str) -> bool:
    """Add one identifier to the suppression list under ``key`` (see ``SuppressionList``)."""
    return SuppressionList(db, key).add(kind, value, reason)


def is_suppressed(db: Database, key: bytes, kind: str, value: str) -> bool:
    """Is this identifier on the suppression list under ``key``?"""
    return SuppressionList(db, key).is_suppressed(kind, value)
