"""The compliance chain on single items: what is kept, what is dropped, and why."""

from __future__ import annotations

from typing import Any

import pytest

from compliant_scraper.errors import ContactDropped
from compliant_scraper.policy.model import Purpose
from compliant_scraper.provenance import Provenance
from compliant_scraper.screening.checks import export_exclusion
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

    def any_suppressed(self, identifiers: list[tuple[str, str]]) -> bool:
        return any(pair in self.listed for pair in identifiers)


def processor_for(
    purpose: Purpose,
    drops: list[tuple[str, str, str]],
    suppressed: set[tuple[str, str]] | None = None,
    opposition: set[str] | None = None,
) -> ContactProcessor:
    return ContactProcessor(
        purpose,
        "FR",
        lambda url, field, reason, rule: drops.append((field, reason, rule)),
        FakeSuppression(suppressed or set()),
        opposition if opposition is not None else set(),
    )


def run(
    item: dict[str, Any],
    purpose: Purpose = PHONE,
    suppressed: set[tuple[str, str]] | None = None,
    opposition: set[str] | None = None,
) -> tuple[dict[str, Any] | None, list[tuple[str, str, str]]]:
    drops: list[tuple[str, str, str]] = []
    processor = processor_for(purpose, drops, suppressed, opposition)
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


def test_a_listed_phone_does_not_drop_an_email_purpose_contact() -> None:
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


@pytest.mark.parametrize(
    ("organization", "reason"),
    [
        ("Association des malades de Crohn du Rhône", "sensitive_health"),
        ("Muslim Students' Association", "sensitive_religion"),
        ("Amicale des anciens détenus", "sensitive_criminal"),
        ("Association pour la recherche sur le cancer", None),  # an employer, kept
        ("Institut national des jeunes sourds de Paris", None),
    ],
)
def test_an_organisation_that_reveals_special_category_data_is_dropped(
    organization: str, reason: str | None
) -> None:
    """Issue 10 item 10: the person's organisation is scanned like a job title; a group of
    people who share a condition, a faith or a conviction reveals it, an employer does not."""
    contact, drops = run(
        {
            "name": "Paul Petit",
            "phone": "01 42 68 53 00",
            "job_title": "Président",
            "organization": organization,
        }
    )
    assert contact is not None and contact["job_title"] == "Président"
    if reason is None:
        assert contact["organization"] == organization and drops == []
    else:
        assert "organization" not in contact
        assert drops == [("organization", reason, "R4")]


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


# -- numbers and addresses written in other fields (issue 10 item 10) -----------------------


@pytest.mark.parametrize("purpose", [PHONE, EMAIL])
def test_a_listed_number_in_a_job_title_drops_the_field(purpose: Purpose) -> None:
    contact, drops = run(
        {
            "name": "Jeanne Martin",
            "phone": "01 42 68 53 00",
            "email": "jeanne@acme.example",
            "job_title": "Commerciale - 06 12 34 56 78",
            "organization": "Acme",
        },
        purpose=purpose,
        opposition={"+33612345678"},
    )
    assert contact is not None
    assert "job_title" not in contact and contact["organization"] == "Acme"
    assert ("job_title", "opposition_list", "R7") in drops
    assert not any("06 12" in str(v) for v in contact.values())


def test_an_unlisted_number_in_a_job_title_is_kept() -> None:
    contact, drops = run(
        {"name": "X", "phone": "0142685300", "job_title": "Standard 06 12 34 56 78"},
        opposition={"+33699999999"},
    )
    assert contact is not None and contact["job_title"] == "Standard 06 12 34 56 78"
    assert drops == []


def test_a_listed_overseas_number_in_an_organisation_under_another_code() -> None:
    """The list holds +262 692 ...; the page writes the national form in the organisation."""
    contact, drops = run(
        {"name": "X", "phone": "0142685300", "organization": "Cabinet Hoarau 0692 12 34 56"},
        opposition={"+262692123456"},
    )
    assert contact is not None and "organization" not in contact
    assert drops == [("organization", "opposition_list", "R7")]


@pytest.mark.parametrize(
    ("field", "text", "kind", "value"),
    [
        ("organization", "Acme (jeanne@acme.example)", "email", "jeanne@acme.example"),
        ("job_title", "Gérante, jeanne [at] acme [dot] example", "email", "jeanne@acme.example"),
        ("job_title", "Gérante - 06 12 34 56 78", "phone", "+33612345678"),
        # a field the purpose does not keep still says who the person is (R8)
        ("description", "Appelez-moi au 06 12 34 56 78", "phone", "+33612345678"),
        # a value the email normaliser refuses still holds the address
        ("email", "Jeanne Martin <jeanne@acme.example>", "email", "jeanne@acme.example"),
        ("phone", "06 12 34 56 78 (Jeanne)", "phone", "+33612345678"),
    ],
)
def test_a_suppressed_identifier_in_any_field_drops_the_person(
    field: str, text: str, kind: str, value: str
) -> None:
    item = {"name": "Jeanne Martin", "phone": "01 42 68 53 00", field: text}
    contact, drops = run(item, suppressed={(kind, value)})
    assert contact is None
    assert drops[-1] == ("*", "suppressed", "R8")


