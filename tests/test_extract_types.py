"""Which schema.org types are contacts: the table generated from a named schema.org release,
``additionalType``, and RDFa names written on links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from compliant_scraper.extract import extract_contacts
from compliant_scraper.extract.schema_types import contact_type
from compliant_scraper.extract.schema_vocabulary import build, load, main

URL = "https://annuaire.example/fiche"
TABLE = load()

# The five Organization subtypes the hand-written table of 2026 missed (issue 9, item 10).
MISSED = ["PhysiciansOffice", "HobbyShop", "TireShop", "OnlineMarketplace", "CovidTestingFacility"]


def jsonld(*nodes: Any, body: str = "") -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(node)}</script>' for node in nodes
    )
    return f"<html><head>{blocks}</head><body>{body}</body></html>"


def contacts(html: str) -> list[tuple[Any, ...]]:
    return [
        (c["schema_type"], c["kind"], c["name"], c["website"])
        for c in extract_contacts(html, URL)
        if c["method"] not in ("mailto", "tel")
    ]


# --- the shipped table ------------------------------------------------------------------


def test_the_table_names_its_release_and_source() -> None:
    assert TABLE["release"] == "30.0"
    assert TABLE["released"] == "2026-03-19"
    assert TABLE["source"].endswith("/data/releases/30.0/schemaorg-current-https-types.csv")
    assert len(TABLE["source_sha256"]) == 64
    # schema.org 30.0: Organization and its 185 subtypes; Person and Patient.
    assert len(TABLE["organization"]) == 186
    assert TABLE["person"] == ["Patient", "Person"]
    assert set(MISSED) <= set(TABLE["organization"])


@pytest.mark.parametrize("name", MISSED)
def test_the_subtypes_the_old_table_missed(name: str) -> None:
    assert contact_type(name) == (name, "organization")
    assert contacts(jsonld({"@type": name, "name": "N", "telephone": "01 00 00 00 01"})) == [
        (name, "organization", "N", None)
    ]


def test_every_organization_type_of_the_release_is_read() -> None:
    read = {name: contact_type(name) for name in TABLE["organization"]}
    # IndividualPhysician is an Organization subtype in schema.org but describes one doctor.
    assert read.pop("IndividualPhysician") == ("IndividualPhysician", "person")
    assert read == {name: (name, "organization") for name in read}


@pytest.mark.parametrize(
    "name",
    # Known to the release, not organizations, although their names end like one: a place, a
    # UK charity form (an enumeration value) and two return/fulfilment policies.
    ["DefenceEstablishment", "CharitableIncorporatedOrganization", "ReturnInStore"],
)
def test_a_known_type_is_decided_by_the_release_not_by_its_suffix(name: str) -> None:
    assert name in TABLE["other"]
    assert contact_type(name) is None


@pytest.mark.parametrize("name", ["DentalBusiness", "FooAgency", "CheeseStore"])
def test_a_type_the_release_does_not_know_falls_back_to_its_suffix(name: str) -> None:
    assert all(name not in TABLE[kind] for kind in ("person", "organization", "other"))
    assert contact_type(name) == (name, "organization")


def test_the_generator_follows_every_supertype_path(tmp_path: Path) -> None:
    csv_file = tmp_path / "types.csv"
    csv_file.write_text(
        '"id","label","subTypeOf"\n'
        '"https://schema.org/Thing","Thing",""\n'
        '"https://schema.org/Person","Person","https://schema.org/Thing"\n'
        '"https://schema.org/Organization","Organization","https://schema.org/Thing"\n'
        '"https://schema.org/Place","Place","https://schema.org/Thing"\n'
        '"https://schema.org/LocalBusiness","LocalBusiness",'
        '"https://schema.org/Organization, https://schema.org/Place"\n'
        '"https://schema.org/TireShop","TireShop","https://schema.org/Store"\n'
        '"https://schema.org/Store","Store","https://schema.org/LocalBusiness"\n'
        '"https://schema.org/Patient","Patient","https://schema.org/Person"\n',
        "utf-8",
    )
    output = tmp_path / "out.json"
    assert main([str(csv_file), "--release", "9.9", "--output", str(output)]) == 0
    table = json.loads(output.read_text("utf-8"))
    assert table == build(csv_file, "9.9")
    assert (table["release"], table["released"]) == ("9.9", None)
    assert table["person"] == ["Patient", "Person"]
    assert table["organization"] == ["LocalBusiness", "Organization", "Store", "TireShop"]
    assert table["other"] == ["Place", "Thing"]


def test_the_generator_refuses_a_file_that_is_not_a_types_csv(tmp_path: Path) -> None:
    csv_file = tmp_path / "other.csv"
    csv_file.write_text('"id","subTypeOf"\n"https://example.org/A",""\n', "utf-8")
    with pytest.raises(ValueError, match=r"other\.csv: no Person or Organization type"):
        build(csv_file, "1.0")


# --- additionalType ---------------------------------------------------------------------

DENTIST = "https://schema.org/Dentist"


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            {"@type": "Organization", "additionalType": DENTIST},
            ("Dentist", "organization"),
        ),
        (
            {"@type": "LocalBusiness", "additionalType": ["http://schema.org/Dentist"]},
            ("Dentist", "organization"),
        ),
        ({"@type": "Place", "additionalType": "LocalBusiness"}, ("LocalBusiness", "organization")),
        ({"@type": "Thing", "schema:additionalType": "Person"}, ("Person", "person")),
        (
            {"@type": "Organization", "additionalType": {"@id": DENTIST}},
            ("Dentist", "organization"),
        ),
        # Another vocabulary's class says nothing schema.org can read: the @type decides.
        (
            {"@type": "Organization", "additionalType": "http://www.productontology.org/id/Lawyer"},
            ("Organization", "organization"),
        ),
        # The most specific wins over @type as over another @type.
        ({"@type": "Dentist", "additionalType": "LocalBusiness"}, ("Dentist", "organization")),
        # Patient excludes the node wherever it is written (Art. 9 by its type alone).
        ({"@type": "Person", "additionalType": "https://schema.org/Patient"}, None),
        ({"@type": "Place", "additionalType": 42}, None),
    ],
)
def test_additional_type(node: dict[str, Any], expected: tuple[str, str] | None) -> None:
    node = {**node, "name": "N", "telephone": "01 00 00 00 01"}
    found = contacts(jsonld(node))
    assert found == ([(*expected, "N", None)] if expected else [])


def test_additional_type_in_microdata_and_rdfa() -> None:
    microdata = (
        '<div itemscope itemtype="https://schema.org/LocalBusiness">'
        f'<link itemprop="additionalType" href="{DENTIST}">'
        '<span itemprop="name">Cabinet M</span><span itemprop="telephone">01 00 00 00 02</span>'
        "</div>"
    )
    rdfa = (
        '<div vocab="https://schema.org/" typeof="Organization">'
        f'<link property="additionalType" href="{DENTIST}">'
        '<span property="name">Cabinet R</span><span property="telephone">01 00 00 00 03</span>'
        "</div>"
    )
    assert contacts(f"<html><body>{microdata}{rdfa}</body></html>") == [
        ("Dentist", "organization", "Cabinet M", None),
        ("Dentist", "organization", "Cabinet R", None),
    ]


def test_additional_type_is_not_passed_through() -> None:
    html = jsonld({"@type": "Organization", "additionalType": DENTIST, "name": "N"})
    [contact] = extract_contacts(html, URL)
    assert "additional_type" not in contact


# --- RDFa: a name written on a link -----------------------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        # RDFa 1.1 takes @href as the value of @property when there is no @content: the name
        # would be the link's URL. The text is the name.
        ('<a property="name" href="/avocats/jean">Jean Dupont</a>', ("Jean Dupont", None)),
        (
            '<a property="name url" href="/avocats/jean">Jean Dupont</a>',
            ("Jean Dupont", "https://annuaire.example/avocats/jean"),
        ),
        ('<a property="schema:name" href="/j"> Jean <b>Dupont</b> </a>', ("Jean Dupont", None)),
        ('<a property="givenName" href="/j">Jean</a>', ("Jean", None)),
    ],
)
def test_rdfa_name_on_a_link_is_its_text(link: str, expected: tuple[str, str | None]) -> None:
    html = (
        '<html><body><div vocab="https://schema.org/" prefix="schema: https://schema.org/" '
        f'typeof="Person">{link}<span property="telephone">01 00 00 00 04</span></div>'
        "</body></html>"
    )
    [contact] = extract_contacts(html, URL)
    assert (contact["name"], contact["website"]) == expected
