"""The shared backend: PostgreSQL through psycopg 3 (``backend.Db``), for cluster mode.

``PostgresDb`` is one connection, taken from a per-process ``psycopg_pool.ConnectionPool``
per URL and given back by ``close()``, so a tool or a test that opens the store many times
reuses its connections. It runs in driver autocommit, like ``SqliteDb``: every transaction
is an explicit one, opened by ``transaction.transaction`` with ``BEGIN``.

What differs from SQLite, and how the query modules never see it:

- Placeholders: the query modules write ``?``; ``execute`` turns each ``?`` outside a quoted
  literal into ``%s`` (and doubles ``%``), once per statement text (cached).
- Locks. SQLite has one write lock, taken by ``BEGIN IMMEDIATE``, so nothing else is needed
  there. PostgreSQL lets writers run side by side, so a transaction that must not race
  another takes **transaction-scoped advisory locks** (``pg_advisory_xact_lock``), released
  by its commit or rollback:

  * ``lock_keys(keys)``: one lock per key (a 64-bit number from the key's sha256), all taken
    in one statement in ascending order, so two transactions locking overlapping sets can
    never wait on each other in a cycle. The contact writer locks every identity key of a
    contact (its de-duplication keys, and the keyed hashes the suppression list uses for its
    email and phone); ``SuppressionList.add`` (``subject erase``, ``subject object``) locks
    the same hashes. Prototype on this machine (issue 15): find-then-insert without them
    stored 21 and 63 of 4,000 people twice with 2 and 4 writers; with them, none.
  * ``lock_audit_chain()``: one fixed advisory lock, taken just before the audit rows are
    appended, last in the transaction (``audit_log``): the chain stays one chain.
- The schema is versioned SQL (``postgres_schema``), applied under an advisory lock of its
  own, so workers starting together migrate once.

Rejected: SQLAlchemy (a second query layer over the one ``store/`` already is) and
``SERIALIZABLE`` isolation instead of locks (correct, but every conflict is a failed
transaction to retry, and a crawl would retry most of them under load).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

    from .backend import Db

logger = logging.getLogger(__name__)

AUDIT_CHAIN_LOCK: Final = 0x636F6D706C617564  # "complaud": the audit chain's advisory lock
MIGRATION_LOCK: Final = 0x636F6D706C6D6967  # "complmig": schema migrations
POOL_MAX: Final = 10  # connections one process may hold per URL (a worker uses one)

_pools: dict[str, ConnectionPool[Any]] = {}
_pools_lock = threading.Lock()
_translated: dict[str, str] = {}


def redacted(url: str) -> str:
    """``url`` with its password replaced by ``***``, for errors and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()


def translate(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s`` (``%`` doubled), outside quotes."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


def lock_id(key: str) -> int:
    """The signed 64-bit advisory lock number of ``key``."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


class PostgresDb:
    """One connection to a PostgreSQL compliance store (see the module doc)."""

    dialect = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any], pool: ConnectionPool[Any] | None = None):
        self.conn = conn
        self._pool = pool
        self.tracking = False

    def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> Any:
        query = _translated.get(sql)
        if query is None:
            query = _translated[sql] = translate(sql)
        return self.conn.execute(query, None if parameters is None else list(parameters))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        if not self.in_transaction:
            raise RuntimeError("executemany writes belong inside store.transaction.transaction()")
        batch = [list(row) for row in rows]
        if batch:
            with self.conn.cursor() as cursor:
                cursor.executemany(translate(sql), batch)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """``COPY`` (text format): one stream instead of a statement per row."""
        if not self.in_transaction:
            raise RuntimeError("insert_rows writes belong inside store.transaction.transaction()")
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.conn.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.conn.info.transaction_status != TransactionStatus.IDLE

    def begin_write(self) -> None:
        self.conn.execute("BEGIN")

    def commit_write(self) -> None:
        self.conn.execute("COMMIT")

    def rollback_write(self) -> None:
        if self.in_transaction:
            self.conn.execute("ROLLBACK")

    def savepoint(self, name: str) -> None:
        self.conn.execute(f"SAVEPOINT {name}")

    def release_savepoint(self, name: str) -> None:
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def rollback_to_savepoint(self, name: str) -> None:
        if self.in_transaction:
            self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def lock_keys(self, keys: Iterable[str]) -> None:
        """Take the advisory lock of every key, in ascending order, until the commit."""
        ids = sorted({lock_id(key) for key in keys})
        if ids:
            calls = ", ".join("pg_advisory_xact_lock(%s)" for _ in ids)
            self.conn.execute(f"SELECT {calls}", ids)

    def lock_audit_chain(self) -> None:
        self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK])

    def anchor_base(self) -> Path | None:
        """No file beside a shared database: ``audit anchor`` publishes a signed head."""
        return None

    # -- what each transaction wrote (audit_log, audit_rows) --------------------------------

    def track_changes(self) -> None:
        """Have the covered tables' triggers (``postgres_schema.ensure_row_triggers``) note
        the key of every row this session writes in its temporary ``cs_changes`` table;
        ``take_changes`` reads them at commit time. Other sessions' writes are not noted."""
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS cs_changes (tbl TEXT NOT NULL, key TEXT NOT NULL)"
        )
        self.conn.execute("SELECT set_config('compliance.track_changes', 'on', false)")
        self.tracking = True

    def take_changes(self) -> list[tuple[str, int, str]]:
        """(table, 0, key) of each row changed since the last call, forgotten now (in the
        open transaction: a rollback brings them back). No rowid on PostgreSQL: 0."""
        if not self.tracking:
            return []
        rows = self.conn.execute("DELETE FROM pg_temp.cs_changes RETURNING tbl, key").fetchall()
        return [(str(t), 0, str(k)) for t, k in rows]

    def close(self) -> None:
        """Give the connection back to its pool (rolled back if a transaction was open),
        after covering a change written outside ``transaction`` with its ``rows`` entry."""
        pool, self._pool = self._pool, None
        if self.conn.closed:
            return
        if self.tracking and not self.in_transaction:
            import psycopg

            from .transaction import transaction

            try:
                if self.conn.execute("SELECT 1 FROM pg_temp.cs_changes LIMIT 1").fetchone():
                    with transaction(self):
                        pass  # its commit hook writes the rows entry
            except psycopg.Error as exc:
                logger.error("changes not covered by the audit log: %s", exc)
        if pool is None:
            self.conn.close()
            return
        pool.putconn(self.conn)  # the pool rolls back what was left open


