from __future__ import annotations

import pytest

from compliant_scraper.values.professions import ProfessionMatcher, fold

LAWYERS = ProfessionMatcher(["avocat", "juriste", "expert comptable", "Notaire"])


@pytest.mark.parametrize(
    ("texts", "term"),
    [
        (("Avocat",), "avocat"),
        (("AVOCATE associée",), "avocat"),
        (("Cabinet d'avocats Martin",), "avocat"),
        ((None, "Cabinet d'Avocats Martin & Associés"), "avocat"),  # organization only
        (("Juriste d'entreprise",), "juriste"),
        (("Experts-Comptables associés",), "expert comptable"),
        (("Étude notariale", "Notaire"), "Notaire"),
        (("NOTAIRE",), "Notaire"),
        (("notaîre",), "Notaire"),  # accents on either side
        (("Architecte DPLG",), None),
        (("Cardiologue",), None),
        (("Expert en comptabilité",), None),  # the words must be adjacent
        (("Pseudoavocat",), None),  # never inside a word
        ((None, None), None),
        (("",), None),
    ],
)
def test_match(texts: tuple[str | None, ...], term: str | None) -> None:
    assert LAWYERS.match(*texts) == term


def test_a_short_term_does_not_match_inside_a_name() -> None:
    assert ProfessionMatcher(["art"]).match("Cabinet Martin") is None
    assert ProfessionMatcher(["art"]).match("Art et Matière") == "art"


def test_fold() -> None:
    assert fold("  Œuvre d'Ébéniste—Straße ") == "oeuvre d ebeniste strasse"


def test_a_term_without_letters_is_an_error() -> None:
    with pytest.raises(ValueError, match="has no letter or digit"):
        ProfessionMatcher(["--"])
