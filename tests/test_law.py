from __future__ import annotations

from datetime import date

import pytest

from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.law import (
    COUNTRY_RULES,
    EEA,
    SECTORS,
    TRANSFER_MECHANISMS,
    ListAge,
    adequacy_decision,
    b2b_consent_country,
    check_list_date,
    check_purpose_allowed,
    consent_rule,
    country_rule,
    list_age,
    opposition_register,
    sector_rule,
)
from compliant_scraper.policy.model import Purpose


def purpose(channel: str, audience: str) -> Purpose:
    return Purpose(f"{audience}_{channel}", channel, audience, "legitimate interest", ("name",))


@pytest.mark.parametrize(
    ("channel", "audience", "day", "refused"),
    [
        ("email", "b2c", date(2026, 11, 23), True),
        ("sms", "b2c", date(2026, 11, 23), True),
        ("automated_call", "b2c", date(2026, 11, 23), True),
        # Consumer phone canvassing: Bloctel screening before 11 August 2026, consent after.
        ("phone", "b2c", date(2026, 8, 10), False),
        ("phone", "b2c", date(2026, 8, 11), True),
        ("phone", "b2c", date(2026, 11, 23), True),
        ("post", "b2c", date(2026, 11, 23), False),
        ("email", "b2b", date(2026, 11, 23), False),
        ("phone", "b2b", date(2026, 11, 23), False),
        ("sms", "b2b", date(2026, 11, 23), False),
    ],
)
def test_purpose_allowed_by_date(channel: str, audience: str, day: date, refused: bool) -> None:
    p = purpose(channel, audience)
    assert (consent_rule(p, day) is not None) is refused
    if refused:
        with pytest.raises(ComplianceConfigError, match="prior consent is required"):
            check_purpose_allowed(p, day)
    else:
        check_purpose_allowed(p, day)


def test_refusal_message_cites_rule_and_date() -> None:
    with pytest.raises(ComplianceConfigError) as info:
        check_purpose_allowed(purpose("phone", "b2c"), date(2026, 11, 23))
    message = str(info.value)
    assert "R6" in message
    assert "2026-08-11" in message
    assert "b2c phone" in message


@pytest.mark.parametrize(
    ("channel", "audience", "country", "dropped"),
    [
        ("email", "b2b", "DE", True),
        ("email", "b2b", "it", True),
        ("sms", "b2b", "IT", True),
        ("email", "b2b", "FR", False),
        ("email", "b2b", None, False),
        # UWG §7(2) Nr. 1: a B2B call needs at least presumed consent.
        ("phone", "b2b", "DE", True),
        ("post", "b2b", "DE", False),  # post is not governed by the country rows
    ],
)
def test_b2b_consent_countries(
    channel: str, audience: str, country: str | None, dropped: bool
) -> None:
    assert (b2b_consent_country(purpose(channel, audience), country) is not None) is dropped


@pytest.mark.parametrize(
    ("channel", "country", "kept"),
    [
        ("email", "FR", True),
        ("phone", "FR", True),
        ("email", "DE", False),
        ("sms", "DE", False),
        ("automated_call", "DE", False),
        ("phone", "DE", False),
        ("email", "AT", False),
        ("sms", "AT", False),
        ("phone", "AT", False),
        ("email", "IT", False),
        ("email", "ES", False),
        ("phone", "ES", False),
        ("email", "BE", False),  # not assessed: fail closed
        ("phone", "US", False),
        ("post", "US", True),
        ("email", None, True),  # unknown: the crawl's own region
    ],
)
def test_cross_border_table(channel: str, country: str | None, kept: bool) -> None:
    day = date(2026, 11, 23)
    why = b2b_consent_country(purpose(channel, "b2b"), country, day)
    assert (why is None) is kept, why


def test_every_country_row_cites_its_law_and_unsettled_rows_say_why() -> None:
    for row in COUNTRY_RULES:
        assert row.source.strip(), row
        assert len(row.country) == 2 and row.country.isupper()
        assert row.settled or row.note, f"{row.country} {sorted(row.channels)}: unsettled, no note"


def test_reasons_quote_the_source_and_an_unsettled_reading() -> None:
    day = date(2026, 11, 23)
    assert "UWG §7(2) Nr. 1" in str(b2b_consent_country(purpose("phone", "b2b"), "DE", day))
    assert "TKG 2021 §174(3)" in str(b2b_consent_country(purpose("email", "b2b"), "AT", day))
    austria_phone = str(b2b_consent_country(purpose("phone", "b2b"), "at", day))
    assert "not settled" in austria_phone and "TKG 2021 §174(1)" in austria_phone
    assert "not assessed" in str(b2b_consent_country(purpose("email", "b2b"), "CH", day))


