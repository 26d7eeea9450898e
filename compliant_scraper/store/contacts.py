"""``contacts``: writing them from the crawl, finding, updating and deleting them (R5, R8, R9).

A contact is one person or organisation per purpose, recognised by email, then phone, then
name plus organisation. Its retention clock starts at first collection (R9): re-crawling
updates ``last_seen`` and fills or refreshes values, never ``first_seen`` or
``retention_until``. Each source URL gets one ``sources`` row per contact with its provenance.

Deleting a contact (erasure, objection, retention purge) is ``delete``: its sources and
events go with it, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from ..errors import ContactDropped
from ..law import retention_until
from ..opposition.suppression import POSTAL
from ..provenance import Provenance
from ..rules import Rule
from ..screening.checks import suppressed
from ..values.fields import COLUMNS, IDENTIFIERS, NAME_FIELDS
from ..values.persons import fold, person_name, postal_key
from . import events, sources
from .backend import Db, chunks, marks, rows_as_dicts
from .sources import PagesRead
from .suppression import SuppressionList
from .transaction import Batch


def dedupe_keys(contact: Mapping[str, Any]) -> list[str]:
    """The keys that recognise this contact, strongest first."""
    keys = [f"{kind}:{contact[kind]}" for kind in IDENTIFIERS if contact.get(kind)]
    name = person_name(contact)  # "name", else "given_name family_name", folded
    if name:
        keys.append(f"name:{name}|{fold(str(contact.get('organization') or ''))}")
    return keys


_INSERT: Final = (
    f"INSERT INTO contacts ({', '.join(COLUMNS)}, purpose, legal_basis, dedupe_key, "
    f"name_key, first_seen, last_seen, retention_until) "
    f"VALUES ({marks(COLUMNS)}, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


def find(
    db: Db, purpose: str, keys: Sequence[str], contact: Mapping[str, Any]
) -> tuple[int, bool] | None:
    """(id, restricted?) of the stored contact of ``purpose`` that ``keys`` recognise: a
    dedupe key first, then the email, then the phone column. One statement (issue 16: it ran
    up to three per item), each scalar subquery on an index
    (``tests/test_store_query_plans.py``); ``coalesce`` stops at the first that finds one, so
    the order of preference is the statement's (and needs no sort, unlike a
    ``UNION ALL ... ORDER BY``); the outer lookup by primary key reads whether it is
    restricted (Art. 18)."""
    found = [f"SELECT id FROM contacts WHERE purpose = ? AND dedupe_key IN ({marks(keys)})"]
    params: list[Any] = [purpose, *keys]
    for column in IDENTIFIERS:
        if contact.get(column):
            found.append(f"SELECT id FROM contacts WHERE purpose = ? AND {column} = ?")
            params += [purpose, contact[column]]
    subqueries = [f"({q} LIMIT 1)" for q in found]
    which = f"coalesce({', '.join(subqueries)})" if len(subqueries) > 1 else subqueries[0]
    sql = f"SELECT id, restricted_at FROM contacts WHERE id = {which}"
    row = db.execute(sql, params).fetchone()
    return (int(row[0]), row[1] is not None) if row else None


def _lock(
    db: Db,
    purpose: str,
    keys: list[str],
    contact: Mapping[str, Any],
    suppression: SuppressionList | None,
) -> None:
    names = [f"contact:{purpose}:{key}" for key in keys]
    if suppression is not None:
        for kind in IDENTIFIERS:
            if contact.get(kind):
                names += suppression.lock_names(kind, str(contact[kind]))
        postal = postal_key(contact)
        if postal:
            names += suppression.lock_names(POSTAL, postal)
    db.lock_keys(names)


def store(
    db: Db,
    purpose: str,
    legal_basis: str,
    contact: Mapping[str, Any],
    provenance: Provenance,
    fields: list[str],
    suppression: SuppressionList | None,
) -> int:
    """Store one contact seen at one source, inside the caller's write transaction; return
    its id. ``ContactDropped`` (R8) when the person is on the suppression list now.

    It first locks the contact's identities (``db.lock_keys``: its de-duplication keys in
    this purpose and the keyed hashes of its email and phone), then, under those locks,
    checks the suppression list again and finds or inserts. On SQLite the transaction's
    write lock already serialises writers; on PostgreSQL the advisory locks do. Either way
    one person stays one contact under concurrent writers (issue 9 item 14), and an erasure
    is final: ``SuppressionList.add`` takes the same locks, so a person erased while the
    crawl runs is refused here even though the screening passed them a moment earlier
    (issue 10 item 6).
    """
    keys = dedupe_keys(contact)
    if not keys:
        raise ValueError("a contact needs an email, a phone or a name to be stored")
    _lock(db, purpose, keys, contact, suppression)
    if suppression is not None and suppressed(contact, suppression):
        raise ContactDropped(
            "suppressed", Rule.R8, "put on the suppression list while it was collected"
        )
    seen = provenance.retrieved_at
    values = [contact.get(c) or None for c in COLUMNS]
    found = find(db, purpose, keys, contact)
    if found is None:
        name_key = person_name(contact) or None
        row = db.execute(
            _INSERT,
            [*values, purpose, legal_basis, keys[0], name_key, seen, seen, retention_until(seen)],
        ).fetchone()
        contact_id = int(row[0])
    elif found[1]:
        return found[0]  # restricted (Art. 18): kept, not used; a re-crawl does not update it
    else:
        contact_id = found[0]
        # A value the person had rectified (their right, Art. 16) is not overwritten by a
        # page that still shows the old one.
        rectified = events.rectified_fields(db, contact_id)
        updates: dict[str, Any] = {
            c: v for c, v in zip(COLUMNS, values, strict=True) if v and c not in rectified
        }
        if "name" in updates or {"given_name", "family_name"} <= set(updates):
            updates["name_key"] = person_name(updates) or None  # no second statement
        update(db, contact_id, {**updates, "last_seen": seen})
    sources.upsert(db, contact_id, provenance, fields)
    return contact_id


class ContactWriter:
    """Upserts contacts and their sources (``store``), each save all-or-nothing, in a
    ``Batch`` committed every ``batch_size`` saves and on ``flush``. The SQLite crawl queues
    its contacts in ``SqliteStore`` instead; PostgreSQL's uses this with one save per
    transaction (``postgres_store``)."""

    def __init__(
        self,
        db: Db,
        purpose: str,
        legal_basis: str,
        batch_size: int = 500,
        *,
        batch: Batch | None = None,
        suppression: SuppressionList | None = None,
    ) -> None:
        self.db = db
        self.purpose = purpose
        self.legal_basis = legal_basis
        self.batch = batch if batch is not None else Batch(db, batch_size)
        self.suppression = suppression
        self.pages = PagesRead(db, purpose)

    def _lock(self, keys: list[str], contact: Mapping[str, Any]) -> None:
        """The locks ``save`` takes first (the contact's identities)."""
        _lock(self.db, self.purpose, keys, contact, self.suppression)

    def save(self, contact: Mapping[str, Any], provenance: Provenance, fields: list[str]) -> int:
        """Store one contact seen at one source; return its id."""
        if not dedupe_keys(contact):
            raise ValueError("a contact needs an email, a phone or a name to be stored")
        with self.batch.write():
            return store(
                self.db,
                self.purpose,
                self.legal_basis,
                contact,
                provenance,
                fields,
                self.suppression,
            )

    # -- pages that no longer carry their contacts (issue 13, R9): sources.PagesRead -----

    def page_answered(self, url: str, status: int, at: str) -> None:
        self.pages.answered(url, status, at)

    def page_failed(self, url: str) -> None:
        self.pages.failed(url)

    def close_pages(self, run_id: str, at: str) -> None:
        """After ``flush``: the contacts of this run are stored, the pages can be judged."""
        self.batch.commit()
        self.pages.close(run_id, at)

    def flush(self) -> None:
        self.batch.commit()


# -- finding ------------------------------------------------------------------------------------


def ids_by_keys(db: Db, purpose: str, rows: Sequence[Sequence[str]]) -> list[int | None]:
    """For each row's ``dedupe_keys`` (strongest first), the id of the stored contact of
    ``purpose`` it recognises, as ``ContactWriter`` would find it (None when none)."""
    wanted = sorted({key for keys in rows for key in keys})
    by_key = {key: i for i, key in _ids_where(db, purpose, "dedupe_key", wanted)}
    for column in IDENTIFIERS:
        values = sorted({k.split(":", 1)[1] for k in wanted if k.startswith(f"{column}:")})
        for contact_id, value in _ids_where(db, purpose, column, values):
            by_key.setdefault(f"{column}:{value}", contact_id)
    return [next((by_key[k] for k in keys if k in by_key), None) for keys in rows]


def _ids_where(
    db: Db, purpose: str, column: str, values: Sequence[str]
) -> Iterator[tuple[int, str]]:
    """(id, value) of the contacts of ``purpose`` whose ``column`` is one of ``values``."""
    for chunk in chunks(values):
        sql = (
            f"SELECT id, {column} FROM contacts WHERE purpose = ? AND {column} IN ({marks(chunk)})"
        )
        for contact_id, value in db.execute(sql, [purpose, *chunk]).fetchall():
            yield int(contact_id), str(value)


def by_id(db: Db, contact_id: int) -> list[dict[str, Any]]:
    return rows_as_dicts(db.execute("SELECT * FROM contacts WHERE id = ?", [contact_id]))


def by_email(db: Db, forms: Sequence[str]) -> list[dict[str, Any]]:
    """Contacts whose email, lower-cased, is one of ``forms`` (one per purpose), by id."""
    return rows_as_dicts(
        db.execute(
            f"SELECT * FROM contacts WHERE lower(email) IN ({marks(forms)}) ORDER BY id",
            list(forms),
        )
    )


def by_name_key(db: Db, name_key: str) -> list[dict[str, Any]]:
    """Contacts whose folded name is ``name_key`` (candidates for the same person), by id."""
    return rows_as_dicts(
        db.execute("SELECT * FROM contacts WHERE name_key = ? ORDER BY id", [name_key])
    )


def by_phone(db: Db, e164s: Sequence[str]) -> list[dict[str, Any]]:
    """The contacts stored under any of these E.164 forms (one line, several codes)."""
    sql = f"SELECT * FROM contacts WHERE phone IN ({marks(e164s)}) ORDER BY id"
    return rows_as_dicts(db.execute(sql, list(e164s)))


def of_purpose(db: Db, purpose: str) -> Iterator[dict[str, Any]]:
    """Every contact collected for ``purpose``, by id."""
    yield from rows_as_dicts(
        db.execute("SELECT * FROM contacts WHERE purpose = ? ORDER BY id", [purpose])
    )


def expired(db: Db, today: str) -> list[tuple[int, str, str, str, int]]:
    """(id, purpose, first_seen, retention_until, number of sources) of every contact whose
    retention date is before ``today`` (ISO), oldest first."""
    rows = db.execute(
        "SELECT c.id, c.purpose, c.first_seen, c.retention_until, "
        "(SELECT count(*) FROM sources s WHERE s.contact_id = c.id) "
        "FROM contacts c WHERE c.retention_until < ? ORDER BY c.retention_until, c.id",
        [today],
    ).fetchall()
    return [(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in rows]


def all_sources_gone(db: Db) -> list[tuple[int, str, str, str, str, int]]:
    """(id, purpose, first_seen, retention_until, when its last source went, sources) of every
    contact whose source rows are all gone (``sources.gone_at``), by that date."""
    rows = db.execute(
        "SELECT c.id, c.purpose, c.first_seen, c.retention_until, max(s.gone_at), count(*) "
        "FROM contacts c JOIN sources s ON s.contact_id = c.id GROUP BY c.id, c.purpose, "
        "c.first_seen, c.retention_until HAVING count(*) = count(s.gone_at) ORDER BY 5, 1"
    ).fetchall()
    return [(int(r[0]), r[1], r[2], r[3], r[4], int(r[5])) for r in rows]


def count_expired(db: Db, today: str) -> int:
    row = db.execute("SELECT count(*) FROM contacts WHERE retention_until < ?", [today])
    return int(row.fetchone()[0])


def count(db: Db) -> int:
    return int(db.execute("SELECT count(*) FROM contacts").fetchone()[0])


def count_by_purpose(db: Db) -> dict[str, int]:
    """Contacts held per purpose, largest first."""
    rows = db.execute(
        "SELECT purpose, count(*) FROM contacts GROUP BY purpose ORDER BY 2 DESC, 1"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def count_by_kind(db: Db) -> dict[str, int]:
    rows = db.execute("SELECT coalesce(kind, '?'), count(*) FROM contacts GROUP BY 1").fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def filled(db: Db, columns: Sequence[str]) -> dict[str, int]:
    """How many contacts hold a value in each of ``columns`` (names from values.fields)."""
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not contact columns: {sorted(unknown)}")
    row = db.execute(
        "SELECT " + ", ".join(f"count({c})" for c in columns) + " FROM contacts"
    ).fetchone()
    return {c: int(n) for c, n in zip(columns, row, strict=True)}


def summary(db: Db) -> list[tuple[str, str, str, str, str, str, int]]:
    """(purpose, name, job title, organization, phone, email, sources) of every contact, by
    purpose and id (the demo's summary)."""
    rows = db.execute(
        "SELECT purpose, coalesce(name, ''), coalesce(job_title, ''), "
        "coalesce(organization, ''), coalesce(phone, ''), coalesce(email, ''), "
        "(SELECT count(*) FROM sources s WHERE s.contact_id = c.id) "
        "FROM contacts c ORDER BY purpose, id"
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6])) for r in rows]


