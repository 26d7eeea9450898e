"""The ``drops`` and ``refusals`` rows about a person (issue 13 item 6): what an access
reply lists and an erasure deletes.

A refusal is a page never read and a drop says what was left out, never the value; but their
URLs can name the person (``.../jeanne-martin.html``, ``/in/martin-jeanne``), and a drop
keeps the keyed hashes of its item's email and phone. A row is the person's when its page is
one of the person's source pages; when it is a drop of an item that carried one of their
emails or phone numbers (``drops.email_hash``, ``phone_hash``: a page dropped whole, as
``suppressed`` or ``unrelated_to_offer``, is no source, and its URL need not name them); or
when its URL names them: the words of a name of one of their records in a row, or their email
(``values.persons.url_names_person``). A refused page was never read, so a refusal is found
by its URL only.
"""

from __future__ import annotations

from ..store import record_expiry, sources
from ..store.backend import Db
from ..store.suppression import SuppressionList
from ..values.fields import NAME_FIELDS
from ..values.persons import url_names_person, url_needles
from .person import Person


def _name(record: dict[str, object]) -> str:
    """The record's name as written (``name``, else ``given_name family_name``)."""
    first, *parts = NAME_FIELDS
    return str(record.get(first) or " ".join(str(record[k]) for k in parts if record.get(k)))


def of_person(db: Db, person: Person, suppression: SuppressionList) -> dict[str, set[int]]:
    """{table: ids} of the person's ``drops`` and ``refusals`` rows."""
    found = record_expiry.ids_for_urls(db, sources.urls_of(db, person.ids))
    hashes = [
        digest
        for kind, value in person.identifiers
        if kind in ("email", "phone")
        for digest in suppression.lookup_digests(kind, value)
    ]
    found["drops"] |= record_expiry.drop_ids_for_hashes(db, hashes)
    names = sorted({_name(r) for r in person.records} - {""})
    emails = sorted({value for kind, value in person.identifiers if kind == "email"})
    if not names and not emails:
        return found
    for table, row_id, url in record_expiry.urls_containing(db, url_needles(names, emails)):
        if url_names_person(url, names, emails):
            found[table].add(row_id)
    return found
