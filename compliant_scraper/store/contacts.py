"""Writing contacts and their sources: de-duplicated, batched in transactions (R5, R9).

A contact is one person or organisation per purpose, recognised by email, then phone, then
name plus organisation. Its retention clock starts at first collection (R9): re-crawling
updates ``last_seen`` and fills or refreshes values, never ``first_seen`` or
``retention_until``. Each source URL gets one ``sources`` row per contact with its provenance.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from ..law import retention_until
from ..provenance import Provenance
from ..values.fields import COLUMNS, IDENTIFIERS, NAME_FIELDS


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def dedupe_keys(contact: Mapping[str, Any]) -> list[str]:
    """The keys that recognise this contact, strongest first."""
    keys = [f"{kind}:{contact[kind]}" for kind in IDENTIFIERS if contact.get(kind)]
    first, *parts = NAME_FIELDS  # "name", else "given_name family_name"
    name = contact.get(first) or " ".join(str(contact[k]) for k in parts if contact.get(k))
    if name:
        keys.append(f"name:{_fold(str(name))}|{_fold(str(contact.get('organization') or ''))}")
    return keys


class ContactWriter:
    """Upserts contacts and sources; commits every ``batch_size`` writes and on ``flush``."""

    def __init__(self, db: Database, purpose: str, legal_basis: str, batch_size: int = 500):
        self.db = db
        self.conn = db.conn
        self.purpose = purpose
        self.legal_basis = legal_basis
        self.batch_size = batch_size
        self._pending = 0
        self._cols = ", ".join(COLUMNS)
        self._marks = ", ".join("?" for _ in COLUMNS)

    def _find(self, keys: list[str], contact: Mapping[str, Any]) -> int | None:
        if not keys:
            return None
        marks = ", ".join("?" for _ in keys)
        row = self.conn.execute(
            f"SELECT id FROM contacts WHERE purpose = ? AND dedupe_key IN ({marks}) LIMIT 1",
            [self.purpose, *keys],
        ).fetchone()
        if row:
            return int(row[0])
        for column in IDENTIFIERS:
            if contact.get(column):
                row = self.conn.execute(
                    f"SELECT id FROM contacts WHERE purpose = ? AND {column} = ? LIMIT 1",
                    [self.purpose, contact[column]],
                ).fetchone()
                if row:
                    return int(row[0])
        return None

    def save(self, contact: Mapping[str, Any], provenance: Provenance, fields: list[str]) -> int:
        """Store one contact seen at one source; return its id."""
        keys = dedupe_keys(contact)
        if not keys:
            raise ValueError("a contact needs an email, a phone or a name to be stored")
        seen = provenance.retrieved_at
        contact_id = self._find(keys, contact)
        values = [contact.get(c) or None for c in COLUMNS]
        if contact_id is None:
            cursor = self.conn.execute(
                f"INSERT INTO contacts ({self._cols}, purpose, legal_basis, dedupe_key, "
                f"first_seen, last_seen, retention_until) "
                f"VALUES ({self._marks}, ?, ?, ?, ?, ?, ?)",
                [
                    *values,
                    self.purpose,
                    self.legal_basis,
                    keys[0],
                    seen,
                    seen,
                    retention_until(seen),
                ],
            )
            contact_id = int(cursor.lastrowid or 0)
        else:
            # A value the person had rectified (their right, Art. 16) is not overwritten by
            # a page that still shows the old one.
            rectified = {
                row[0]
                for row in self.conn.execute(
                    "SELECT field FROM contact_events WHERE contact_id = ? AND event = 'rectified'",
                    [contact_id],
                )
            }
            updates = [
                (c, v) for c, v in zip(COLUMNS, values, strict=True) if v and c not in rectified
            ]
            sets = ", ".join(f"{c} = ?" for c, _ in updates)
            self.conn.execute(
                f"UPDATE contacts SET {sets + ', ' if sets else ''}last_seen = ? WHERE id = ?",
                [*(v for _, v in updates), seen, contact_id],
            )
        row = provenance.as_source_row()
        self.conn.execute(
            "INSERT INTO sources (contact_id, url, retrieved_at, spider, run_id, policy_file, "
            "policy_sha256, robots_sha256, method, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (contact_id, url) DO UPDATE SET retrieved_at = excluded.retrieved_at, "
            "spider = excluded.spider, run_id = excluded.run_id, "
            "policy_file = excluded.policy_file, policy_sha256 = excluded.policy_sha256, "
            "robots_sha256 = excluded.robots_sha256, method = excluded.method, "
            "fields = excluded.fields",
            [
                contact_id,
                row["url"],
                row["retrieved_at"],
                row["spider"],
                row["run_id"],
                row["policy_file"],
                row["policy_sha256"],
                row["robots_sha256"],
                row["method"],
                json.dumps(sorted(fields)),
            ],
        )
        self._pending += 1
        if self._pending >= self.batch_size:
            self.flush()
        return contact_id

    def flush(self) -> None:
        if self._pending:
            self.conn.commit()
            self._pending = 0
