"""The ASCII fast path of ``normalise_email`` must agree with email-validator on every input.

Every case is checked: an address the fast path takes must get email-validator's answer
from it; an address it leaves must get email-validator's answer from ``normalise_email``
(the function the pipeline calls). How many cases take the fast path is asserted too, so
the test cannot quietly stop exercising it. (It was a parametrized test whose cases
returned before asserting when the fast path declined: 2,247 of 2,288 checked nothing.)
"""

from __future__ import annotations

import itertools
import random

from email_validator import EmailNotValidError, validate_email

from compliant_scraper.values.emails import _fast_email, is_role_local_part, normalise_email

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


def _reference(address: str) -> tuple[str | None, str | None, str | None]:
    try:
        valid = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None, None, None
    kind = "generic" if is_role_local_part(valid.local_part) else "personal"
    return valid.normalized, kind, (valid.ascii_email or valid.normalized).lower()


def _plausible(rng: random.Random) -> str:
    """An address as directories print them: mostly fast-path material, some edge cases."""
    word = "".join(rng.choices("abcdefghijklmnopqrstuvwxyzABCZ019", k=rng.randint(1, 12)))
    local = rng.choice([word, f"{word}.{word[::-1]}", f"{word}_{word}", f"{word}+news", "contact"])
    label = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0189-", k=rng.randint(1, 20)))
    tld = rng.choice(["fr", "com", "example", "co.uk", "FR", "test", "localhost", "x", "c0m"])
    return f"{local}@{label}.{tld}"


def _cases() -> list[str]:
    pairs = [f"{local}@{domain}" for local, domain in itertools.product(LOCALS, DOMAINS)]
    rng = random.Random(20261123)
    alphabet = "abcXYZ019._+-@é "
    pairs += ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 20))) for _ in range(2000)]
    pairs += [_plausible(rng) for _ in range(1500)]
    return pairs


CASES = _cases()


def test_fast_path_never_disagrees() -> None:
    """Each case is checked; the count of cases the fast path takes is asserted."""
    disagree = []
    taken = 0
    for address in CASES:
        fast = _fast_email(address)
        if fast is not None:
            taken += 1
            got = (fast.email, fast.kind, fast.canonical)
            expected = _reference(address)
        else:  # left to email-validator: the pipeline's function must still give its answer
            result = normalise_email(address)
            got = (result.email, result.kind, result.canonical)
            expected = _reference(address.strip())
        if got != expected:
            disagree.append((address, got, expected))
    assert disagree == []
    # The number is part of the test: a change that sends fewer cases (or more) through the
    # fast path shows here, so the agreement above is known to exercise it.
    assert (len(CASES), taken) == (3788, 810)


def test_fast_path_takes_common_addresses() -> None:
    for address in ["jeanne.martin@cabinet-martin.fr", "Contact@ACME.example", "j_m+x@a.b.co.uk"]:
        assert _fast_email(address) is not None, address