def test_a_register_country_needs_the_purpose_to_consult_it() -> None:
    day = date(2026, 11, 23)
    without = Purpose("p", "phone", "b2b", "li", ("phone",), opposition_lists=("bloctel",))
    with_rpo = Purpose("p", "phone", "b2b", "li", ("phone",), opposition_lists=("rpo",))
    assert "'rpo' opposition list" in str(b2b_consent_country(without, "IT", day))
    assert b2b_consent_country(with_rpo, "IT", day) is None


def test_country_rules_are_dated() -> None:
    # The German rows cite the numbering in force since 28 May 2022; before it, no row.
    assert country_rule("email", "DE", date(2022, 5, 28)) is not None
    assert country_rule("email", "DE", date(2022, 5, 27)) is None


# -- closed registers (R7) ------------------------------------------------------------------


BLOCTEL_CLOSED = date(2026, 8, 10)


def test_bloctel_is_known_to_have_closed() -> None:
    register = opposition_register("bloctel")
    assert register is not None and register.closed_on == BLOCTEL_CLOSED


@pytest.mark.parametrize(
    ("list_date", "today", "age", "final"),
    [
        # While Bloctel was open a list ages every day.
        (date(2026, 7, 1), date(2026, 7, 20), 19, False),
        (date(2026, 7, 1), BLOCTEL_CLOSED, 40, False),
        # Once closed, the age stops at the closing date: the final list stays as it was.
        (date(2026, 8, 1), date(2026, 8, 11), 9, True),
        (date(2026, 8, 1), date(2027, 11, 23), 9, True),
        (date(2026, 8, 10), date(2030, 1, 1), 0, True),
        # A list that was already stale when the register closed stays stale.
        (date(2026, 6, 1), date(2026, 11, 23), 70, True),
    ],
)
def test_list_age_stops_at_the_closing_date(
    list_date: date, today: date, age: int, final: bool
) -> None:
    result = list_age("bloctel", list_date, today)
    assert result.days == age
    assert result.final() is final


def test_a_list_of_an_open_register_ages_normally() -> None:
    assert list_age("robinson", date(2026, 8, 1), date(2027, 8, 1)) == ListAge(365, None)


def test_a_list_dated_after_the_closing_date_is_refused() -> None:
    why = check_list_date("bloctel", date(2026, 8, 11))
    assert why is not None and "closed on 2026-08-10" in why
    assert check_list_date("bloctel", BLOCTEL_CLOSED) is None
    assert check_list_date("robinson", date(2030, 1, 1)) is None


# -- sectors (law of 30 June 2025) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "channel", "day", "banned"),
    [
        ("energy_renovation", "phone", date(2020, 7, 25), False),
        ("energy_renovation", "phone", date(2020, 7, 26), True),  # law of 24 July 2020
        ("energy_renovation", "email", date(2025, 6, 30), False),
        ("energy_renovation", "email", date(2025, 7, 1), True),  # law of 30 June 2025
        ("energy_renovation", "sms", date(2026, 11, 23), True),
        ("housing_adaptation", "phone", date(2026, 11, 23), True),
        ("housing_adaptation", "phone", date(2025, 6, 30), False),
        ("energy_renovation", "post", date(2026, 11, 23), False),
        ("legal_services", "email", date(2026, 11, 23), False),
        (None, "email", date(2026, 11, 23), False),
    ],
)
def test_sector_bans_are_dated_rows(
    sector: str | None, channel: str, day: date, banned: bool
) -> None:
    row = sector_rule(sector, channel, day)
    assert (row is not None) is banned
    if row is not None:
        assert row.sector in SECTORS and row.source


# -- transfers (R11) ----------------------------------------------------------------------------


def test_eea_and_adequacy() -> None:
    assert {"FR", "DE", "AT", "IS", "LI", "NO"} <= EEA
    assert "CH" not in EEA and "GB" not in EEA and "US" not in EEA
    assert len(EEA) == 30
    assert adequacy_decision("ch") is not None
    us = adequacy_decision("US")
    assert us is not None and "Data Privacy Framework" in us.scope
    assert adequacy_decision("CN") is None
    assert set(TRANSFER_MECHANISMS) == {"adequacy", "scc", "bcr"}


def test_a_list_dated_after_closing_is_not_final_and_ages() -> None:
    assert list_age("bloctel", date(2026, 11, 1), date(2026, 12, 3)) == ListAge(32, None)
