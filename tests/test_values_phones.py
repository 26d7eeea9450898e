"""Phone normalisation: the E.164 form, type and region the pipeline stores (R9)."""

from __future__ import annotations

import random
import re

import phonenumbers
import pytest

from compliant_scraper.values.phones import (
    OVERSEAS,
    SHARED_PLAN_CODES,
    PhoneResult,
    RegionPlan,
    e164_digits,
    e164_int,
    equivalent_e164,
    equivalent_keys,
    normalise_phone,
    read_phone,
)

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
        "0000000000",  # a French number never starts 00 after the trunk 0
        "00 00 00 00 00",
        "+33 0 12 34 56 78",
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


@pytest.mark.parametrize(
    ("raw", "e164", "region"),
    [
        # well-formed, in ranges phonenumbers' metadata does not (yet) allocate (issue 9 item 2)
        ("+33 7 00 00 00 00", "+33700000000", "FR"),
        ("07 00 00 00 00", "+33700000000", "FR"),
        ("0700123456", "+33700123456", "FR"),
        ("0691 00 00 00", "+33691000000", "FR"),  # an unallocated overseas-looking range
        ("+590 691 00 00 00", "+590691000000", None),  # shared code: no region without a range
        ("+269 123 45 67", "+2691234567", "KM"),
        ("+687 12 34 56", "+687123456", "NC"),
        ("+689 40 12 34 56", "+68940123456", "PF"),
    ],
)
def test_possible_but_unallocated_numbers_are_read_and_not_kept(
    raw: str, e164: str, region: str | None
) -> None:
    """Screened like any number (``e164`` is set), but not fit to store: ``ok`` is False."""
    result = normalise_phone(raw, "FR")
    assert result == PhoneResult(e164, None, region, "unallocated_phone")
    assert not result.ok
    reading = read_phone(raw)
    assert reading is not None and not reading.valid and reading.e164 == e164
    assert e164_int(raw) == int(e164[1:])


def test_phone_results_are_cached() -> None:
    assert normalise_phone("06 11 22 33 44", "FR") is normalise_phone("06 11 22 33 44", "FR")


# -- one reading for the screen and the store (issue 9 item 11) ---------------------------

# Overseas and other French-speaking plans, by calling code: the departments that share the
# French 10-digit plan, then territories and neighbours with plans of their own.
_OVERSEAS_CODES = {"RE": 262, "YT": 262, "GP": 590, "BL": 590, "MF": 590, "MQ": 596, "GF": 594}
_OTHER_REGIONS = ("NC", "PF", "PM", "WF", "KM", "MC", "BE", "CH", "LU", "GB", "IT", "DE")


def _spaced(nsn: str) -> str:
    """``612345678`` -> ``6 12 34 56 78`` (pairs after the first digit)."""
    return " ".join([nsn[0], *(nsn[i : i + 2] for i in range(1, len(nsn), 2))])


def _national_forms(nsn: str) -> list[str]:
    """A French national number written the ways people write it."""
    spaced = _spaced(nsn)
    return [
        f"0{nsn}",
        nsn,  # without the trunk 0
        f"0{spaced}",
        f"0{spaced}".replace(" ", "."),
        f"0{spaced}".replace(" ", "-"),
        f"(0){spaced}",
        f"0{nsn[:3]} {nsn[3:5]} {nsn[5:7]} {nsn[7:]}",  # 0692 12 34 56
    ]


def _international_forms(code: int, nsn: str) -> list[str]:
    spaced = _spaced(nsn)
    return [
        f"+{code}{nsn}",
        f"+{code} {spaced}",
        f"+{code} (0){spaced}",
        f"+{code}.{spaced.replace(' ', '.')}",
        f"00{code}{nsn}",
        f"00 {code} {spaced}",
        f"{code}{nsn}",  # without the "+" or "00"
        f"{code} {spaced}",
    ]


def phone_vectors(seed: int = 20261203) -> list[str]:
    """Written phone numbers: every French range shape, overseas, other plans, junk.

    Every 4-digit French prefix (``0100`` to ``0999``) with random tails in
    national and international forms; each overseas department's ranges (from phonenumbers'
    example numbers, tails varied) in national, ``+262`` and ``262`` forms; neighbouring and
    territory plans; unallocated and malformed numbers.
    """
    rnd = random.Random(seed)
    out: list[str] = []
    for prefix in range(100, 1000):  # 0ABC: 0100 ... 0999, every range shape of the plan
        for _ in range(2):
            nsn = f"{prefix}{rnd.randint(0, 999999):06d}"
            out += _national_forms(nsn) + _international_forms(33, nsn)
    for region, code in _OVERSEAS_CODES.items():
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for kind in ("fixed_line", "mobile", "voip", "toll_free"):
            desc = getattr(metadata, kind)
            example = desc.example_number if desc is not None else None
            if not example:
                continue
            for _ in range(8):
                nsn = example[:-4] + f"{rnd.randint(0, 9999):04d}"
                out += _national_forms(nsn) + _international_forms(code, nsn)
    for region in _OTHER_REGIONS:
        example = phonenumbers.example_number(region)
        assert example is not None, region
        code = example.country_code
        nsn = phonenumbers.national_significant_number(example)
        for _ in range(6):
            varied = nsn[:-3] + f"{rnd.randint(0, 999):03d}"
            out += _international_forms(code, varied)
    out += [  # unallocated in phonenumbers' metadata, short, long, not numbers at all
        "+33 7 00 00 00 00",
        "07 00 00 00 00",
        "0700000000",
        "+33 6 00 00 00 00",
        "0000000000",
        "+33 0 12 34 56 78",
        "06 12 34 56 7",
        "06 12 34 56 78 9",
        "+262 262 00 00 00",
        "+590 590 99 99 99",
        "+596 596 00 00 00",
        "+594 594 00 00 00",
        "+269 123 45 67",
        "+687 12 34 56",
        "+689 40 12 34 56",
        "12",
        "abc",
        "",
        "tel:+33-6-12-34-56-78",
        "０６１２３４５６７８",
        "０６９２１２３４５６",
    ]
    return out


