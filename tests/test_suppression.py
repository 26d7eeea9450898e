from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest

from compliant_scraper.opposition.suppression import (
    SuppressionKeyError,
    _hmac,
    canonical_identifier,
    identifier_hash,
    load_key,
    load_or_create_key,
    lookup_hashes,
)
from compliant_scraper.store import suppression
from compliant_scraper.store.backend import Db
from compliant_scraper.store.database import open_database
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.values.phones import equivalent_e164

KEY = bytes(range(32))


@pytest.fixture
def db(store_db: Db) -> Db:
    """Each test of the list runs on both backends (tests/support/stores.py)."""
    return store_db


def test_key_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.db.key"
    key = load_or_create_key(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(path) == key  # loaded, not replaced
    assert load_or_create_key(tmp_path / "other.key") != key


@pytest.mark.parametrize(
    ("content", "mode", "message"),
    [
        ("00" * 32, 0o644, r"is readable by other users \(mode 0644\): run `chmod 600 "),
        ("00" * 31, 0o600, r"is malformed \(expected 32 bytes in hex\)"),
        ("not hex at all", 0o600, r"is malformed"),
    ],
)
def test_bad_key_files_are_refused(tmp_path: Path, content: str, mode: int, message: str) -> None:
    path = tmp_path / "c.db.key"
    path.write_text(content)
    os.chmod(path, mode)
    with pytest.raises(SuppressionKeyError, match=message):
        load_key(path)


@pytest.mark.parametrize(
    ("kind", "value", "canonical"),
    [
        ("email", "Jeanne.Martin@ACME.fr", "jeanne.martin@acme.fr"),
        ("email", " jeanne.martin@acme.fr", "jeanne.martin@acme.fr"),
        ("email", "jean@exämple.fr", "jean@xn--exmple-cua.fr"),
        ("phone", "06 12 34 56 78", "+33612345678"),
        ("phone", "+33 (0)6 12 34 56 78", "+33612345678"),
        ("phone", "+33612345678", "+33612345678"),
    ],
)
def test_identifiers_are_normalised_before_hashing(kind: str, value: str, canonical: str) -> None:
    assert canonical_identifier(kind, value) == canonical
    assert identifier_hash(KEY, kind, value) == identifier_hash(KEY, kind, canonical)


def test_hash_is_keyed_not_plain_sha256() -> None:
    digest = identifier_hash(KEY, "email", "jean@acme.fr")
    assert digest == hmac.new(KEY, b"email:jean@acme.fr", hashlib.sha256).hexdigest()
    assert digest != hashlib.sha256(b"jean@acme.fr").hexdigest()
    assert digest != hashlib.sha256(b"email:jean@acme.fr").hexdigest()
    assert digest != identifier_hash(bytes(32), "email", "jean@acme.fr")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("email", "not-an-email", "not a valid email address"),
        ("phone", "12", "not a valid phone number"),
        ("fax", "0612345678", "unknown identifier kind 'fax'"),
    ],
)
def test_invalid_identifiers(kind: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        identifier_hash(KEY, kind, value)


def test_add_and_lookup(db: Db, tmp_path: Path) -> None:
    listing = SuppressionList.open(db, tmp_path / "c.db.key")
    assert listing.add("email", "Jeanne.Martin@acme.fr", "objection") is True
    assert listing.add("email", "jeanne.martin@ACME.FR", "objection") is False  # same person
    assert listing.add("phone", "06 12 34 56 78", "erasure") is True
    assert listing.is_suppressed("email", "jeanne.martin@acme.fr")
    assert listing.is_suppressed("phone", "+33612345678")
    assert not listing.is_suppressed("phone", "+33612345679")
    assert not listing.is_suppressed("email", "jeanne.martin@acme.com")
    assert not listing.is_suppressed("email", "not-an-email")
    assert suppression.count(db) == 2
    events = [r[0] for r in db.execute("SELECT event FROM audit_log ORDER BY id")]
    assert events.count("suppression_add") == 2


def test_unallocated_numbers_can_object(db: Db, tmp_path: Path) -> None:
    """Issue 9 item 2: a possible number phonenumbers does not allocate is still honoured."""
    listing = SuppressionList.open(db, tmp_path / "c.db.key")
    assert canonical_identifier("phone", "+33 7 00 00 00 00") == "+33700000000"
    assert listing.add("phone", "07 00 00 00 00", "objection") is True
    assert listing.is_suppressed("phone", "+33700000000")


def test_the_shared_french_plan_is_one_line(db: Db, tmp_path: Path) -> None:
    """An objection recorded as +33 691 ... holds when a later metadata reads +590 691 ..."""
    listing = SuppressionList.open(db, tmp_path / "c.db.key")
    listing.add("phone", "0691 00 00 00", "objection")  # +33691000000 today
    assert listing.is_suppressed("phone", "+590691000000")
    assert listing.is_suppressed("phone", "+262 691 00 00 00")
    assert not listing.is_suppressed("phone", "+590691000001")
    listing.add("phone", "+596 696 99 99 99", "objection")
    assert listing.is_suppressed("phone", "+33696999999")


def test_module_functions(db: Db) -> None:
    assert suppression.add(db, KEY, "phone", "0612345678", "objection") is True
    assert suppression.is_suppressed(db, KEY, "phone", "+33 6 12 34 56 78")
    assert not suppression.is_suppressed(db, bytes(32), "phone", "+33 6 12 34 56 78")


def test_nothing_but_the_hash_is_stored(tmp_path: Path) -> None:
    db = open_database(tmp_path / "c.db")  # a file, to read its bytes
    key_path = tmp_path / "c.db.key"
    listing = SuppressionList.open(db, key_path)
    listing.add("email", "jeanne.martin@acme.fr", "objection")
    listing.add("phone", "06 12 34 56 78", "objection")
    db.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("c.db"))
    for needle in (b"jeanne", b"acme", b"612345678", b"12 34 56"):
        assert needle not in raw
    key_hex = key_path.read_text().strip().encode()
    database_bytes = (tmp_path / "c.db").read_bytes()
    assert key_hex not in database_bytes and bytes.fromhex(key_hex.decode()) not in database_bytes


