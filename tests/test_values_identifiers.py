"""Phone numbers and email addresses found inside free text (issue 10 item 10)."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from compliant_scraper.values import identifiers
from compliant_scraper.values.identifiers import (
    MIN_INTERNATIONAL_DIGITS,
    NOTHING,
    Found,
    find_identifiers,
)


@pytest.mark.parametrize(
    ("text", "phones", "emails"),
    [
        ("Directeur commercial - 06 12 34 56 78", ("+33612345678",), ()),
        ("Responsable RH (tél. 01.42.68.53.00)", ("+33142685300",), ()),
        ("Standard : +33 (0)1 42 68 53 00", ("+33142685300",), ()),
        ("Joignable au 0692 12 34 56", ("+262692123456",), ()),  # Réunion, national form
        ("Tel 262692123456", ("+262692123456",), ()),  # no "+": the matcher misses it
        ("+33 7 00 00 00 00 ou 0700123456", ("+33700000000", "+33700123456"), ()),
        ("Bureau: +44 20 7946 0958", ("+442079460958",), ()),
        ("Cabinet ０６ １２ ３４ ５６ ７８", ("+33612345678",), ()),
        ("écrire à Jeanne.Martin@ACME.fr.", (), ("jeanne.martin@acme.fr",)),
        ("jeanne [at] acme [dot] fr", (), ("jeanne@acme.fr",)),
        ("jeanne(at)acme.fr", (), ("jeanne@acme.fr",)),
        ("mailto:jean@acme.fr?subject=devis", (), ("jean@acme.fr",)),
        ("Jean <jean@exämple.fr>", (), ("jean@xn--exmple-cua.fr",)),
        (
            "Contact: 06 12 34 56 78, jean@acme.fr",
            ("+33612345678",),
            ("jean@acme.fr",),
        ),
        # nothing to find
        ("Directrice commerciale", (), ()),
        ("12 rue de la Paix, 75002 Paris", (), ()),
        ("Associée depuis 2010, gérante en 2015", (), ()),
        ("SIRET 123 456 789 00012", (), ()),
        ("Cabinet (Paris)", (), ()),
        ("bad@", (), ()),
        ("06 12", (), ()),
    ],
)
def test_find_identifiers(text: str, phones: tuple[str, ...], emails: tuple[str, ...]) -> None:
    assert find_identifiers(text, "FR") == Found(phones, emails)
    assert bool(find_identifiers(text, "FR")) is bool(phones or emails)


def test_nothing_found_is_the_shared_empty_result() -> None:
    assert find_identifiers("Jeanne Martin", "FR") is NOTHING
    assert not NOTHING


def test_results_are_cached_on_the_text() -> None:
    text = "Commercial 06 98 76 54 32"
    assert find_identifiers(text, "fr") is find_identifiers(text, "FR")


def test_min_international_digits_matches_the_metadata() -> None:
    """The prefilter's floor: calling code plus the shortest possible national number."""
    fewest = min(
        len(str(code)) + min(n for n in desc.possible_length if n > 0)
        for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()
        for region in regions
        if (
            desc := (
                phonenumbers.PhoneMetadata.metadata_for_nongeo_region(code)
                if region == "001"
                else phonenumbers.PhoneMetadata.metadata_for_region(region)
            ).general_desc
        )
        is not None
        and any(n > 0 for n in desc.possible_length)
    )
    assert fewest == MIN_INTERNATIONAL_DIGITS


def _random_texts(count: int) -> list[str]:
    rnd = random.Random(20261203)
    words = ["Directeur", "tél.", "Paris", "depuis", "n°", "bureau", "-", "/", "(", ")", "x"]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rnd.randint(1, 8)):
            if rnd.random() < 0.5:
                parts.append(rnd.choice(words))
            else:
                digits = "".join(rnd.choices("0123456789", k=rnd.randint(1, 12)))
                sep = rnd.choice(["", " ", ".", "-", " / ", "  "])
                parts.append(sep.join(digits[i : i + 2] for i in range(0, len(digits), 2)))
        prefix = rnd.choice(["", "+", "+33 ", "00", "+262 "])
        out.append(prefix + " ".join(parts))
    return out


def test_the_prefilter_never_hides_what_the_matcher_finds() -> None:
    """Every text the cheap checks skip holds no number phonenumbers' matcher would find."""
    with_numbers = 0
    for text in _random_texts(4000):
        direct = identifiers._numbers(text, "FR")  # the matcher without any prefilter
        assert find_identifiers(text, "FR").phones == direct, text
        with_numbers += bool(direct)
    assert with_numbers > 500
