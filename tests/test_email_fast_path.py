"""The ASCII fast path of ``normalise_email`` must agree with email-validator on every input."""

from __future__ import annotations

import itertools
import random

import pytest
from email_validator import EmailNotValidError, validate_email

from compliant_scraper.values.emails import _fast_email, is_role_local_part

LOCALS = [
    "jeanne.martin",
    "Jeanne.Martin",
    "contact",
    "j_m+tag",
    "a",
    "a..b",
    ".a",
    "a.",
    "-a",
    "a-",
    "x" * 64,
    "x" * 65,
    "é",
    '"quoted"',
    "a b",
    "info+paris",
]
DOMAINS = [
    "acme.example",
    "ACME.Example",
    "cabinet-martin.fr",
    "a.b.c.co.uk",
    "acme.test",
    "acme.localhost",
    "local",
    "acme",
    "acme.123",
    "-acme.fr",
    "acme-.fr",
    "ab--cd.fr",
    "xn--bcher-kva.example",
    "bücher.example",
    "acme..fr",
    ("a" * 63) + ".fr",
    ("a" * 64) + ".fr",
    "acme.f",
]


def _reference(address: str) -> tuple[str, str, str] | None:
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    kind = "generic" if is_role_local_part(valid.local_part) else "personal"
    return valid.normalized, kind, (valid.ascii_email or valid.normalized).lower()


def _cases() -> list[str]:
    pairs = [f"{local}@{domain}" for local, domain in itertools.product(LOCALS, DOMAINS)]
    rng = random.Random(20261123)
    alphabet = "abcXYZ019._+-@é "
    pairs += ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 20))) for _ in range(2000)]
    return pairs


@pytest.mark.parametrize("address", _cases())
def test_fast_path_never_disagrees(address: str) -> None:
    fast = _fast_email(address)
    if fast is None:
        return  # left to email-validator
    assert (fast.email, fast.kind, fast.canonical) == _reference(address)


def test_fast_path_takes_common_addresses() -> None:
    for address in ["jeanne.martin@cabinet-martin.fr", "Contact@ACME.example", "j_m+x@a.b.co.uk"]:
        assert _fast_email(address) is not None, address
