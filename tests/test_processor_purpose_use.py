"""Purpose rules that decide which people a purpose may keep (R6, issue 12): the law of the
contact's country, target professions, and professional mailboxes only."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from compliant_scraper.errors import ContactDropped
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.processor import ContactProcessor

FIELDS = ("name", "job_title", "organization", "email", "phone", "country", "website")
LAWYERS = Purpose(
    "b2b_email_prospecting",
    "email",
    "b2b",
    "Legitimate interest, GDPR Art. 6(1)(f)",
    FIELDS,
    offer="Practice-management software for law firms",
    target_professions=("avocat", "juriste", "notaire"),
)
SMS = replace(LAWYERS, name="b2b_sms", channel="sms")
PHONE = replace(LAWYERS, name="b2b_phone", channel="phone", target_professions=())
POST = replace(LAWYERS, name="b2b_post", channel="post", target_professions=())
PROV = Provenance(
    "http://annuaire.test/p/1", "t", "directory", "run", "domains/a.toml", "p", "r", "json-ld"
)


class NoSuppression:
    def is_suppressed(self, kind: str, value: str) -> bool:
        return False

    def any_suppressed(self, identifiers: object) -> bool:
        return False


def run(
    item: dict[str, Any], purpose: Purpose = LAWYERS
) -> tuple[dict[str, Any] | None, list[tuple[str, str, str]]]:
    drops: list[tuple[str, str, str]] = []
    processor = ContactProcessor(
        purpose,
        "FR",
        lambda url, field, reason, rule: drops.append((field, reason, str(rule))),
        NoSuppression(),
        set(),
    )
    try:
        return processor.process({**item, "provenance": PROV}).contact, drops
    except ContactDropped:
        return None, drops


def person(**values: str) -> dict[str, Any]:
    return {"kind": "person", "name": "Jeanne Martin", **values}


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (person(job_title="Avocate associée", email="j.martin@cabinet-martin.fr"), None),
        (person(organization="Cabinet d'Avocats Martin", email="j@cabinet-martin.fr"), None),
        (person(job_title="NOTAIRE", email="j@etude.fr"), None),
        (person(job_title="Architecte DPLG", email="s@archi.fr"), "unrelated_to_offer"),
        (
            person(job_title="Cardiologue", organization="Clinique", email="c@x.fr"),
            "unrelated_to_offer",
        ),
        (person(email="jean@cabinet.fr"), "no_profession"),
        (person(job_title="Avocat", email="jean.dupont@gmail.com"), "private_mailbox"),
        (person(job_title="Avocat", email="j@orange.fr"), "private_mailbox"),
        (person(job_title="Avocat", email="j@orange.com"), None),
        # Across borders (law.COUNTRY_RULES): consent required for B2B email.
        (person(job_title="Rechtsanwalt, Avocat", email="j@kanzlei.de"), "b2b_consent_country"),
        (person(job_title="Avocat", email="j@x.fr", country="Autriche"), "b2b_consent_country"),
        (person(job_title="Avocat", email="j@x.com", country="DEU"), "b2b_consent_country"),
        (
            person(job_title="Avocat", email="j@x.com", phone="+43 1 234 5678"),
            "b2b_consent_country",
        ),
        (
            person(job_title="Avocat", email="j@x.com", website="https://kanzlei.at"),
            "b2b_consent_country",
        ),
        (person(job_title="Avocat", email="j@x.fr", country="France"), None),
        (person(job_title="Avocat", email="j@x.com"), None),  # unknown: the crawl's region
    ],
)
def test_email_purpose(item: dict[str, Any], reason: str | None) -> None:
    contact, drops = run(item)
    if reason is None:
        assert contact is not None, drops
        assert all(field != "*" for field, _, _ in drops)
    else:
        assert contact is None
        assert ("*", reason, "R6") in drops


def test_an_organisations_own_record_is_matched_on_its_name() -> None:
    item = {"kind": "organization", "name": "Cabinet d'avocats Girard", "email": "g@girard.fr"}
    contact, _ = run(item)
    assert contact is not None


def test_private_mailboxes_can_be_allowed() -> None:
    allowed = replace(LAWYERS, allow_private_mailboxes=True)
    contact, _ = run(person(job_title="Avocat", email="jean.dupont@gmail.com"), allowed)
    assert contact is not None and contact["email"] == "jean.dupont@gmail.com"


def test_on_an_sms_purpose_only_the_private_address_is_dropped() -> None:
    contact, drops = run(
        person(job_title="Avocat", email="j@gmail.com", phone="06 12 34 56 78"), SMS
    )
    assert contact is not None and "email" not in contact and contact["phone"]
    assert ("email", "private_mailbox", "R6") in drops


@pytest.mark.parametrize(
    ("item", "purpose", "kept"),
    [
        # UWG §7(2) Nr. 1: a B2B call to Germany needs at least presumed consent.
        (person(phone="+49 30 1234567"), PHONE, False),
        (person(phone="030 1234567", country="Deutschland"), PHONE, False),
        (person(phone="06 12 34 56 78"), PHONE, True),
        # Post is not governed by the country rows.
        (
            person(country="DE", street_address="Hauptstr. 1", postal_code="10115"),
            replace(POST, fields=(*FIELDS, "street_address", "postal_code")),
            True,
        ),
        # A phone purpose without target professions keeps any profession.
        (person(job_title="Cardiologue", phone="06 12 34 56 78"), PHONE, True),
        (person(phone="06 12 34 56 78"), PHONE, True),
    ],
)
def test_phone_and_post(item: dict[str, Any], purpose: Purpose, kept: bool) -> None:
    contact, drops = run(item, purpose)
    assert (contact is not None) is kept, drops


def test_the_drop_detail_says_where_the_country_came_from() -> None:
    processor = ContactProcessor(LAWYERS, "FR", lambda *a: None, NoSuppression(), set())
    with pytest.raises(ContactDropped) as info:
        processor.process({**person(job_title="Avocat", email="j@kanzlei.de"), "provenance": PROV})
    assert "DE (email domain)" in info.value.detail and "UWG" in info.value.detail


@pytest.mark.parametrize(
    ("country", "purpose", "kept"),
    [
        # Read from its pieces: the German address wins over the French mobile.
        ("Deutschland (DE)", PHONE, False),
        ("Wien, Österreich", PHONE, False),
        ("75002 Paris, France", PHONE, True),
        ("France métropolitaine", PHONE, True),
        # Written but unreadable: not guessed from the phone; not kept (fail closed).
        ("Germanie", PHONE, False),
        ("DE / AT", LAWYERS, False),
        # Post is not governed by the country rows: an unreadable country changes nothing.
        ("Germanie", replace(POST, fields=(*FIELDS, "street_address", "postal_code")), True),
    ],
)
def test_an_address_country_is_read_or_the_contact_is_not_kept(
    country: str, purpose: Purpose, kept: bool
) -> None:
    item = person(job_title="Avocat", phone="06 12 34 56 78", email="j@cabinet.fr")
    address = {"street_address": "1 rue X", "postal_code": "75002"}
    contact, drops = run({**item, **address, "country": country}, purpose)
    assert (contact is not None) is kept, drops
    if not kept:
        assert drops[-1] == ("*", "b2b_consent_country", "R6")


def test_an_unreadable_country_is_named_in_the_drop_detail() -> None:
    processor = ContactProcessor(PHONE, "FR", lambda *a: None, NoSuppression(), set())
    item = {**person(phone="06 12 34 56 78", country="Germanie"), "provenance": PROV}
    with pytest.raises(ContactDropped) as info:
        processor.process(item)
    assert info.value.detail == (
        "the address country 'Germanie' names no country the law table can look up: not kept "
        "for a B2B prospecting purpose until it is corrected"
    )


def test_the_unrelated_to_offer_message_reads_as_a_sentence() -> None:
    """The log line a data team reads: 'organization name none of' read as a noun phrase."""
    processor = ContactProcessor(LAWYERS, "FR", lambda *a: None, NoSuppression(), set())
    item = {**person(job_title="Architecte DPLG", email="s@archi.fr"), "provenance": PROV}
    with pytest.raises(ContactDropped) as dropped:
        processor.process(item)
    assert (
        "neither the job title nor the organization contains a target profession of "
        "'b2b_email_prospecting' (Practice-management software for law firms)"
    ) in str(dropped.value)
