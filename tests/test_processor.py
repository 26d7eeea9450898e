"""The compliance chain on single items: what is kept, what is dropped, and why."""

from __future__ import annotations

from typing import Any

import pytest

from compliant_scraper.errors import ContactDropped
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.processor import ContactProcessor

PHONE = Purpose(
    "b2b_phone",
    "phone",
    "b2b",
    "legitimate interest",
    ("name", "job_title", "organization", "phone", "locality", "country"),
    opposition_max_age_days=30,
)
EMAIL = Purpose(
    "b2b_email",
    "email",
    "b2b",
    "legitimate interest",
    ("name", "job_title", "organization", "email", "country"),
)
PROV = Provenance(
    "http://annuaire.test/p/1", "t", "directory", "run", "domains/a.toml", "p", "r", "json-ld"
)


class FakeSuppression:
    def __init__(self, listed: set[tuple[str, str]] = frozenset()) -> None:  # type: ignore[assignment]
        self.listed = listed

    def is_suppressed(self, kind: str, value: str) -> bool:
        return (kind, value) in self.listed


def run(
    item: dict[str, Any],
    purpose: Purpose = PHONE,
    suppressed: set[tuple[str, str]] | None = None,
    opposition: set[str] | None = None,
) -> tuple[dict[str, Any] | None, list[tuple[str, str, str]]]:
    drops: list[tuple[str, str, str]] = []
    processor = ContactProcessor(
        purpose,
        "FR",
        lambda url, field, reason, rule: drops.append((field, reason, rule)),
        FakeSuppression(suppressed or set()),
        opposition if opposition is not None else set(),
    )
    try:
        return processor.process({**item, "provenance": PROV}).contact, drops
    except ContactDropped:
        return None, drops


def test_phone_normalised_and_extra_fields_dropped() -> None:
    contact, drops = run(
        {
            "kind": "person",
            "name": "Jeanne Martin",
            "phone": "06 12 34 56 78",
            "email": "jeanne.martin@acme.example",
            "description": "Dirigeante depuis 2010",
            "image": "http://x/y.jpg",
        }
    )
    assert contact is not None
    assert contact["phone"] == "+33612345678"
    assert contact["phone_type"] == "mobile"
    assert "email" not in contact
    assert "description" not in contact
    assert sorted(drops) == [
        ("description", "not_needed_for_purpose", "R4"),
        ("email", "not_needed_for_purpose", "R4"),
        ("email_kind", "not_needed_for_purpose", "R4"),
        ("image", "not_needed_for_purpose", "R4"),
    ]


def test_invalid_phone_dropped_then_nothing_usable() -> None:
    contact, drops = run({"name": "X", "phone": "12"})
    assert contact is None
    assert drops[0][0] == "phone" and drops[0][2] == "R9"
    assert drops[-1] == ("*", "nothing_usable_for_purpose", "R4")


def test_opposition_listed_number_never_kept() -> None:
    contact, drops = run({"name": "X", "phone": "0612345678"}, opposition={"+33612345678"})
    assert contact is None
    assert ("phone", "opposition_list", "R7") in drops
    assert drops[-1] == ("*", "nothing_usable_for_purpose", "R4")


def test_opposition_not_consulted_for_email_purpose() -> None:
    contact, _ = run(
        {"name": "X", "email": "x@acme.example", "phone": "0612345678"},
        purpose=EMAIL,
        opposition={"+33612345678"},
    )
    assert contact is not None and contact["email"] == "x@acme.example"


@pytest.mark.parametrize(
    ("kind", "value", "purpose"),
    [
        ("phone", "+33612345678", PHONE),
        ("email", "x@acme.example", EMAIL),
        # An objection made by one channel holds for the other: the email is not a field of
        # the phone purpose, yet the person is recognised by it before minimisation (R8).
        ("email", "x@acme.example", PHONE),
        ("phone", "+33612345678", EMAIL),
    ],
)
def test_suppressed_person_never_kept(kind: str, value: str, purpose: Purpose) -> None:
    contact, drops = run(
        {"name": "X", "phone": "0612345678", "email": "X@Acme.example"},
        purpose=purpose,
        suppressed={(kind, value)},
    )
    assert contact is None
    assert drops == [("*", "suppressed", "R8")]


def test_sensitive_job_title_dropped_not_the_contact() -> None:
    contact, drops = run(
        {"name": "Paul Petit", "phone": "01 42 68 53 00", "job_title": "Délégué syndical CGT"}
    )
    assert contact is not None
    assert "job_title" not in contact
    assert ("job_title", "sensitive_trade_union", "R4") in drops


def test_profession_in_sensitive_field_kept() -> None:
    contact, drops = run({"name": "Dr Anne Roy", "phone": "0142685300", "job_title": "Cardiologue"})
    assert contact is not None and contact["job_title"] == "Cardiologue"
    assert drops == []


@pytest.mark.parametrize(
    ("country", "kept"), [("DE", False), ("Deutschland", False), ("IT", False), ("FR", True)]
)
def test_b2b_email_consent_countries(country: str, kept: bool) -> None:
    contact, drops = run(
        {"name": "X", "email": "x@acme.example", "country": country}, purpose=EMAIL
    )
    assert (contact is not None) is kept
    if not kept:
        assert drops == [("*", "b2b_consent_country", "R6")]


def test_b2b_email_consent_country_from_phone_region() -> None:
    contact, drops = run(
        {"name": "X", "email": "x@acme.example", "phone": "+49 30 901820"}, purpose=EMAIL
    )
    assert contact is None
    assert drops == [("*", "b2b_consent_country", "R6")]


def test_generic_email_classed() -> None:
    contact, _ = run({"organization": "Acme", "email": "Contact@Acme.example"}, purpose=EMAIL)
    assert contact is not None
    assert contact["email_kind"] == "generic"


def test_item_without_provenance_dropped() -> None:
    drops: list[tuple[str, str, str]] = []
    processor = ContactProcessor(
        PHONE, "FR", lambda u, f, r, rule: drops.append((f, r, rule)), FakeSuppression(), set()
    )
    with pytest.raises(ContactDropped):
        processor.process({"name": "X", "phone": "0612345678", "provenance": None})
    assert drops == [("*", "no_provenance", "R5")]