@pytest.mark.parametrize(
    ("listed", "drop"),
    [
        (set(), ("phone", "unallocated_phone", "R9")),
        ({"+33700000000"}, ("phone", "opposition_list", "R7")),
    ],
)
def test_an_unallocated_phone_is_screened_then_not_stored(
    listed: set[str], drop: tuple[str, str, str]
) -> None:
    """Issue 9 item 2: +33 7 00 00 00 00 is a number: screened, never stored (R9)."""
    contact, drops = run({"name": "X", "phone": "+33 7 00 00 00 00"}, opposition=listed)
    assert contact is None
    assert drops[0] == drop
    assert drops[-1] == ("*", "nothing_usable_for_purpose", "R4")


def test_a_suppressed_unallocated_phone_drops_the_person() -> None:
    contact, drops = run(
        {"name": "X", "phone": "07 00 00 00 00", "email": "x@acme.example"},
        purpose=EMAIL,
        suppressed={("phone", "+33700000000")},
    )
    assert contact is None
    assert drops[-1] == ("*", "suppressed", "R8")


@pytest.mark.parametrize(
    ("contact", "suppressed", "listed", "reason"),
    [
        ({"job_title": "Commerciale 06 12 34 56 78"}, set(), {"+33612345678"}, "opposition_list"),
        (
            {"organization": "Acme, jean@acme.example"},
            {("email", "jean@acme.example")},
            set(),
            "suppressed",
        ),
        ({"job_title": "Commerciale 06 12 34 56 78"}, set(), {"+33699999999"}, None),
    ],
)
def test_export_leaves_out_a_contact_whose_text_holds_a_listed_identifier(
    contact: dict[str, Any], suppressed: set[tuple[str, str]], listed: set[str], reason: str | None
) -> None:
    """A contact stored before the list was imported is not exported with the number."""
    stored = {"name": "Jeanne", "phone": "+33142685300", **contact}
    assert export_exclusion(stored, "2026-11-23", FakeSuppression(suppressed), listed) == reason


# -- issue 9 item 7: schema.org names, and unknown keys named once ----------------------------


def test_schema_org_names_are_read_as_fields() -> None:
    contact, drops = run(
        {
            "name": "Jeanne Martin",
            "telephone": "+33 6 12 34 56 78",
            "jobTitle": "Avocate",
            "worksFor": {"@type": "Organization", "name": "Cabinet Martin"},
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Paris",
                "addressCountry": "FR",
                "addressRegion": "Ile-de-France",
            },
        }
    )
    assert contact is not None
    assert contact["phone"] == "+33612345678"
    assert contact["job_title"] == "Avocate"
    assert contact["organization"] == "Cabinet Martin"
    assert (contact["locality"], contact["country"]) == ("Paris", "FR")
    # The part no field holds is not lost silently: its drop is recorded.
    assert drops == [("address", "not_needed_for_purpose", "R4")]


@pytest.mark.parametrize(
    ("key", "field"),
    [
        ("givenName", "given_name"),
        ("familyName", "family_name"),
        ("streetAddress", "street_address"),
        ("postalCode", "postal_code"),
        ("url", "website"),
    ],
)
def test_each_schema_org_name_maps(key: str, field: str) -> None:
    purpose = Purpose(
        "p", "phone", "b2b", "li", ("name", "phone", field), opposition_max_age_days=30
    )
    contact, drops = run({"name": "J M", "phone": "06 12 34 56 78", key: "value"}, purpose)
    assert contact is not None and contact[field] == "value", drops
    assert drops == []


def test_field_name_wins_over_its_alias() -> None:
    contact, drops = run({"name": "J M", "phone": "06 12 34 56 78", "telephone": "01 99 00 12 34"})
    assert contact is not None and contact["phone"] == "+33612345678"
    assert drops == [("telephone", "not_needed_for_purpose", "R4")]


def test_unknown_key_dropped_and_warned_once_per_crawl(caplog: pytest.LogCaptureFixture) -> None:
    drops: list[tuple[str, str, str]] = []
    processor = processor_for(PHONE, drops)
    for _ in range(3):
        processor.process({"name": "J M", "phone": "06 12 34 56 78", "telefone": "x", **_P})
    assert drops == [("telefone", "not_needed_for_purpose", "R4")] * 3
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, warnings
    assert "'telefone'" in warnings[0].getMessage()
    assert "did you mean 'telephone'?" in warnings[0].getMessage()


def test_known_field_outside_the_purpose_is_not_warned(caplog: pytest.LogCaptureFixture) -> None:
    drops: list[tuple[str, str, str]] = []
    processor_for(PHONE, drops).process(
        {"name": "J M", "phone": "06 12 34 56 78", "email": "j.m@acme.example", **_P}
    )
    assert ("email", "not_needed_for_purpose", "R4") in drops
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


_P = {"provenance": PROV}
