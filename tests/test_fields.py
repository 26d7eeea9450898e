"""The one field table (values/fields.py): every list of fields is derived from it."""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from compliant_scraper.law import RETENTION_YEARS, after_contact, retention_until
from compliant_scraper.store.database import open_database
from compliant_scraper.values import fields


def test_the_contacts_table_has_a_column_for_every_column_field() -> None:
    db: Database = open_database(":memory:")
    columns = set(db.table("contacts").columns_dict)
    assert set(fields.COLUMNS) <= columns
    assert not {f.name for f in fields.FIELDS if not f.column} & columns


def test_the_lists_are_the_ones_the_modules_used_to_type() -> None:
    assert fields.CONTACT_FIELDS == (
        "name", "given_name", "family_name", "job_title", "organization", "email", "phone",
        "street_address", "postal_code", "locality", "country", "website",
    )  # fmt: skip
    assert ("kind", *fields.CONTACT_FIELDS, "email_kind", "phone_type") == fields.COLUMNS
    assert ("kind", "schema_type", *fields.CONTACT_FIELDS, "method") == fields.ITEM_KEYS
    assert {"kind", "schema_type", "method", "provenance"} == fields.BOOKKEEPING
    assert fields.DERIVED == {"email_kind": "email", "phone_type": "phone"}
    assert ("kind", *fields.CONTACT_FIELDS) == fields.RECTIFIABLE
    not_text = {"phone", "phone_type", "email_kind", "postal_code", "country"}
    assert set(fields.CONTACT_FIELDS) - fields.TEXT_FIELDS == not_text & set(fields.CONTACT_FIELDS)
    assert fields.CATEGORIES["identity"] == fields.NAME_FIELDS
    assert [f for fs in fields.CATEGORIES.values() for f in fs] == list(fields.CONTACT_FIELDS)


def test_retention_is_years_after_collection_and_after_the_last_contact() -> None:
    assert RETENTION_YEARS == 3
    assert retention_until("2026-11-23T10:00:00Z") == "2029-11-23"
    assert retention_until("2028-02-29") == "2031-02-28"
    assert after_contact("2029-11-23", date(2027, 5, 1)) == "2030-05-01"
    assert after_contact("2029-11-23", date(2026, 11, 1)) == "2029-11-23"  # never earlier
