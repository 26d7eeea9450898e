"""Finding the clauses of terms of service that bear on extraction, French and English."""

from __future__ import annotations

from datetime import date

import pytest

from compliant_scraper.tooling.terms_scan import draft_policy, read_page, scan


@pytest.mark.parametrize(
    ("sentence", "terms"),
    [
        ("Il est interdit d'aspirer le contenu du site.", ("aspiration",)),
        ("Toute copie ou reproduction est interdite.", ("copy",)),
        ("La réutilisation des données est soumise à licence.", ("re-use",)),
        ("You may not use bots, spiders or crawlers.", ("bot", "crawler")),
        ("No web scraping and no harvesting of profiles.", ("scraping", "harvesting")),
        ("Access through our API only.", ("API",)),
        ("Fouille de textes et de données : réservée (article L122-5-3).", ("data mining",)),
        ("Les données personnelles ne sont pas à vendre.", ("personal data",)),
        ("Le démarchage est interdit.", ("prospecting",)),
        ("Article 323-3 du Code pénal.", ("penal code",)),
        ("Nous aimons les chats.", ()),
    ],
)
def test_terms_found(sentence: str, terms: tuple[str, ...]) -> None:
    found = scan(read_page(sentence))
    assert (found[0].terms if found else ()) == terms


def test_plain_text_blocks_and_positions() -> None:
    page = read_page("Article 1\nNothing here.\n\nArticle 2 - Robots\nNo robots allowed.\n")
    [clause] = scan(page)
    assert (clause.line, clause.start, clause.heading, clause.terms) == (
        4,
        43,
        "Article 2 - Robots",
        ("robots",),
    )
    assert page.text[clause.start : clause.end] == "No robots allowed."


def test_long_clause_excerpt_is_cut() -> None:
    [clause] = scan(read_page("Scraping is forbidden. " + "Blah. " * 100))
    assert clause.excerpt.endswith("…") and len(clause.excerpt) == 320


def test_draft_without_findings_says_so_and_stays_invalid() -> None:
    draft = draft_policy([], domain=None, terms_url=None, source="x.html", today=date(2026, 11, 23))
    assert "#   (none found: read the terms in full)" in draft
    assert 'domain = "TODO: the domain this decision covers"' in draft
    assert "# reviewed_on = 2026-11-23" in draft
