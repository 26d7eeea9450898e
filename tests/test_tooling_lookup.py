"""Reading identifiers and dates the way a person or an auditor types them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from compliant_scraper.clock import add_months, add_years
from compliant_scraper.store.database import open_database
from compliant_scraper.tooling.base import ToolingError
from compliant_scraper.tooling.lookup import Identifier, find_contacts, parse_identifier


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12", "id", "12"),
        ("id:0012", "id", "12"),
        ("Jeanne.Martin@Cabinet-Martin.FR", "email", "jeanne.martin@cabinet-martin.fr"),
        ("06 12 34 56 78", "phone", "+33612345678"),
        ("0612345678", "phone", "+33612345678"),
        ("33612345678", "phone", "+33612345678"),
        ("+33 6 12 34 56 78", "phone", "+33612345678"),
        ("phone:612345678", "phone", "+33612345678"),
    ],
)
def test_parse_identifier(text: str, kind: str, value: str) -> None:
    ident = parse_identifier(text)
    assert (ident.kind, ident.value) == (kind, value)


def test_email_forms_cover_stored_spellings() -> None:
    ident = parse_identifier("Jeanne.Martin@Cabinet-Martin.FR")
    assert ident == Identifier(
        "email", "jeanne.martin@cabinet-martin.fr", ("jeanne.martin@cabinet-martin.fr",)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hello", "'hello' is not a contact id, a valid email address or a valid phone number"),
        ("a@b", "'a@b' is not a valid email address"),
        ("id:x", "'id:x' is not a contact id (a whole number)"),
    ],
)
def test_parse_identifier_errors(text: str, message: str) -> None:
    with pytest.raises(ToolingError) as caught:
        parse_identifier(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 23), 1, date(2026, 12, 23)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_years_on_29_february() -> None:
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)


def test_an_unallocated_number_is_an_identifier() -> None:
    """Issue 9 item 2: a person can object with +33 7 00 00 00 00, a possible number."""
    assert parse_identifier("+33 7 00 00 00 00") == Identifier("phone", "+33700000000")


def test_a_number_is_found_under_each_code_of_the_shared_french_plan(tmp_path: Path) -> None:
    """A contact stored as +590 691 ... is found (and erased) when asked as 0691 ..."""
    db = open_database(tmp_path / "c.db")
    db["contacts"].insert({"kind": "person", "phone": "+590691000000", "purpose": "p"})
    db["contacts"].insert({"kind": "person", "phone": "+33612345678", "purpose": "p"})
    found = find_contacts(db, parse_identifier("0691 00 00 00"))
    assert [c["phone"] for c in found] == ["+590691000000"]
