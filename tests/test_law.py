from __future__ import annotations

from datetime import date

import pytest

from compliant_scraper.errors import ComplianceConfigError
from compliant_scraper.law import b2b_consent_country, check_purpose_allowed, consent_rule
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
        ("phone", "b2b", "DE", False),  # human calls are not an electronic channel
        ("post", "b2b", "DE", False),
    ],
)
def test_b2b_consent_countries(
    channel: str, audience: str, country: str | None, dropped: bool
) -> None:
    assert (b2b_consent_country(purpose(channel, audience), country) is not None) is dropped
