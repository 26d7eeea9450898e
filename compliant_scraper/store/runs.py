"""Runs and their records: ``runs``, ``refusals``, ``drops``, ``robots_snapshots``,
``policy_snapshots``, ``purges`` (R5, R10).

Writes are called inside a transaction (``transaction.transaction`` or a ``Batch``); reads
return plain values or dicts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..records import Drop, PolicySnapshot, Refusal, RobotsSnapshot
from . import audit_log
from .backend import Db, rows_as_dicts

# -- runs ---------------------------------------------------------------------------------------


def start(db: Db, run_id: str, spider: str, purpose: str, started_at: str) -> None:
    db.execute(
        "INSERT INTO runs (id, spider, purpose, started_at) VALUES (?, ?, ?, ?)",
        [run_id, spider, purpose, started_at],
    )
    audit_log.append(db, "run_start", {"run_id": run_id, "spider": spider, "purpose": purpose})


def finish(db: Db, run_id: str, finished_at: str, reason: str, stats: Mapping[str, Any]) -> None:
    db.execute(
        "UPDATE runs SET finished_at = ?, finish_reason = ?, stats = ? WHERE id = ?",
        [finished_at, reason, json.dumps(dict(stats), default=str, sort_keys=True), run_id],
    )
    audit_log.append(db, "run_end", {"run_id": run_id, "reason": reason})


def count(db: Db) -> int:
    return int(db.execute("SELECT count(*) FROM runs").fetchone()[0])


def latest(db: Db, limit: int) -> list[dict[str, Any]]:
    return rows_as_dicts(
        db.execute(
            "SELECT id, spider, purpose, started_at, finished_at, finish_reason FROM runs "
            "ORDER BY started_at DESC LIMIT ?",
            [limit],
        )
    )


def unfinished(db: Db) -> list[dict[str, Any]]:
    """Runs with no finish time: still running, or stopped without closing (killed, a
    crash, a ``scrapy shell`` left without closing its spider); oldest first."""
    return rows_as_dicts(
        db.execute(
            "SELECT id, spider, purpose, started_at FROM runs WHERE finished_at IS NULL "
            "ORDER BY started_at"
        )
    )


# -- snapshots ----------------------------------------------------------------------------------


def add_policy_snapshots(db: Db, run_id: str, snapshots: Iterable[PolicySnapshot]) -> None:
    db.executemany(
        "INSERT INTO policy_snapshots (run_id, file, domain, sha256, content) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, file) DO UPDATE SET "
        "domain = excluded.domain, sha256 = excluded.sha256, content = excluded.content",
        [(run_id, s.file, s.domain, s.sha256, s.content) for s in snapshots],
    )


def add_robots_snapshot(db: Db, s: RobotsSnapshot) -> None:
    db.execute(
        "INSERT INTO robots_snapshots (run_id, url, host, fetched_at, status, error, sha256, "
        "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [s.run_id, s.url, s.host, s.fetched_at, s.status, s.error, s.sha256, s.body],
    )


# -- refusals and drops -------------------------------------------------------------------------


def add_refusals(db: Db, refusals: Sequence[Refusal]) -> None:
    db.executemany(
        "INSERT INTO refusals (run_id, url, domain, stage, rule, reason, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(r.run_id, r.url, r.domain, r.stage, r.rule, r.reason, r.at) for r in refusals],
    )


def add_drops(db: Db, drops: Sequence[Drop]) -> None:
    """One row per drop: an item's fields not kept for one reason, as a JSON array."""
    db.executemany(
        "INSERT INTO drops (run_id, url, fields, reason, rule, at, email_hash, phone_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (d.run_id, d.url, fields_json(d.fields), d.reason, d.rule, d.at, *_hashes(d))
            for d in drops
        ],
    )


def _hashes(drop: Drop) -> tuple[str | None, str | None]:
    return drop.email_hash, drop.phone_hash


