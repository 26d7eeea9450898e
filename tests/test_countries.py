from __future__ import annotations

import pytest

from compliant_scraper.values.countries import (
    Country,
    country_code,
    country_of_domain,
    infer_country,
    unreadable_country,
)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("deu", "DE"),
        ("Allemagne", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("Bundesrepublik Deutschland", "DE"),
        ("AT", "AT"),
        ("AUT", "AT"),
        ("Autriche", "AT"),
        ("Austria", "AT"),
        ("Österreich", "AT"),
        ("OSTERREICH", "AT"),
        ("oesterreich", None),  # a transliteration CLDR does not list: not guessed
        ("Italie", "IT"),
        ("Italia", "IT"),
        ("ITA", "IT"),
        ("  france ", "FR"),
        ("FRA", "FR"),
        ("République française", "FR"),
        ("Royaume-Uni", "GB"),
        ("UK", "GB"),
        ("Vereinigtes Königreich", "GB"),
        ("États-Unis", "US"),
        ("USA", "US"),
        ("Suisse", "CH"),
        ("Schweiz", "CH"),
        ("España", "ES"),
        ("Espagne", "ES"),
        ("Pays-Bas", "NL"),
        ("Belgien", "BE"),
        ("Atlantis", None),
        # Pieces between punctuation, when they agree; codes in a piece count in capitals.
        ("Deutschland (DE)", "DE"),
        ("Wien, Österreich", "AT"),
        ("Rue de Paris, France", "FR"),
        ("Allemagne - DE", "DE"),
        ("DE / AT", None),  # two countries: not guessed
        ("France métropolitaine", "FR"),
        ("XX", None),
        ("EU", None),  # a union, not a country
        ("", None),
        (None, None),
        (49, None),
    ],
)
def test_country_code(written: object, code: str | None) -> None:
    assert country_code(written) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("jan.becker@kanzlei-becker.de", "DE"),
        ("office@wien-architekten.at", "AT"),
        ("https://www.studio-rossi.it/contatti", "IT"),
        ("www.cabinet.fr", "FR"),
        ("cabinet.fr.", "FR"),
        ("a@b.co.uk", "GB"),
        ("startup.io", None),  # generic-use ccTLD
        ("agence.co", None),
        ("europa.eu", None),
        ("example.com", None),
        ("localhost", None),
        ("", None),
        (None, None),
    ],
)
def test_country_of_domain(value: object, code: str | None) -> None:
    assert country_of_domain(value) == code


def test_inference_order_address_then_phone_then_email_then_website() -> None:
    everything = {
        "country": "Autriche",
        "phone_region": "DE",
        "email": "a@b.it",
        "website": "https://x.es",
    }
    assert infer_country(**everything) == Country("AT", "address")
    assert infer_country(**{**everything, "country": None}) == Country("DE", "phone")
    assert infer_country(**{**everything, "country": "??", "phone_region": None}) == Country(
        "IT", "email"
    )
    assert infer_country(website="https://x.es") == Country("ES", "website")
    assert infer_country(email="a@gmail.com", website="https://x.com") is None
    assert infer_country(phone_region="001") is None  # non-geographic numbers
    assert Country("DE", "email").describe() == "DE (email domain)"


@pytest.mark.parametrize(
    ("written", "unreadable"),
    [
        ("Germanie", True),
        ("DE / AT", True),
        ("oesterreich", True),
        ("D", True),
        ("Deutschland (DE)", False),
        ("FR", False),
        ("", False),
        ("  ", False),
        (None, False),
    ],
)
def test_unreadable_country(written: object, unreadable: bool) -> None:
    assert unreadable_country(written) is unreadable
