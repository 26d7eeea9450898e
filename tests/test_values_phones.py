"""Phone normalisation: the E.164 form, type and region the pipeline stores (R9)."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from compliant_scraper.values.phones import PhoneResult, normalise_phone

# -- phones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "e164", "number_type", "number_region"),
    [
        # French national forms
        ("06 12 34 56 78", "FR", "+33612345678", "mobile", "FR"),
        ("0612345678", "FR", "+33612345678", "mobile", "FR"),
        ("06.12.34.56.78", "FR", "+33612345678", "mobile", "FR"),
        ("06-12-34-56-78", "FR", "+33612345678", "mobile", "FR"),
        ("07 81 23 45 67", "FR", "+33781234567", "mobile", "FR"),
        ("(01) 42 68 53 00", "FR", "+33142685300", "fixed_line", "FR"),
        ("04 72 00 00 00", "fr", "+33472000000", "fixed_line", "FR"),
        # international forms
        ("+33612345678", "FR", "+33612345678", "mobile", "FR"),
        ("+33 6 12 34 56 78", "FR", "+33612345678", "mobile", "FR"),
        ("0033612345678", "FR", "+33612345678", "mobile", "FR"),
        ("33612345678", "FR", "+33612345678", "mobile", "FR"),
        ("+33 (0)6 12 34 56 78", "FR", "+33612345678", "mobile", "FR"),
        ("+33 (0)1 42 68 53 00", "FR", "+33142685300", "fixed_line", "FR"),
        ("tel:+33-6-12-34-56-78", "FR", "+33612345678", "mobile", "FR"),
        ("\u00a006\u00a012\u00a034\u00a056\u00a078 ", "FR", "+33612345678", "mobile", "FR"),
        # number types
        ("0899 12 34 56", "FR", "+33899123456", "premium_rate", "FR"),
        ("0800 12 34 56", "FR", "+33800123456", "toll_free", "FR"),
        ("0810 12 34 56", "FR", "+33810123456", "shared_cost", "FR"),
        ("09 12 34 56 78", "FR", "+33912345678", "voip", "FR"),
        ("0806 12 34 56", "FR", "+33806123456", "uan", "FR"),
        # overseas departments dialled from France in the national plan
        ("0692 12 34 56", "FR", "+262692123456", "mobile", "RE"),
        ("0590 01 12 34", "FR", "+590590011234", "fixed_line", "GP"),
        ("+262 692 12 34 56", "FR", "+262692123456", "mobile", "RE"),
        # other regions
        ("+44 20 7946 0958", "FR", "+442079460958", "fixed_line", "GB"),
        ("020 7946 0958", "GB", "+442079460958", "fixed_line", "GB"),
        ("612 34 56 78", "ES", "+34612345678", "mobile", "ES"),
        ("030 1234567", "DE", "+49301234567", "fixed_line", "DE"),
        ("+1 650-253-0000", "FR", "+16502530000", "fixed_line_or_mobile", "US"),
        ("06 12 34 56 78", "IT", "+390612345678", "fixed_line", "IT"),  # Rome, leading 0 kept
    ],
)
def test_normalise_phone(
    raw: str, region: str, e164: str | None, number_type: str | None, number_region: str | None
) -> None:
    result = normalise_phone(raw, region)
    assert (result.e164, result.number_type, result.region) == (e164, number_type, number_region)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "12",
        "0700000000",  # not an allocated mobile range
        "0000000000",
        "06 12 34 56 7",  # a digit short
        "06 12 34 56 78 9",  # a digit long
        "+33 6 12",
        "+999 123456789",
    ],
)
def test_invalid_phone_has_a_reason_and_no_value(raw: str) -> None:
    result = normalise_phone(raw, "FR")
    assert result == PhoneResult(None, reason="invalid_phone")
    assert not result.ok


_TYPE_NAMES = {
    getattr(phonenumbers.PhoneNumberType, n): n.lower()
    for n in dir(phonenumbers.PhoneNumberType)
    if n.isupper()
}


def test_fast_path_agrees_with_phonenumbers() -> None:
    """Every French number phonenumbers finds valid gets phonenumbers' own answer."""
    rnd = random.Random(7)
    checked = 0
    for prefix in range(100, 1000):
        for _ in range(3):
            nsn = f"{prefix}{rnd.randint(0, 999999):06d}"
            for form in (f"0{nsn}", f"+33 {nsn}", f"0033{nsn}"):
                number = phonenumbers.parse(form, "FR")
                if not phonenumbers.is_valid_number(number):
                    continue  # invalid in phonenumbers: overseas resolution is tested above
                expected = (
                    phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                    _TYPE_NAMES[phonenumbers.number_type(number)],
                    phonenumbers.region_code_for_number(number),
                )
                result = normalise_phone(form, "FR")
                assert (result.e164, result.number_type, result.region) == expected, form
                checked += 1
    assert checked > 1000


def test_phone_results_are_cached() -> None:
    assert normalise_phone("06 11 22 33 44", "FR") is normalise_phone("06 11 22 33 44", "FR")