def fields_json(fields: Sequence[str]) -> str:
    """``drops.fields``: the field names as a compact JSON array (``["job_title","bio"]``)."""
    return json.dumps(list(fields), separators=(",", ":"))


def dropped_fields(db: Db) -> str:
    """A FROM clause of one row per field a ``drops`` row names: ``d`` the drop, ``f.value``
    the field (``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL)."""
    if db.dialect == "postgresql":
        return "drops d, json_array_elements_text(d.fields::json) AS f(value)"
    return "drops d, json_each(d.fields) AS f"


def field_count(db: Db, column: str = "fields") -> str:
    """The SQL expression of how many fields a ``drops`` row names (its values not kept)."""
    if db.dialect == "postgresql":
        return f"json_array_length({column}::json)"
    return f"json_array_length({column})"


def refusal_count(db: Db) -> int:
    return int(db.execute("SELECT count(*) FROM refusals").fetchone()[0])


def refusals_by(db: Db, column: str) -> dict[str, int]:
    """Refusals counted by ``stage`` or ``rule``, largest first."""
    if column not in ("stage", "rule"):
        raise ValueError(f"refusals are counted by stage or rule, not {column!r}")
    rows = db.execute(
        f"SELECT {column}, count(*) FROM refusals GROUP BY {column} ORDER BY 2 DESC"
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


def refusals_by_domain(db: Db, limit: int) -> list[tuple[str, str, str, int]]:
    """(domain, stage, rule, count), largest first."""
    rows = db.execute(
        "SELECT domain, stage, rule, count(*) FROM refusals GROUP BY domain, stage, rule "
        "ORDER BY 4 DESC, 1 LIMIT ?",
        [limit],
    ).fetchall()
    return [(r[0], r[1], r[2], int(r[3])) for r in rows]


def refusals_by_stage_and_rule(db: Db) -> list[tuple[str, str, int, str]]:
    """(stage, rule, count, the domains concerned, comma-separated), by stage."""
    domains = "group_concat(DISTINCT domain)"
    if db.dialect == "postgresql":
        domains = "string_agg(DISTINCT domain, ',')"
    rows = db.execute(
        f"SELECT stage, rule, count(*), {domains} FROM refusals GROUP BY stage, rule ORDER BY stage"
    ).fetchall()
    return [(r[0], r[1], int(r[2]), str(r[3])) for r in rows]


def drop_count(db: Db) -> int:
    """Values (or whole items) not kept: the fields the ``drops`` rows name."""
    row = db.execute(f"SELECT coalesce(sum({field_count(db)}), 0) FROM drops").fetchone()
    return int(row[0])


def drops_by_reason(db: Db) -> list[tuple[str, str, int]]:
    """(reason, rule, values not kept), largest first."""
    rows = db.execute(
        f"SELECT reason, rule, sum({field_count(db)}) FROM drops GROUP BY reason, rule "
        "ORDER BY 3 DESC, 1"
    ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


# -- purges -------------------------------------------------------------------------------------


def add_purge(db: Db, at: str, cutoff: str, contact_ids: Sequence[int]) -> int:
    row = db.execute(
        "INSERT INTO purges (at, cutoff, count, contact_ids) VALUES (?, ?, ?, ?) RETURNING id",
        [at, cutoff, len(contact_ids), json.dumps(list(contact_ids))],
    ).fetchone()
    return int(row[0])


def purges(db: Db) -> list[tuple[int, str, str, int]]:
    """(id, at, cut-off, count) of every purge, oldest first."""
    rows = db.execute("SELECT id, at, cutoff, count FROM purges ORDER BY id").fetchall()
    return [(int(r[0]), r[1], r[2], int(r[3])) for r in rows]


def purge_totals(db: Db) -> tuple[int, int, str | None]:
    """(purges run, contacts deleted, time of the last one)."""
    row = db.execute("SELECT count(*), coalesce(sum(count), 0), max(at) FROM purges").fetchone()
    return int(row[0]), int(row[1]), row[2]