@pytest.mark.parametrize(
    "reason", ["", "Objection", "asked by jeanne.martin@acme.fr", "x" * 41, "objection!"]
)
def test_reason_is_a_short_code(db: Db, reason: str) -> None:
    with pytest.raises(ValueError, match="reason must be a short lower-case code"):
        SuppressionList(db, KEY).add("email", "jean@acme.fr", reason)


def test_missing_key_with_entries_fails_closed(db: Db, tmp_path: Path) -> None:
    key_path = tmp_path / "c.db.key"
    SuppressionList.open(db, key_path).add("email", "jean@acme.fr", "objection")
    key_path.unlink()
    with pytest.raises(SuppressionKeyError) as caught:
        SuppressionList.open(db, key_path)
    assert str(caught.value) == (
        f"suppression key {key_path} is missing but the suppression list has 1 entry: without "
        "the key they cannot be checked, so objections cannot be honoured (R8). Restore the "
        "key file from its backup (see docs/opposition-lists.md)"
    )
    assert not key_path.exists()  # no new key was made up


def test_missing_key_with_an_empty_list_is_created(db: Db, tmp_path: Path) -> None:
    key_path = tmp_path / "c.db.key"
    SuppressionList.open(db, key_path)
    assert key_path.is_file()
    assert suppression.count(db) == 0


def test_a_different_key_fails_closed(db: Db, tmp_path: Path) -> None:
    key_path = tmp_path / "c.db.key"
    SuppressionList.open(db, key_path)
    key_path.unlink()
    other = tmp_path / "other.key"
    load_or_create_key(other)
    with pytest.raises(SuppressionKeyError, match="is not the key this suppression list"):
        SuppressionList.open(db, other)
    # and an emptied list still remembers which key it belongs to, without claiming entries
    with pytest.raises(SuppressionKeyError) as caught:
        SuppressionList.open(db, key_path)
    assert str(caught.value) == (
        f"suppression key {key_path} is missing but the suppression list has 0 entries and was "
        "started with that key (its key_check row): a new key would not be the list's key, so "
        "no new key is made (R8). Restore the key file from its backup "
        "(see docs/opposition-lists.md)"
    )
    assert not key_path.exists()


def test_reopening_with_the_right_key(db: Db, tmp_path: Path) -> None:
    key_path = tmp_path / "c.db.key"
    SuppressionList.open(db, key_path).add("phone", "0612345678", "objection")
    assert SuppressionList.open(db, key_path).is_suppressed("phone", "+33612345678")


@pytest.mark.parametrize("key_length", [1, 32, 64, 65, 200])
def test_keyed_hash_is_the_standard_hmac(key_length: int) -> None:
    """The precomputed-pad HMAC (issue 16) gives the digests ``hmac.new`` gives, whatever
    the key's length (longer than a SHA-256 block: hashed first, as RFC 2104 says)."""
    key = bytes((7 * i + 3) % 256 for i in range(key_length))
    for value in ["+33612345678", "jeanne.martin@acme.fr", "", "é" * 100, "x" * 1000]:
        expected = hmac.new(key, f"email:{value}".encode(), hashlib.sha256).hexdigest()
        assert (
            lookup_hashes(key, "email", "jeanne.martin@acme.fr")[0]
            == hmac.new(key, b"email:jeanne.martin@acme.fr", hashlib.sha256).hexdigest()
        )
        assert _hmac(key, "email", value) == expected


def test_memoised_lookup_hashes_are_the_computed_ones() -> None:
    """Memoised (issue 16): the same digests every call, a fresh list each time, and an
    invalid value refused every time, not only the first."""
    first = lookup_hashes(KEY, "phone", "+33612345678")
    assert first == [_hmac(KEY, "phone", form) for form in equivalent_e164("+33612345678")]
    first.clear()
    assert lookup_hashes(KEY, "phone", "+33612345678") != []
    for _ in range(2):
        with pytest.raises(ValueError):
            lookup_hashes(KEY, "email", "not-an-email")