# -- changing and deleting ------------------------------------------------------------------


_UPDATABLE: Final = frozenset(COLUMNS) | {
    "last_seen",
    "last_contact_at",
    "retention_until",
    "name_key",
}


def update(db: Db, contact_id: int, values: Mapping[str, Any]) -> None:
    """Set these columns of one contact (the names are checked: never user text); a changed
    name also changes ``name_key``, what links the person's records."""
    unknown = set(values) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable contact columns: {sorted(unknown)}")
    if not values:
        return
    sets = ", ".join(f"{column} = ?" for column in values)
    db.execute(f"UPDATE contacts SET {sets} WHERE id = ?", [*values.values(), contact_id])
    if set(values) & set(NAME_FIELDS) and "name_key" not in values:
        (row,) = by_id(db, contact_id) or [{}]
        db.execute(
            "UPDATE contacts SET name_key = ? WHERE id = ?",
            [person_name(row) or None, contact_id],
        )


def restrict(db: Db, contact_ids: Sequence[int], at: str, reason: str) -> None:
    """Restrict these contacts (Art. 18): kept, never exported, not updated by a crawl."""
    for chunk in chunks(contact_ids):
        db.execute(
            f"UPDATE contacts SET restricted_at = ?, restricted_reason = ? "
            f"WHERE id IN ({marks(chunk)})",
            [at, reason, *chunk],
        )


