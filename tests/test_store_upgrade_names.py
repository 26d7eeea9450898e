"""Contacts stored before the name key existed are linked by name after the upgrade
(issue 13 item 1 on stores written by an earlier version): SQLite's m006 and PostgreSQL's
p004 fold their names as a crawl does today. Before p004, a PostgreSQL store upgraded past
p003 kept ``name_key`` NULL, so `subject object` by email missed her phone-only record."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.stores import BACKENDS

from compliant_scraper.store import postgres_schema, schema, schema_tooling
from compliant_scraper.store.backend import Db
from compliant_scraper.store.database import open_database
from compliant_scraper.store.postgres import close_pool, open_postgres
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.transaction import transaction
from compliant_scraper.tooling.lookup import parse_identifier
from compliant_scraper.tooling.person import find_person
from compliant_scraper.values.persons import person_name

OLD_ROWS = (
    # (name, given_name, family_name, organization, email, phone)
    ("Jeanne  MARTIN", None, None, "Cabinet Martin", "jeanne.martin@cabinet-martin.fr", None),
    ("Jeanne Martin", None, None, "Cabinet Martin", None, "+33612345678"),
    (None, "Élodie", "Roux", "Roux SARL", None, "+33698765432"),
    (None, None, None, "Nameless SA", "info@nameless.fr", None),
)


def _old_store(backend: str, tmp_path: Path, pg_url: str) -> Db:
    """A store of the schema before the name key, holding OLD_ROWS."""
    db: Db
    if backend == "sqlite":
        lite = SqliteDb(tmp_path / "c.db")
        schema.migrations.apply(lite, stop_before="m006_people_and_time")
        schema_tooling.migrations.apply(lite, stop_before="t007_subject_rights")
        db = lite
    else:
        pg = open_postgres(pg_url, migrate=False)
        postgres_schema.apply(pg, tuple(m for m in postgres_schema.MIGRATIONS if m.name < "p003"))
        db = pg
    with transaction(db):
        for n, (name, given, family, org, email, phone) in enumerate(OLD_ROWS, 1):
            db.execute(
                "INSERT INTO contacts (kind, name, given_name, family_name, organization, "
                "email, phone, purpose, dedupe_key) VALUES ('person', ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, given, family, org, email, phone, f"p{n % 2}", f"k{n}"],
            )
    return db


@pytest.fixture(params=BACKENDS)
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    backend = request.param
    url = request.getfixturevalue("postgres_schema_url") if backend == "postgresql" else ""
    old = _old_store(backend, tmp_path, url)
    old.close()
    db = open_database(tmp_path / "c.db") if backend == "sqlite" else open_postgres(url)
    try:
        yield db
    finally:
        db.close()
        if url:
            close_pool(url)


def test_names_stored_before_the_name_key_are_folded_by_the_upgrade(upgraded: Db) -> None:
    keys = [r[0] for r in upgraded.execute("SELECT name_key FROM contacts ORDER BY id")]
    expected = [
        person_name({"name": n, "given_name": g, "family_name": f}) or None
        for n, g, f, *_ in OLD_ROWS
    ]
    assert keys == expected == ["jeanne martin", "jeanne martin", "elodie roux", None]


def test_an_old_phone_only_record_is_linked_to_her_email_by_name(upgraded: Db) -> None:
    person = find_person(upgraded, parse_identifier("jeanne.martin@cabinet-martin.fr"))
    assert sorted(person.linked_by.items()) == [(1, "email"), (2, "name+organization")]