def open_postgres(
    url: str, *, migrate: bool = True, timeout: float = 10.0, read_only: bool = False
) -> PostgresDb:
    """A connection to the store at ``url`` (migrated unless ``migrate`` is False);
    ``ComplianceConfigError`` naming the URL (password hidden) when it cannot be reached.
    ``read_only``: a connection of its own (never pooled) whose every transaction is
    read-only, for the reporting commands."""
    import psycopg
    from psycopg_pool import PoolTimeout

    if read_only:
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=int(timeout))
        except psycopg.OperationalError as exc:
            raise ComplianceConfigError(
                f"COMPLIANCE_STORE_URL: cannot connect to {redacted(url)}: {exc}"
            ) from None
        conn.execute("SET default_transaction_read_only = on")
        found = conn.execute("SELECT to_regclass('_pg_migrations')").fetchone()
        if found is None or found[0] is None:
            conn.close()
            raise ComplianceConfigError(
                f"COMPLIANCE_STORE_URL: {redacted(url)} holds no compliant-scraper store yet "
                "(a crawl or a writing command such as bloctel import creates it)"
            )
        return PostgresDb(conn)

    pool = _pool(url, timeout)
    try:
        conn = pool.getconn()
    except (PoolTimeout, psycopg.OperationalError) as exc:
        raise ComplianceConfigError(
            f"COMPLIANCE_STORE_URL: cannot connect to {redacted(url)}: {exc}"
        ) from None
    db = PostgresDb(conn, pool)
    try:
        if migrate:
            from . import postgres_schema

            postgres_schema.apply(db)
        db.track_changes()  # the audit log covers what it writes (audit_rows)
    except BaseException:
        db.close()
        raise
    return db


def _pool(url: str, timeout: float) -> ConnectionPool[Any]:
    from psycopg_pool import ConnectionPool

    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            pool = ConnectionPool(
                url,
                min_size=0,
                max_size=POOL_MAX,
                kwargs={"autocommit": True},
                check=ConnectionPool.check_connection,
                timeout=timeout,
                open=True,
                name="compliance-store",
            )
            _pools[url] = pool
        return pool


def close_pool(url: str) -> None:
    """Close this process's connections to ``url`` (a tool done with a store)."""
    with _pools_lock:
        pool = _pools.pop(url, None)
    if pool is not None:
        pool.close()


@atexit.register
def close_pools() -> None:
    """Close every pool of this process (at exit, and between tests that stop the server)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


if TYPE_CHECKING:

    def _implements_the_store_interface(db: PostgresDb) -> Db:
        return db  # mypy checks PostgresDb against the protocol here


def create_database(server_url: str, name: str) -> None:
    """``CREATE DATABASE name`` on the server at ``server_url`` (tests, benches, the cluster
    demo: each gets a database of its own on one throw-away server)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
