"""The shared store of cluster mode: ``SqliteStore``'s batching over a PostgreSQL connection.

Refusals and drops are buffered and written in batches as on SQLite. Contacts are not: each
save is a transaction of its own, because it holds the advisory locks on the contact's
identities until it commits (``contacts.ContactWriter``). A batch of saves would hold the
locks of its first contact while it waits for those of its tenth, and two workers doing
that in different orders deadlock. One contact per transaction: about 1,000 contacts/s per
worker here (docs/performance.md).
"""

from __future__ import annotations

from .contacts import ContactWriter
from .postgres import PostgresDb, open_postgres
from .sqlite_store import SqliteStore
from .transaction import Batch


class PostgresStore(SqliteStore):
    db: PostgresDb

    @classmethod
    def connect(cls, url: str, batch_size: int = 500) -> PostgresStore:
        """The store at ``url``, migrated (``ComplianceConfigError`` when unreachable)."""
        return cls(open_postgres(url), batch_size)

    def contact_writer(self, purpose: str, legal_basis: str) -> ContactWriter:
        """The writer of this crawl's contacts: one transaction per contact (see above)."""
        return ContactWriter(
            self.db,
            purpose,
            legal_basis,
            batch=Batch(self.db, commit_every=1),
            suppression=self.suppression,
        )