VECTORS = phone_vectors()


def test_the_vector_set_covers_the_shapes() -> None:
    assert len(VECTORS) > 30000
    assert sum(v.startswith(("+262", "262", "00262")) for v in VECTORS) > 300
    assert sum(v.startswith("0") and not v.startswith("00") for v in VECTORS) > 6000


def test_screen_and_store_read_every_vector_alike() -> None:
    """The pipeline's ``normalise_phone`` and the opposition list's key agree on each one."""
    disagree = []
    for raw in VECTORS:
        stored = normalise_phone(raw, "FR").e164
        key = e164_int(raw)
        listed = None if key is None else f"+{key}"
        if stored != listed:
            disagree.append((raw, stored, listed))
    assert disagree == [], f"{len(disagree)} of {len(VECTORS)} disagree: {disagree[:10]}"


# -- the opposition lists' key -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06 12 34 56 78", 33612345678),
        ("0612345678", 33612345678),
        ("06.12.34.56.78", 33612345678),
        ("06-12-34-56-78", 33612345678),
        ("+33612345678", 33612345678),
        ("0033612345678", 33612345678),
        ("33612345678", 33612345678),
        ("+33 (0)6 12 34 56 78", 33612345678),
        ("0033 (0)6 12 34 56 78", 33612345678),
        ('"06 12 34 56 78"', 33612345678),
        ("06 12 34 56 78\r\n", 33612345678),
        ("\u00a006\u00a012\u00a034\u00a056\u00a078", 33612345678),
        ("０６１２３４５６７８", 33612345678),  # full-width digits: phonenumbers
        ("01 42 68 53 00", 33142685300),
        ("0899 12 34 56", 33899123456),
        ("0692 12 34 56", 262692123456),  # Réunion, national form
        ("0639 01 23 45", 262639012345),  # Mayotte
        ("0594 30 12 34", 594594301234),  # Guyane
        ("0596 70 12 34", 33596701234),  # phonenumbers: 0596 is also a valid French range
        ("+262 692 12 34 56", 262692123456),
        ("00262692123456", 262692123456),
        ("262692123456", 262692123456),
        ("+44 20 7946 0958", 442079460958),
        ("+39 06 1234 5678", 390612345678),
        # possible, not allocated in phonenumbers' metadata: still numbers (issue 9 item 2)
        ("0700000000", 33700000000),
        ("+33 7 00 00 00 00", 33700000000),
        ("+262 262 00 00 00", 262262000000),
        ("+590 590 99 99 99", 590590999999),
        ("+594 594 00 00 00", 594594000000),
        ("+596 596 00 00 00", 596596000000),
        ("+269 123 45 67", 2691234567),
        ("+687 12 34 56", 687123456),
        ("+689 40 12 34 56", 68940123456),
        # not numbers at all
        ("", None),
        ("abc", None),
        ("0000000000", None),
        ("+33 0 12 34 56 78", None),
        ("06 12 34 56 7", None),
        ("06 12 34 56 789", None),
        ("+33 0612345678 9", None),
        ("3361234567", None),
    ],
)
def test_e164_int(raw: str, expected: int | None) -> None:
    assert e164_int(raw) == expected


