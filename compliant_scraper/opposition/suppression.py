"""The suppression list: people who objected (GDPR Art. 21) are never collected again (R8).

Only a keyed hash of what recognises the person is kept: HMAC-SHA256 of the normalised email
(lower-cased, IDN domain in ASCII) or E.164 number (CNIL MED-2023-040), and, for a person
reached by post, of the folded name plus postal address (``postal``, ``values.persons.postal_key``):
the least that recognises them on that channel (issue 13). A plain
SHA-256 of an email is not anonymisation (CNIL SAN-2020-003): anyone can hash a candidate
address and compare, so the hash is keyed with 32 random bytes that live in a file beside
the database (``COMPLIANCE_KEY_FILE``, default ``<db>.key``), created owner-only, never
stored in the database.

Without its key the list cannot be checked, so a missing or different key fails closed
(``SuppressionKeyError``): a crawl must not start when it cannot honour objections. A
``key_check`` row (the HMAC of a fixed label, which reveals nothing) tells a wrong key from
the right one.

This module is the pure half (keys, canonical forms, keyed hashes); the list itself, over
the store, is ``store.suppression.SuppressionList``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Final

from ..errors import ComplianceConfigError
from ..hashing import PrivateFileError, create_private_file, read_private_file
from ..values.emails import normalise_email
from ..values.fields import IDENTIFIERS
from ..values.persons import fold
from ..values.phones import equivalent_e164, normalise_phone

KINDS: Final = IDENTIFIERS
POSTAL: Final = "postal"  # the folded name plus postal address (values.persons.postal_key)
ALL_KINDS: Final = (*IDENTIFIERS, POSTAL)
KEY_BYTES: Final = 32
KEY_CHECK_KIND: Final = "key_check"
_KEY_CHECK_LABEL: Final = b"compliant-scraper/suppression/key-check/v1"
_REASON: Final = re.compile(r"[a-z][a-z0-9_-]{0,39}")
DOC: Final = "see docs/opposition-lists.md"


class SuppressionKeyError(ComplianceConfigError):
    """The suppression key is missing, unreadable, malformed, exposed, or not this list's."""


def load_or_create_key(path: str | os.PathLike[str]) -> bytes:
    """The key in ``path``; a new random one (file created 0600, exclusively, never through a
    symbolic link) if missing."""
    path = Path(path)
    if not os.path.lexists(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.urandom(KEY_BYTES)
        if create_private_file(path, key.hex() + "\n"):
            return key
        # created meanwhile by another process (or a link planted there): read what is there
    return load_key(path)


def load_key(path: str | os.PathLike[str]) -> bytes:
    """Read an existing key file; refuse a symbolic link, a file that is not this user's or
    that others can read, and a malformed key (issue 10 item 12)."""
    path = Path(path)
    try:
        text = read_private_file(path, "suppression key").strip()
    except PrivateFileError as exc:
        raise SuppressionKeyError(str(exc)) from None
    except FileNotFoundError:
        raise SuppressionKeyError(f"suppression key {path} does not exist") from None
    except OSError as exc:
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
    if kind == POSTAL:
        folded = fold(value)
        if not folded:
            raise ValueError("an empty name and postal address")
        return folded
    raise ValueError(f"unknown identifier kind {kind!r} (expected one of {', '.join(ALL_KINDS)})")


def identifier_hash(key: bytes, kind: str, value: str, default_region: str = "FR") -> str:
    """HMAC-SHA256 (hex) of ``kind:canonical value`` under ``key``."""
    return _hmac(key, kind, canonical_identifier(kind, value, default_region))


def canonical_hash(key: bytes, kind: str, canonical: str) -> str:
    """``identifier_hash`` of a value already in its canonical form (the processor's
    lower-cased email, an E.164 number): what a ``drops`` row keeps of the item's identifiers."""
    return _hmac(key, kind, canonical)


def lookup_hashes(key: bytes, kind: str, value: str, default_region: str = "FR") -> list[str]:
    """The hashes a lookup of ``value`` checks: its own, and for a number of the shared
    French plan those of its other country codes (``values.phones.equivalent_e164``), so an
    objection recorded as +33 691 ... holds when a later metadata reads +590 691 ...."""
    return list(_lookup_hashes(key, kind, value, default_region))


def lookup_hashes_of(
    key: bytes, identifiers: Iterable[tuple[str, str]], default_region: str = "FR"
) -> list[str]:
    """The lookup hashes of several (kind, value) identifiers together, so that one query
    checks a whole item (issue 16 item 2). A value that is not valid has none (it cannot be
    listed); an unknown kind raises ValueError."""
    digests: list[str] = []
    for kind, value in identifiers:
        try:
            digests += _lookup_hashes(key, kind, value, default_region)
        except ValueError:
            if kind not in ALL_KINDS:
                raise
    return digests


@lru_cache(maxsize=4096)
def _lookup_hashes(key: bytes, kind: str, value: str, default_region: str) -> tuple[str, ...]:
    # One item asks for the same identifier's hashes several times (the screen, then the
    # store's locks and its re-check under them): computed once (issue 16). A pure function
    # of its arguments; the ValueError of an invalid value is not cached, and is raised again.
    canonical = canonical_identifier(kind, value, default_region)
    forms = equivalent_e164(canonical) if kind == "phone" else (canonical,)
    return tuple(_hmac(key, kind, form) for form in forms)


def _hmac(key: bytes, kind: str, canonical: str) -> str:
    return _keyed(key)(f"{kind}:{canonical}".encode())


@lru_cache(maxsize=8)
def _keyed(key: bytes) -> Callable[[bytes], str]:
    """HMAC-SHA256 (RFC 2104) under ``key`` with its two padded-key states computed once:
    the same digest as ``hmac.new(key, msg, sha256)`` at a third of the cost (issue 16; a
    crawl hashes every email and each of a number's equivalent forms)."""
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))

    def digest(message: bytes) -> str:
        i = inner.copy()
        i.update(message)
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return digest


def key_check(key: bytes) -> str:
    """The ``key_check`` row's hash: the HMAC of a fixed label, which reveals nothing but
    tells a wrong key from the right one."""
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


def check_reason(reason: str) -> None:
    """A suppression reason is a short code (``objection``, ``erasure``), never free text,
    so no personal data can slip in through it."""
    if not _REASON.fullmatch(reason):
        raise ValueError("reason must be a short lower-case code such as 'objection'")