def unrestrict(db: Db, contact_ids: Sequence[int]) -> None:
    for chunk in chunks(contact_ids):
        db.execute(
            "UPDATE contacts SET restricted_at = NULL, restricted_reason = NULL "
            f"WHERE id IN ({marks(chunk)})",
            list(chunk),
        )


def restricted(db: Db) -> list[tuple[int, str, str, str]]:
    """(id, purpose, restricted_at, reason) of every restricted contact, oldest first."""
    rows = db.execute(
        "SELECT id, purpose, restricted_at, restricted_reason FROM contacts "
        "WHERE restricted_at IS NOT NULL ORDER BY restricted_at, id"
    ).fetchall()
    return [(int(r[0]), r[1], r[2], r[3]) for r in rows]


def forget_deleted(db: Db) -> None:
    """After the transaction that deleted contacts: fold SQLite's write-ahead log back into
    the file and truncate it, so the old page images still holding the erased values are
    gone (issue 10 item 9; the file's own freed pages are zeroed by ``secure_delete``, set on
    every read-write connection). A reader holding an old snapshot can keep the log from
    being truncated; the next checkpoint then finishes the job."""
    if db.dialect == "sqlite" and not db.in_transaction:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def delete(db: Db, contact_ids: Sequence[int]) -> None:
    """Delete these contacts with their sources and events (erasure, objection, purge)."""
    for chunk in chunks(contact_ids):
        where = f"IN ({marks(chunk)})"
        db.execute(f"DELETE FROM sources WHERE contact_id {where}", list(chunk))
        db.execute(f"DELETE FROM contact_events WHERE contact_id {where}", list(chunk))
        db.execute(f"DELETE FROM contacts WHERE id {where}", list(chunk))