def _reference(form: str) -> int | None:
    """The reading from phonenumbers alone, possible numbers included.

    A national significant number with a leading zero must fit its plan's general pattern.
    A French valid number first; for a national form ("0XXXXXXXXX") an overseas department's
    valid reading next; then any possible reading; a bare digit string not possible in the
    national plan is read as international ("262692123456").
    """
    digits = "".join(c for c in form if c.isdigit() or c == "+")
    national = len(digits) == 10 and digits.startswith("0") and not form.lstrip().startswith("+")
    try:
        number = phonenumbers.parse(form, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number_with_reason(number) == 0:
        nsn = phonenumbers.national_significant_number(number)
        region = phonenumbers.region_code_for_country_code(number.country_code)
        general = phonenumbers.PhoneMetadata.metadata_for_region(region).general_desc
        if not nsn.startswith("0") or re.fullmatch(general.national_number_pattern, nsn):
            if not phonenumbers.is_valid_number(number) and national:
                for plan in OVERSEAS:
                    other = phonenumbers.parse(form, plan.region)
                    if phonenumbers.is_valid_number_for_region(other, plan.region):
                        return int(f"{other.country_code}{other.national_number}")
            return int(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    bare = form.translate(str.maketrans("", "", " .-()"))
    if bare.isascii() and bare.isdigit() and not bare.startswith("0"):
        try:
            number = phonenumbers.parse("+" + bare, "FR")
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_possible_number_with_reason(number) == 0:
            return int(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    return None


def test_e164_int_agrees_with_phonenumbers() -> None:
    """On every vector in plain ASCII: the fast path and the fallback give phonenumbers' key."""
    seen = {"valid": 0, "possible": 0, "none": 0}
    for form in VECTORS:
        if not form.isascii() or form.startswith("tel:"):
            continue  # Unicode digits and URIs: read by phonenumbers itself, tested above
        expected = _reference(form)
        assert e164_int(form) == expected, form
        reading = read_phone(form)
        seen["none" if reading is None else "valid" if reading.valid else "possible"] += 1
    assert seen["valid"] > 20000 and seen["possible"] > 1500 and seen["none"] > 30, seen


_TYPES = (
    "fixed_line",
    "mobile",
    "toll_free",
    "premium_rate",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)


@pytest.mark.parametrize("region", ["FR", "RE", "YT", "GP", "BL", "MF", "MQ", "GF", "GB", "ES"])
def test_region_plan_types_agree_with_phonenumbers(region: str) -> None:
    """``RegionPlan.number_type`` mirrors phonenumbers on random and near-valid numbers."""
    plan = RegionPlan.for_region(region)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    names = {
        getattr(phonenumbers.PhoneNumberType, n): n.lower()
        for n in dir(phonenumbers.PhoneNumberType)
        if n.isupper()
    }
    rnd = random.Random(region)
    digits = "0123456789"
    lengths = sorted(plan.general.lengths)
    candidates = ["".join(rnd.choices(digits, k=rnd.choice(lengths))) for _ in range(5000)]
    for kind in _TYPES:
        desc = getattr(metadata, kind)
        example = desc.example_number if desc is not None else None
        if example:  # the type's example with its last digits varied: mostly valid
            candidates += [example[:-3] + "".join(rnd.choices(digits, k=3)) for _ in range(300)]
    valid = 0
    for nsn in candidates:
        if nsn.startswith("0"):
            continue  # not a national significant number in these regions
        number = phonenumbers.PhoneNumber(country_code=plan.country_code, national_number=int(nsn))
        ours = plan.number_type(nsn)
        assert (ours is not None) == phonenumbers.is_valid_number_for_region(number, region), nsn
        if phonenumbers.region_code_for_number(number) == region:  # else typed as another's
            assert (ours or "unknown") == names[phonenumbers.number_type(number)], nsn
        valid += ours is not None
    assert valid > 300


@pytest.mark.parametrize(
    ("e164", "expected"),
    [
        ("+33612345678", 33612345678),
        ("+262692123456", 262692123456),
        ("33612345678", None),
        ("+0612345678", None),
        ("+33 6 12", None),
        ("+", None),
        ("+1234567890123456", None),
    ],
)
def test_e164_digits(e164: str, expected: int | None) -> None:
    assert e164_digits(e164) == expected


# -- one line, several E.164 forms ----------------------------------------------------------


def test_equivalent_keys_of_the_shared_french_plan() -> None:
    assert SHARED_PLAN_CODES == (33, 262, 590, 596, 594)
    assert equivalent_keys(33691000000) == (
        33691000000,
        262691000000,
        590691000000,
        596691000000,
        594691000000,
    )
    assert equivalent_keys(590691000000)[0] == 590691000000
    assert sorted(equivalent_keys(590691000000)) == sorted(equivalent_keys(33691000000))
    assert equivalent_keys(442079460958) == (442079460958,)
    assert equivalent_keys(3361234567) == (3361234567,)  # +33 with 8 digits: not the plan
    assert equivalent_e164("+262692123456")[1] == "+33692123456"
    assert equivalent_e164("not e164") == ("not e164",)


def test_every_reading_of_a_national_form_is_among_the_equivalents() -> None:
    """Whichever country code metadata gives "0XXXXXXXXX", the others are screened too."""
    checked = 0
    for raw in VECTORS:
        digits = raw.translate(str.maketrans("", "", " .-"))
        if not (len(digits) == 10 and digits.startswith("0") and digits.isdigit()):
            continue
        reading = read_phone(raw)
        if reading is None:
            continue
        keys = equivalent_keys(reading.key)
        assert {33 * 10**9 + int(digits[1:])} <= set(keys), raw
        for plan in OVERSEAS:
            assert plan.country_code * 10**9 + int(digits[1:]) in keys, raw
        checked += 1
    assert checked > 6000
