"""The shape of a store's schema, read back from the database, for comparing two backends.

``shape(db)`` lists every table (migration bookkeeping excluded) with its columns (name,
type as ``TEXT`` or ``INTEGER``, NOT NULL, primary key position), foreign keys and indexes
(columns, unique, partial), in forms that do not depend on the backend. The parity test
(``tests/test_store_postgres.py``) compares the SQLite and PostgreSQL shapes: when a migration
lands on one backend only, it fails and ``differences`` says which table and what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .backend import Db

BOOKKEEPING: Final = frozenset({"_sqlite_migrations", "_pg_migrations"})
_TYPES: Final = {
    "text": "TEXT",
    "integer": "INTEGER",
    "bigint": "INTEGER",
    "int": "INTEGER",
    "smallint": "INTEGER",
}


@dataclass(frozen=True, order=True)
class Column:
    name: str
    type: str
    not_null: bool
    pk: int  # position in the primary key (1-based), 0 when not part of it


@dataclass(frozen=True, order=True)
class Index:
    columns: tuple[str, ...]
    unique: bool
    partial: bool


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    foreign_keys: frozenset[tuple[str, str, str]]  # (column, other table, other column)
    indexes: frozenset[Index]


Shape = dict[str, Table]


def shape(db: Db) -> Shape:
    """The tables of ``db`` by name."""
    if db.dialect == "sqlite":
        return _sqlite(db)
    if db.dialect == "postgresql":
        return _postgres(db)
    raise ValueError(f"unknown dialect {db.dialect!r}")


def differences(left: Shape, right: Shape, names: tuple[str, str]) -> list[str]:
    """What differs between two shapes, one line each (empty when they are the same)."""
    a, b = names
    found = [f"table {t}: only in {a}" for t in sorted(set(left) - set(right))]
    found += [f"table {t}: only in {b}" for t in sorted(set(right) - set(left))]
    for name in sorted(set(left) & set(right)):
        one, two = left[name], right[name]
        for column in sorted(set(one.columns) ^ set(two.columns)):
            side = a if column in one.columns else b
            found.append(f"table {name}: column {column} only in {side}")
        for fk in sorted(one.foreign_keys ^ two.foreign_keys):
            side = a if fk in one.foreign_keys else b
            found.append(f"table {name}: foreign key {fk} only in {side}")
        for index in sorted(one.indexes ^ two.indexes):
            side = a if index in one.indexes else b
            found.append(f"table {name}: index {index} only in {side}")
    return found


def _type(declared: str) -> str:
    return _TYPES.get(declared.strip().lower(), declared.upper())


def _sqlite(db: Db) -> Shape:
    tables: Shape = {}
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    for name in names:
        if name in BOOKKEEPING:
            continue
        info = db.execute(f'PRAGMA table_info("{name}")').fetchall()
        columns = tuple(
            Column(
                r[1],
                _type(r[2]),
                # A rowid primary key (INTEGER PRIMARY KEY) is never NULL, as a PG identity.
                bool(r[3]) or bool(r[5]),
                int(r[5]),
            )
            for r in info
        )
        fks = frozenset(
            (r[3], r[2], r[4]) for r in db.execute(f'PRAGMA foreign_key_list("{name}")')
        )
        indexes = set()
        for _seq, index_name, unique, origin, partial in db.execute(
            f'PRAGMA index_list("{name}")'
        ).fetchall():
            if origin == "pk":
                continue  # the primary key is in the columns
            cols = tuple(r[2] for r in db.execute(f'PRAGMA index_info("{index_name}")'))
            indexes.add(Index(cols, bool(unique), bool(partial)))
        tables[name] = Table(columns, fks, frozenset(indexes))
    return tables


def _postgres(db: Db) -> Shape:
    tables: Shape = {}
    columns: dict[str, list[Column]] = {}
    pks: dict[tuple[str, str], int] = {}
    for table, column, position in db.execute(
        "SELECT tc.table_name, k.column_name, k.ordinal_position "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name "
        "AND k.table_schema = tc.table_schema "
        "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema()"
    ):
        pks[(table, column)] = int(position)
    for table, column, data_type, nullable in db.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ):
        if table in BOOKKEEPING:
            continue
        pk = pks.get((table, column), 0)
        columns.setdefault(table, []).append(Column(column, _type(data_type), nullable == "NO", pk))
    fks: dict[str, set[tuple[str, str, str]]] = {}
    for table, column, other, other_column in db.execute(
        "SELECT k.table_name, k.column_name, u.table_name, u.column_name "
        "FROM information_schema.referential_constraints r "
        "JOIN information_schema.key_column_usage k ON k.constraint_name = r.constraint_name "
        "AND k.constraint_schema = r.constraint_schema "
        "JOIN information_schema.constraint_column_usage u "
        "ON u.constraint_name = r.unique_constraint_name "
        "AND u.constraint_schema = r.unique_constraint_schema "
        "WHERE r.constraint_schema = current_schema()"
    ):
        fks.setdefault(table, set()).add((column, other, other_column))
    indexes: dict[str, set[Index]] = {}
    for table, cols, unique, partial in db.execute(
        "SELECT t.relname, array_agg(a.attname ORDER BY k.n), ix.indisunique, "
        "ix.indpred IS NOT NULL "
        "FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid "
        "JOIN pg_namespace ns ON ns.oid = t.relnamespace "
        "CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n) "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
        "WHERE ns.nspname = current_schema() AND NOT ix.indisprimary "
        "GROUP BY ix.indexrelid, t.relname, ix.indisunique, ix.indpred"
    ):
        indexes.setdefault(table, set()).add(Index(tuple(cols), bool(unique), bool(partial)))
    for table, cols in columns.items():
        tables[table] = Table(
            tuple(cols), frozenset(fks.get(table, ())), frozenset(indexes.get(table, ()))
        )
    return tables
