from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from compliant_scraper.extract import CONTACT_KEYS, contacts, extract_contacts
from compliant_scraper.extract.schema_types import contact_type
from compliant_scraper.extract.values import snake_case, strip_mailto, strip_tel

PAGES = Path(__file__).parent / "fixtures" / "pages"
URL = "https://annuaire.example/fiche"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def found(result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The contacts without their empty keys, for readable expectations."""
    return [{k: v for k, v in contact.items() if v is not None} for contact in result]


def jsonld(*nodes: Any, body: str = "") -> str:
    blocks = "".join(
        f'<script type="application/ld+json">{json.dumps(node)}</script>' for node in nodes
    )
    return f"<html><head>{blocks}</head><body>{body}</body></html>"


PERSON_JSONLD = {
    "kind": "person",
    "schema_type": "Person",
    "name": "Jeanne Martin",
    "given_name": "Jeanne",
    "family_name": "Martin",
    "job_title": "Avocate associée",
    "organization": "Cabinet Martin & Associés",
    "email": "jeanne.martin@cabinet-martin.example",
    "phone": "+33 1 42 00 00 01",
    "street_address": "12 rue de la Paix",
    "postal_code": "75002",
    "locality": "Paris",
    "country": "FR",
    "website": "https://annuaire.example/avocats/jeanne-martin",
    "method": "json-ld",
    "same_as": "https://www.linkedin.com/in/jeanne-martin, https://x.com/jmartin",
    "description": "Avocate en droit des affaires depuis 2005.",
    "birth_date": "1975-04-02",
    "image": "https://annuaire.example/img/jm.jpg",
}

FIXTURES: list[tuple[str, list[dict[str, Any]]]] = [
    # worksFor, address with a numeric postal code and a Country node, first of two phones,
    # mailto: stripped, relative url joined; its mailto:/tel: links repeat it and add nothing.
    ("jsonld_person.html", [PERSON_JSONLD]),
    (
        "jsonld_dentist.html",  # a LocalBusiness subtype, contactPoint, address as a string
        [
            {
                "kind": "organization",
                "schema_type": "Dentist",
                "name": "Cabinet dentaire du Parc",
                "email": "accueil@dentiste-parc.example",
                "phone": "04 78 00 00 02",
                "street_address": "3 place du Parc, 69006 Lyon",
                "website": "https://annuaire.example/dentistes/parc",
                "method": "json-ld",
                "opening_hours": "Mo-Fr 08:30-18:00",
            }
        ],
    ),
    (
        "microdata_person.html",  # <a itemprop="telephone" href="tel:…">, mailto:…?subject=
        [
            {
                "kind": "person",
                "schema_type": "Person",
                "name": "Paul Durand",
                "job_title": "Notaire",
                "organization": "Étude Durand",
                "email": "paul.durand@notaires.example",
                "phone": "+33-4-91-00-00-04",
                "street_address": "5 quai du Port",
                "postal_code": "13002",
                "locality": "Marseille",
                "method": "microdata",
            },
            # the footer's tel: repeats the structured phone (other spelling): skipped;
            # its two mailto: links differ only in case: one contact
            {"email": "Contact@Notaires.example", "method": "mailto"},
        ],
    ),
    (
        "rdfa_person.html",
        [
            {
                "kind": "person",
                "schema_type": "Person",
                "name": "Sophie Bernard",
                "job_title": "Architecte",
                "organization": "Bernard Architectes",
                "email": "sophie@bernard-archi.example",
                "phone": "+33 5 56 00 00 05",
                "street_address": "8 cours de l'Intendance",
                "postal_code": "33000",
                "locality": "Bordeaux",
                "method": "rdfa",
            }
        ],
    ),
    (
        "jsonld_graph.html",  # @graph with @id references; the spouse is never a contact
        [
            {
                "kind": "organization",
                "schema_type": "RealEstateAgent",
                "name": "Agence du Port",
                "phone": "+33 2 40 00 00 06",
                "method": "json-ld",
                "employee": "Luc Petit",
                "parent_organization": "Groupe Immo",
            },
            {
                "kind": "person",
                "schema_type": "Person",
                "name": "Luc Petit",
                "job_title": "Agent immobilier",
                "organization": "Agence du Port",
                "method": "json-ld",
                "spouse": "Anne Petit",
            },
        ],
    ),
    (
        "broken_jsonld_microdata.html",
        [
            {
                "kind": "organization",
                "schema_type": "Physician",
                "name": "Cabinet Roux",
                "phone": "+33 3 88 00 00 07",
                "method": "microdata",
            }
        ],
    ),
    (
        "links_only.html",  # case, spaces, %-escapes, empty mailto:, <area>, one number twice
        [
            {"email": "accueil@mairie.example", "method": "mailto"},
            {"phone": "+33 1 23 45 67 89", "method": "tel"},
            {"phone": "+33 4 00 00 00 08", "method": "tel"},
        ],
    ),
    ("no_markers.html", []),
]


@pytest.mark.parametrize(("name", "expected"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_fixture_pages(name: str, expected: list[dict[str, Any]]) -> None:
    assert found(extract_contacts(page(name), URL)) == expected


@pytest.mark.parametrize(("name", "expected"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_every_contact_has_every_key(name: str, expected: list[dict[str, Any]]) -> None:
    contacts = extract_contacts(page(name), URL)
    assert len(contacts) == len(expected)  # a page without contacts still asserts something
    for contact in contacts:
        assert tuple(contact)[: len(CONTACT_KEYS)] == CONTACT_KEYS


@pytest.mark.parametrize(("name", "expected"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_same_contacts_from_a_text_and_a_reused_response_tree(
    name: str, expected: list[dict[str, Any]]
) -> None:
    response = HtmlResponse(URL, body=page(name), encoding="utf-8")
    reused = extract_contacts(response.text, response.url, tree=response.selector.root)
    assert found(reused) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "broken_jsonld_microdata.html",
            {"compliance/extract/error/json-ld": 1, "compliance/extract/items/microdata": 1},
        ),
        (
            "microdata_person.html",
            {"compliance/extract/items/microdata": 1, "compliance/extract/items/mailto": 1},
        ),
        (
            "links_only.html",
            {"compliance/extract/items/mailto": 1, "compliance/extract/items/tel": 2},
        ),
        ("jsonld_graph.html", {"compliance/extract/items/json-ld": 2}),
        ("no_markers.html", {}),
    ],
)
def test_stats(name: str, expected: dict[str, int]) -> None:
    collector = stats()
    extract_contacts(page(name), URL, stats=collector)
    assert collector.get_stats() == expected


def test_a_broken_block_does_not_hide_the_next_one() -> None:
    html = jsonld({"@type": "Person", "name": "A", "email": "a@x.example"}).replace(
        "<script", '<script type="application/ld+json">{"@type": broken</script><script', 1
    )
    collector = stats()
    result = extract_contacts(html, URL, stats=collector)
    assert [c["email"] for c in result] == ["a@x.example"]
    assert collector.get_value("compliance/extract/error/json-ld") == 1


# --- which syntaxes are read ------------------------------------------------------------


Spied = dict[str, int]


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> Spied:
    """Counts the calls of the page parser and of each syntax reader."""
    calls: Spied = {}

    def spy(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] = calls.get(name, 0) + 1
            return function(*args, **kwargs)

        return wrapper

    for name in ("parse", "read_json_ld_block", "read_microdata", "read_rdfa", "link_contacts"):
        monkeypatch.setattr(contacts, name, spy(name, getattr(contacts, name)))
    return calls


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("no_markers.html", {}),  # not even parsed
        # og:title's property= is not an RDFa contact marker
        ("links_only.html", {"parse": 1, "link_contacts": 1}),
        ("jsonld_person.html", {"parse": 1, "read_json_ld_block": 1, "link_contacts": 1}),
        ("jsonld_graph.html", {"parse": 1, "read_json_ld_block": 1}),
        ("microdata_person.html", {"parse": 1, "read_microdata": 1, "link_contacts": 1}),
        ("rdfa_person.html", {"parse": 1, "read_rdfa": 1, "link_contacts": 1}),
        (
            "broken_jsonld_microdata.html",
            {"parse": 1, "read_json_ld_block": 1, "read_microdata": 1},
        ),
    ],
)
def test_only_the_syntaxes_a_page_carries_are_read(
    spied: Spied, name: str, expected: Spied
) -> None:
    extract_contacts(page(name), URL)
    assert spied == expected


def test_a_given_tree_is_not_parsed_again_unless_rdfa(spied: Spied) -> None:
    for name in ("jsonld_person.html", "microdata_person.html", "rdfa_person.html"):
        response = HtmlResponse(URL, body=page(name), encoding="utf-8")
        extract_contacts(response.text, URL, tree=response.selector.root)
    assert spied["parse"] == 1  # the RDFa page only: it needs an xml.dom-compatible tree


@pytest.mark.parametrize("syntax", ["microdata", "rdfa"])
def test_a_crashing_reader_is_counted_logged_and_isolated(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, syntax: str
) -> None:
    def crash(tree: Any, base_url: str, budget: Any) -> list[Any]:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(contacts, f"read_{syntax}", crash)
    html = jsonld(
        {"@type": "Person", "name": "A", "telephone": "+33 1 00 00 00 01"},
        body='<div itemscope typeof="Person"></div><a href="mailto:b@x.example">b</a>',
    )
    collector = stats()
    with caplog.at_level(logging.WARNING, logger="compliant_scraper.extract"):
        result = extract_contacts(html, URL, stats=collector)
    assert [c["method"] for c in result] == ["json-ld", "mailto"]
    assert collector.get_value(f"compliance/extract/error/{syntax}") == 1
    assert f"Cannot read {syntax} on {URL}: RuntimeError: parser bug" in caplog.text


@pytest.mark.parametrize("html", ["", b"", "   ", b"\x00\xff\xfe", "<html></html>", "itemscope"])
def test_empty_or_garbage_pages_give_nothing(html: str | bytes) -> None:
    assert extract_contacts(html, URL) == []


# --- nesting rules ------------------------------------------------------------------------


def names(html: str) -> list[tuple[str | None, str | None]]:
    return [(c["name"], c["organization"]) for c in extract_contacts(html, URL)]


NESTING: list[tuple[str, Any, list[tuple[str | None, str | None]]]] = [
    (
        "worksFor without contact data: the organization of the person only",
        {"@type": "Person", "name": "P", "worksFor": {"@type": "Corporation", "name": "C"}},
        [("P", "C")],
    ),
    (
        "worksFor with a phone of its own: a contact too",
        {
            "@type": "Person",
            "name": "P",
            "worksFor": {"@type": "Corporation", "name": "C", "telephone": "01 00 00 00 01"},
        },
        [("P", "C"), ("C", None)],
    ),
    (
        "worksFor as a plain string",
        {"@type": "Person", "name": "P", "worksFor": "C"},
        [("P", "C")],
    ),
    (
        "employees of an organization carry its name",
        {"@type": "NGO", "name": "N", "employee": [{"@type": "Person", "name": "E"}]},
        [("N", None), ("E", "N")],
    ),
    (
        "private relations are never contacts, even with a phone",
        {
            "@type": "Person",
            "name": "P",
            "children": [{"@type": "Person", "name": "K", "telephone": "06 00 00 00 01"}],
        },
        [("P", None)],
    ),
    (
        "a review's author without contact data is not a contact",
        {
            "@type": "Restaurant",
            "name": "R",
            "review": [{"@type": "Review", "author": {"@type": "Person", "name": "Critic"}}],
        },
        [("R", None)],
    ),
    (
        "an article's author is nested even outside a contact",
        {"@type": "Article", "author": {"@type": "Person", "name": "Writer"}},
        [],
    ),
    (
        "an article's author with an email is a contact",
        {"@type": "Article", "author": {"@type": "Person", "name": "W", "email": "w@x.example"}},
        [("W", None)],
    ),
    (
        "an ItemList of businesses: every entry",
        {
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "item": {"@type": "Attorney", "name": "A1"}},
                {"@type": "ListItem", "item": {"@type": "Attorney", "name": "A2"}},
            ],
        },
        [("A1", None), ("A2", None)],
    ),
    (
        "a top-level array",
        [{"@type": "Person", "name": "P1"}, {"@type": "Person", "name": "P2"}],
        [("P1", None), ("P2", None)],
    ),
    (
        "a Patient is never extracted (Art. 9 by its type)",
        {"@type": ["Person", "Patient"], "name": "X", "telephone": "06 00 00 00 02"},
        [],
    ),
    (
        "a node with no name, email or phone is not a contact",
        {"@type": "Organization", "logo": "https://x.example/logo.png"},
        [],
    ),
    (
        "givenName and familyName make the name",
        {"@type": "Person", "givenName": "Ana", "familyName": "Lopez"},
        [("Ana Lopez", None)],
    ),
    (
        "the same node twice on a page: one contact",
        [{"@type": "Person", "name": "P"}, {"@type": "Person", "name": "P"}],
        [("P", None)],
    ),
    (
        "reference cycles terminate",
        {
            "@graph": [
                {"@id": "#a", "@type": "Person", "name": "A", "knows": {"@id": "#b"}},
                {"@id": "#b", "@type": "Person", "name": "B", "knows": {"@id": "#a"}},
            ]
        },
        [],
    ),
]


@pytest.mark.parametrize(("case", "node", "expected"), NESTING, ids=[n[0] for n in NESTING])
def test_nesting_rules(case: str, node: Any, expected: list[tuple[str | None, str | None]]) -> None:
    assert names(jsonld(node)) == expected


def test_contact_point_and_prefixed_keys() -> None:
    node = {
        "@context": {"schema": "https://schema.org/"},
        "@type": "schema:LocalBusiness",
        "schema:name": "L",
        "schema:contactPoint": {"schema:email": "mailto:info@l.example", "schema:telephone": 1},
        "schema:faxNumber": "01 00 00 00 09",
    }
    [contact] = extract_contacts(jsonld(node), URL)
    assert (contact["email"], contact["phone"], contact["fax_number"]) == (
        "info@l.example",
        "1",
        "01 00 00 00 09",
    )


def test_location_address_and_address_extras() -> None:
    node = {
        "@type": "Store",
        "name": "S",
        "location": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": "Lille",
                "addressRegion": "HdF",
            },
        },
    }
    [contact] = extract_contacts(jsonld(node), URL)
    assert (contact["locality"], contact["address_region"]) == ("Lille", "HdF")


# --- tables of the small helpers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        ("Person", ("Person", "person")),
        ("https://schema.org/Person", ("Person", "person")),
        ("http://schema.org/Organization", ("Organization", "organization")),
        ("schema:Dentist", ("Dentist", "organization")),
        ("Physician", ("Physician", "organization")),
        ("IndividualPhysician", ("IndividualPhysician", "person")),
        ("LegalService", ("LegalService", "organization")),
        ("Notary", ("Notary", "organization")),
        ("GovernmentOrganization", ("GovernmentOrganization", "organization")),
        ("DentalBusiness", ("DentalBusiness", "organization")),  # suffix rule, not in the table
        ("PetStore", ("PetStore", "organization")),
        ("TaxiService", None),  # ...Service is an offer
        ("Service", None),
        ("PostalAddress", None),
        ("WebPage", None),
        ("http://xmlns.com/foaf/0.1/Person", None),  # another vocabulary
        ("foaf:Person", None),
        (["LocalBusiness", "Dentist"], ("Dentist", "organization")),  # the specific one
        (["Dentist", "LocalBusiness"], ("Dentist", "organization")),
        (["Person", "Patient"], None),
        (None, None),
        (42, None),
    ],
)
def test_contact_type(types: Any, expected: tuple[str, str] | None) -> None:
    assert contact_type(types) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("mailto:a@b.example", "a@b.example"),
        ("MAILTO:a@b.example?subject=Hi&body=x", "a@b.example"),
        ("mailto:a%40b.example", "a@b.example"),
        ("mailto:a@b.example,c@d.example", "a@b.example"),
        ("  a@b.example ", "a@b.example"),
        ("mailto:", None),
    ],
)
def test_strip_mailto(raw: str, expected: str | None) -> None:
    assert strip_mailto(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("tel:+33123456789", "+33123456789"),
        ("TEL:+33%201%2023", "+33 1 23"),
        ("01 23 45 67 89", "01 23 45 67 89"),
        ("tel:", None),
    ],
)
def test_strip_tel(raw: str, expected: str | None) -> None:
    assert strip_tel(raw) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("birthDate", "birth_date"),
        ("sameAs", "same_as"),
        ("http://schema.org/jobTitle", "job_title"),
        ("schema:faxNumber", "fax_number"),
        ("URL", "url"),
        ("hasOfferCatalog", "has_offer_catalog"),
        ("ISBN", "isbn"),
        ("globalLocationNumber", "global_location_number"),
    ],
)
def test_snake_case(key: str, expected: str) -> None:
    assert snake_case(key) == expected


# --- links to nodes that are never contacts ----------------------------------------------

SPOUSE = {"@type": "Person", "name": "Anne", "email": "anne@prive.fr"}


@pytest.mark.parametrize(
    ("node", "links"),
    [
        # A spouse is a third party: her address written as a link is not a contact either.
        ({"@type": "Person", "name": "P", "spouse": SPOUSE}, ["mailto:anne@prive.fr"]),
        (
            {
                "@type": "Person",
                "name": "P",
                "children": [{"name": "K", "telephone": "06 12 34 56 79"}],
            },
            ["tel:+33612345679"],
        ),
        (
            {
                "@graph": [
                    {"@type": "Person", "name": "P", "spouse": {"@id": "#anne"}},
                    {**SPOUSE, "@id": "#anne", "email": "mailto:Anne@Prive.fr"},
                ]
            },
            ["mailto:anne@prive.fr"],
        ),
        # A Patient record reveals health data by its type: its number is never a contact.
        (
            {"@type": "Patient", "name": "X", "telephone": "+33 6 12 34 56 78"},
            ["tel:0612345678"],
        ),
        (
            {
                "@type": "Person",
                "additionalType": "https://schema.org/Patient",
                "contactPoint": {"email": "x@patient.fr"},
                "knows": {"@type": "Physician", "name": "Dr Y", "telephone": "01 23 45 67 89"},
            },
            ["mailto:x@patient.fr", "tel:+33123456789"],
        ),
    ],
)
def test_a_link_to_a_node_that_is_never_a_contact_is_not_a_contact(
    node: Any, links: list[str]
) -> None:
    body = "".join(f'<a href="{link}">x</a>' for link in links)
    body += '<a href="mailto:accueil@cabinet.fr">accueil</a>'
    result = extract_contacts(jsonld(node, body=body), URL)
    assert [c for c in result if c["method"] in ("mailto", "tel")] == [
        {**dict.fromkeys(CONTACT_KEYS), "email": "accueil@cabinet.fr", "method": "mailto"}
    ]
    assert all(c["method"] == "json-ld" and c["name"] == "P" for c in result[:-1])


def test_a_link_to_a_third_party_in_microdata_is_not_a_contact() -> None:
    html = (
        '<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">P</span>'
        '<div itemprop="spouse" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">Anne</span><a itemprop="email" href="mailto:anne@prive.fr">m</a>'
        "</div></div>"
    )
    assert [(c["name"], c["method"]) for c in extract_contacts(html, URL)] == [("P", "microdata")]
