"""The audit covers the data (issue 10 item 13): tampering with any table is caught.

Before: of 51 tamperings only the 11 in ``audit_log`` itself were detected; modifying,
deleting or forging rows in contacts, sources, refusals, drops, runs, suppression,
opposition_numbers, the snapshots or exports went unnoticed (35 of 35). Each case below is
one such tampering, made as an attacker would: another program's connection to the file.
Legitimate deletions (erasure, purge, a list replaced) keep the log clean, because they are
audit entries that list what they removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from sqlite_utils.migrations import Migrations
from support import covered
from support.stores import StoreTarget
from support.tooling import Env, add_contact, day, filled_env

from compliant_scraper.cli import main
from compliant_scraper.records import PolicySnapshot, RobotsSnapshot
from compliant_scraper.store import (
    audit_log,
    audit_rows,
    database,
    postgres_schema,
    recipient_steps,
    requests,
    retention_markers,
    schema,
    schema_tooling,
)
from compliant_scraper.store.database import open_database
from compliant_scraper.store.postgres import close_pool, open_postgres, redacted
from compliant_scraper.store.sqlite import SqliteDb
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.store.transaction import transaction
from compliant_scraper.tooling.opposition_import import import_list

AT = "2026-11-23T10:00:00Z"


def verify(path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(path), *args])
    return result.exit_code, result.output


def full_store(tmp_path: Path) -> Env:
    """A store with a row in every covered table, written by compliant-scraper itself."""
    env = filled_env(tmp_path)
    db = env.db
    with_run = open_database(env.db_path)
    with_run.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run2', 'directory', 'p')")
    from compliant_scraper.store import runs
    from compliant_scraper.store.transaction import transaction

    with transaction(with_run):
        runs.add_policy_snapshots(
            with_run, "run2", [PolicySnapshot("domains/a.toml", "a.test", "p" * 64, "x = 1")]
        )
        robots = RobotsSnapshot(
            "run2", "http://a.test/robots.txt", "a.test", AT, 200, None, "r" * 64, "User-agent: *"
        )
        runs.add_robots_snapshot(with_run, robots)
    _add_rights_rows(with_run)
    with_run.close()
    SuppressionList.open(db, tmp_path / "c.db.key").add("email", "gone@nowhere.fr", "objection")
    exported = env.run(
        "export", "--purpose", "b2b_email", "--out", str(tmp_path / "x.csv"),
        "--format", "csv", "--db", str(env.db_path), "--policies", str(env.policies),
        "--key-file", str(tmp_path / "c.db.key"),
    )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    db.close()
    return env


def _add_rights_rows(db: SqliteDb) -> None:
    """A request, an Art. 19 step and a retention marker (issue 13's tables)."""
    from compliant_scraper.store.transaction import transaction

    with transaction(db):
        requests.add(
            db, kind="erase", received_on="2026-11-20", requester="mail of 20 Nov",
            identity_checked_on=None, opened_at=AT, due_on="2026-12-20",
        )  # fmt: skip
        recipient_steps.add(db, 1, "crm_partner", [1], "erase", AT, 1)
        retention_markers.add(db, [("h" * 64, "email", "b2b_email", "2023-01-02")], AT)


@pytest.fixture
def env(tmp_path: Path) -> Env:
    env = full_store(tmp_path)
    code, output = verify(env.db_path)
    assert code == 0, output
    return env


TAMPERINGS = {
    "contacts: an email changed": (
        "contacts", "UPDATE contacts SET email = 'x@evil.test' WHERE id = 1"),
    "contacts: a person deleted": ("contacts", "DELETE FROM contacts WHERE id = 2"),
    "contacts: a person forged": ("contacts", "INSERT INTO contacts (kind, name, purpose, "
        "dedupe_key) VALUES ('person', 'Forged', 'b2b_email', 'name:forged|')"),
    "sources: a source URL changed": (
        "sources", "UPDATE sources SET url = 'https://ok.test/' WHERE id = 1"),
    "sources: a source deleted": ("sources", "DELETE FROM sources WHERE id = 1"),
    "refusals: a refusal deleted": ("refusals", "DELETE FROM refusals WHERE id = 1"),
    "refusals: a reason rewritten": (
        "refusals", "UPDATE refusals SET reason = 'fine' WHERE id = 2"),
    "drops: a drop deleted": ("drops", "DELETE FROM drops WHERE id = 1"),
    "drops: a drop forged": ("drops", "INSERT INTO drops (run_id, url, field, reason, rule, at) "
        "VALUES ('run1', 'u', 'email', 'x', 'R4', 't')"),
    "runs: a finish reason rewritten": ("runs", "UPDATE runs SET finish_reason = 'finished'"),
    "runs: a run deleted": ("runs", "DELETE FROM runs WHERE id = 'run2'"),
    "suppression: an objection removed": (
        "suppression", "DELETE FROM suppression WHERE reason = 'objection'"),
    "opposition_numbers: a listed number removed": ("opposition_numbers",
        "DELETE FROM opposition_numbers WHERE number = (SELECT min(number) "
        "FROM opposition_numbers)"),
    "opposition_numbers: a number added": ("opposition_numbers",
        "INSERT INTO opposition_numbers (list_id, number) "
        "SELECT id, 33100000000 FROM opposition_lists WHERE active = 1"),
    "opposition_lists: a list re-dated": (
        "opposition_lists", "UPDATE opposition_lists SET list_date = '2099-01-01'"),
    "robots_snapshots: a body rewritten": (
        "robots_snapshots", "UPDATE robots_snapshots SET body = 'Allow: /'"),
    "policy_snapshots: a policy rewritten": (
        "policy_snapshots", "UPDATE policy_snapshots SET content = 'y = 2'"),
    "exports: a recipient rewritten": ("exports", "UPDATE exports SET recipient = 'nobody'"),
    "export_rows: an exported contact hidden": ("export_rows", "DELETE FROM export_rows"),
    "notices: a notice forged": ("notices", "INSERT INTO notices (contact_id, status, "
        "recorded_at, on_date) VALUES (1, 'sent', 't', '2026-01-01')"),
    "requests: a late answer back-dated": (
        "requests", "UPDATE requests SET closed_on = '2026-11-21', closed_by = 'erase'"),
    "requests: a request deleted": ("requests", "DELETE FROM requests"),
    "requests: a request forged": ("requests", "INSERT INTO requests (kind, received_on, "
        "requester, opened_at, due_on) VALUES ('access', '2026-01-01', 'x', 't', '2026-02-01')"),
    "recipient_steps: a step marked notified": (
        "recipient_steps", "UPDATE recipient_steps SET notified_at = 't'"),
    "recipient_steps: a step deleted": ("recipient_steps", "DELETE FROM recipient_steps"),
    "recipient_steps: a step forged": ("recipient_steps", "INSERT INTO recipient_steps "
        "(contact_id, recipient, action, recorded_at) VALUES (2, 'x', 'erase', 't')"),
    "retention_markers: a marker lifted": (
        "retention_markers", "UPDATE retention_markers SET lifted_on = '2026-11-01'"),
    "retention_markers: a marker deleted": ("retention_markers", "DELETE FROM retention_markers"),
    "retention_markers: a marker forged": ("retention_markers", "INSERT INTO retention_markers "
        "(hash, kind, purpose, first_collected, purged_at) VALUES ('f', 'email', 'p', 'd', 't')"),
}  # fmt: skip


@pytest.mark.parametrize(("table", "sql"), TAMPERINGS.values(), ids=TAMPERINGS.keys())
def test_tampering_with_the_data_is_detected(env: Env, table: str, sql: str) -> None:
    conn = sqlite3.connect(env.db_path)  # another program: no compliant-scraper in the way
    assert conn.execute(sql).rowcount >= 1
    conn.commit()
    conn.close()
    code, output = verify(env.db_path)
    assert code == 1, output
    assert "differ from the audit log" in output or "differ from its numbers_sha256" in output
    assert table in output


def test_legitimate_deletions_keep_the_log_clean(env: Env, tmp_path: Path) -> None:
    """Erasure, objection, purge and a replaced list are entries listing what they removed."""
    for args in (
        ["subject", "erase", "jeanne.martin@cabinet-martin.fr", "--yes"],
        ["subject", "object", "paul.durand@durand.fr", "--yes"],
        ["purge"],
    ):
        result = env.run(*args, "--db", str(env.db_path), "--key-file", str(tmp_path / "c.db.key"))
        if args[0] == "purge":
            result = env.run(*args, "--db", str(env.db_path))
        assert result.exit_code == 0, result.output
    db = open_database(env.db_path)
    newer = tmp_path / "bloctel2.txt"
    newer.write_text("0611111111\n")
    import_list(db, newer, list_date=day(1))
    db.close()
    code, output = verify(env.db_path)
    assert code == 0, output
    events = {r[0] for r in sqlite3.connect(env.db_path).execute("SELECT event FROM audit_log")}
    assert {"rows", "subject_erase", "subject_object", "purge", "opposition_import"} <= events


def test_a_deletion_names_what_it_removed(env: Env, tmp_path: Path) -> None:
    result = env.run(
        "subject", "erase", "jeanne.martin@cabinet-martin.fr", "--yes", "--db", str(env.db_path)
    )
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(env.db_path)
    entries = [r[0] for r in conn.execute("SELECT details FROM audit_log WHERE event = 'rows'")]
    conn.close()
    assert any('"removed": {"contact_events"' in e or '"contacts": ["[1]"]' in e for e in entries)
    erased = [e for e in entries if '"contacts": ["[1]"]' in e]
    assert len(erased) == 1 and '"sources": ["[1]"]' in erased[0]
    assert all("jeanne" not in e for e in entries)  # digests and keys, never a value


# -- the head anchor and its key ---------------------------------------------------------------


def test_the_key_does_not_sit_beside_the_database(env: Env) -> None:
    beside = sorted(p.name for p in env.db_path.parent.iterdir() if p.name.startswith("c.db"))
    assert "c.db.audit-head" in beside
    assert "c.db.audit-key" not in beside
    key = audit_log.default_key_file(env.db_path)
    assert key.is_file() and key.parent.name == "audit-keys"
    assert str(env.db_path.parent) not in str(key)
    assert key.stat().st_mode & 0o077 == 0


def test_a_missing_anchor_or_key_fails_unless_a_recorded_head_is_given(env: Env) -> None:
    head_file = env.db_path.with_name("c.db.audit-head")
    key = audit_log.default_key_file(env.db_path)
    anchored = CliRunner().invoke(main, ["audit", "anchor", "--db", str(env.db_path)])
    assert anchored.exit_code == 0
    recorded = anchored.output.splitlines()[-1]
    moved = key.with_name(key.name + ".away")
    key.rename(moved)
    code, output = verify(env.db_path)
    assert code == 1 and "key" in output and "is missing" in output
    assert "intact" not in output
    assert verify(env.db_path, "--audit-key-file", str(moved))[0] == 0
    head_file.unlink()
    code, output = verify(env.db_path, "--audit-key-file", str(moved))
    assert code == 1 and "head anchor" in output and "is missing" in output
    code, output = verify(env.db_path, "--head", recorded)
    assert code == 0, output
    assert f"recorded head {recorded} found unchanged" in output


def test_audit_anchor_to_a_file_catches_a_rollback_to_an_older_copy(
    env: Env, tmp_path: Path
) -> None:
    old = tmp_path / "old-copy"
    old.mkdir()
    for file in env.db_path.parent.glob("c.db*"):
        shutil.copy(file, old / file.name)
    later = open_database(env.db_path)
    add_contact(later, name="Later Person", email="later@x.fr")
    later.close()
    ticket = tmp_path / "ticket" / "head.txt"
    ticket.parent.mkdir()
    written = CliRunner().invoke(
        main, ["audit", "anchor", "--db", str(env.db_path), "--out", str(ticket)]
    )
    assert written.exit_code == 0, written.output
    for file in old.iterdir():  # the attacker puts the older database and anchor back
        shutil.copy(file, env.db_path.parent / file.name)
    assert verify(env.db_path)[0] == 0  # consistent with itself: only the recorded head tells
    code, output = verify(env.db_path, "--head", str(ticket))
    assert code == 1 and "the expected head" in output


def test_a_symlinked_audit_key_is_refused(env: Env, tmp_path: Path) -> None:
    key = audit_log.default_key_file(env.db_path)
    planted = tmp_path / "planted.key"
    planted.write_text("00" * 32 + "\n")
    os.chmod(planted, 0o600)
    key.unlink()
    key.symlink_to(planted)
    result = env.run("purge", "--db", str(env.db_path))
    assert result.exit_code == 1
    assert "audit key" in result.output and "symbolic link" in result.output


# -- a store written before the coverage ----------------------------------------------------------


def test_an_older_store_gets_a_baseline_and_is_covered_from_then_on(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = SqliteDb(path)
    schema.migrations.apply(db, stop_before="m005_audit_covers_rows")
    schema_tooling.migrations.apply(db)
    db.execute(
        "INSERT INTO contacts (kind, name, purpose, dedupe_key) "
        "VALUES ('person', 'Early Bird', 'p', 'name:early bird|')"
    )
    db.close()
    upgraded = open_database(path)  # a writing command: migrates, writes the baseline
    upgraded.close()
    code, output = verify(path)
    assert code == 0, output
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM audit_log WHERE event = 'rows_baseline'").fetchone()
    conn.execute("UPDATE contacts SET name = 'Someone Else'")
    conn.commit()
    conn.close()
    code, output = verify(path)
    assert code == 1 and "contacts row [1] differs" in output


# -- migrations keep the coverage (issue 13) ------------------------------------------------------


def _extra_migration(monkeypatch: pytest.MonkeyPatch, body: Any) -> None:
    """A later version's migration set, applied by the next writer that opens the store."""
    extra = Migrations("compliant_scraper_later")
    extra()(body)
    monkeypatch.setattr(database, "MIGRATION_SETS", (*database.MIGRATION_SETS, extra))


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    assert conn.execute(sql).rowcount >= 1
    conn.commit()
    conn.close()


def test_a_migration_adding_a_column_to_a_covered_table_writes_a_new_baseline(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    def m999_contact_nickname(db: Any) -> None:
        db.table("contacts").add_column("nickname", str)
        db.execute("UPDATE contacts SET nickname = 'jm' WHERE id = 1")
        db.execute("UPDATE sources SET method = 'microdata' WHERE id = 1")  # no column change

    _extra_migration(monkeypatch, m999_contact_nickname)
    open_database(env.db_path).close()  # a writing command upgrades the store
    code, output = verify(env.db_path)
    assert code == 0, output  # before: "N data row(s) differ" for every contact
    conn = sqlite3.connect(env.db_path)
    last = conn.execute(
        "SELECT details FROM audit_log WHERE event = 'rows_baseline' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    conn.close()
    assert json.loads(last)["tables"] == ["contacts"]
    _tamper(env.db_path, "UPDATE contacts SET nickname = 'evil' WHERE id = 2")
    code, output = verify(env.db_path)
    assert code == 1 and "contacts row [2] differs" in output
    _tamper(env.db_path, "UPDATE sources SET method = 'x' WHERE id = 1")
    assert "sources row [1] differs" in verify(env.db_path)[1]


def test_a_row_changed_before_a_migration_is_still_reported_after_it(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tamper(env.db_path, "UPDATE contacts SET email = 'x@evil.test' WHERE id = 1")

    def m999_contact_nickname(db: Any) -> None:
        db.table("contacts").add_column("nickname", str)

    _extra_migration(monkeypatch, m999_contact_nickname)
    open_database(env.db_path).close()
    code, output = verify(env.db_path)
    assert code == 1, output  # the baseline does not launder it
    assert "contacts row [1] differs from the audit log" in output


def test_a_store_from_before_the_rights_tables_were_covered_is_baselined(
    tmp_path: Path,
) -> None:
    """Written by the version of t007 (requests, steps and markers not covered yet)."""
    env = filled_env(tmp_path)
    env.db.close()
    old = SqliteDb(env.db_path)  # no triggers: what the older version wrote was not noted
    old.execute(
        "DELETE FROM _sqlite_migrations WHERE name = 't008_audit_covers_rights'"
    )  # the older version had not applied it, and wrote these rows uncovered:
    _add_rights_rows(old)
    old.close()
    open_database(env.db_path).close()
    code, output = verify(env.db_path)
    assert code == 0, output
    for table in ("requests", "recipient_steps", "retention_markers"):
        _tamper(env.db_path, f"DELETE FROM {table}")
    code, output = verify(env.db_path)
    assert code == 1 and "3 data row(s) differ" in output


def test_every_covered_table_is_covered_by_a_migration_or_from_the_start() -> None:
    """A table added to COVERED without a migration in NEWLY_COVERED would make every
    existing store fail ``audit verify`` (its rows unknown to the log)."""
    first = {
        "runs", "refusals", "drops", "robots_snapshots", "policy_snapshots", "contacts",
        "sources", "opposition_lists", "suppression", "notices", "exports", "export_rows",
        "contact_events", "purges",
    }  # fmt: skip
    later = {t for tables in audit_rows.NEWLY_COVERED.values() for t in tables}
    assert set(audit_rows.COVERED) == first | later
    every = {m.name for s in database.MIGRATION_SETS for m in s._migrations}
    assert set(audit_rows.NEWLY_COVERED) <= every


def test_the_people_and_time_migration_keeps_an_audited_store_intact(tmp_path: Path) -> None:
    """A store written with row coverage before m006 (contacts and sources gained columns,
    a column was renamed): the upgrade vouches for the new digests, and only for them."""
    from compliant_scraper.store.transaction import transaction

    path = tmp_path / "m005.db"
    db = SqliteDb(path)
    schema.migrations.apply(db, stop_before="m006_people_and_time")
    schema_tooling.migrations.apply(db, stop_before="t007_subject_rights")
    db.track_changes(audit_rows.COVERED)
    with transaction(db):
        db.execute("INSERT INTO runs (id) VALUES ('run1')")
        db.execute(
            "INSERT INTO contacts (kind, name, purpose, dedupe_key) "
            "VALUES ('person', 'Élodie Roux', 'p', 'name:elodie roux|')"
        )
        db.execute(
            "INSERT INTO sources (contact_id, url, retrieved_at, run_id) "
            "VALUES (1, 'https://a.test/p/1', '2026-01-02T00:00:00Z', 'run1')"
        )
    assert [e for e, _ in audit_log.covering_entries(db)] == ["rows"]
    db.close()
    open_database(path).close()
    code, output = verify(path)
    assert code == 0, output  # before: "2 data row(s) differ" (contacts [1], sources [1])
    _tamper(path, "UPDATE sources SET first_retrieved_at = '2020-01-01' WHERE id = 1")
    code, output = verify(path)
    assert code == 1 and "sources row [1] differs" in output


# -- both backends: the same coverage on PostgreSQL (issue 15) ------------------------------------


def _verify(store: StoreTarget, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["audit", "verify", "--db", store.where, *args])
    if store.backend == "postgresql":
        close_pool(store.where)
    return result.exit_code, result.output


def _tamper_store(store: StoreTarget, sql: str) -> int:
    """Another program's connection (sqlite3, psql): no compliant-scraper in the way."""
    changed = 0
    if store.backend == "sqlite":
        conn = sqlite3.connect(store.where)
        for statement in sql.split("; "):
            changed += max(conn.execute(statement).rowcount, 0)
        conn.commit()
        conn.close()
        return changed
    with psycopg.connect(store.where) as pg:
        for statement in sql.split("; "):
            changed += max(pg.execute(statement).rowcount, 0)
    return changed


@pytest.fixture
def filled(store: StoreTarget, tmp_path: Path) -> StoreTarget:
    covered.fill(store.open(), tmp_path)  # closed by the store fixture
    code, output = _verify(store)
    assert code == 0, output
    assert "Audit log intact" in output
    return store


@pytest.mark.parametrize(("table", "sql"), covered.TAMPERINGS.values(), ids=covered.TAMPERINGS)
def test_tampering_is_detected_on_both_backends(filled: StoreTarget, table: str, sql: str) -> None:
    """On PostgreSQL before: `audit verify` checked the chain alone and said intact."""
    assert _tamper_store(filled, sql) >= 1
    code, output = _verify(filled)
    assert code == 1, output
    assert "differ from the audit log" in output or "differ from its numbers_sha256" in output
    assert table in output


def test_legitimate_writes_keep_the_log_clean_on_both_backends(
    filled: StoreTarget, tmp_path: Path
) -> None:
    erased = CliRunner().invoke(
        main,
        [
            "subject",
            "erase",
            "jeanne@acme.example",
            "--yes",
            "--db",
            filled.where,
            "--key-file",
            str(tmp_path / "fill.key"),
        ],
    )
    assert erased.exit_code == 0, erased.output
    db = filled.open()
    newer = tmp_path / "newer.txt"
    newer.write_text("0611111111\n")
    import_list(db, newer, list_date=date(2026, 11, 22), today=date(2026, 11, 23))
    code, output = _verify(filled)
    assert code == 0, output
    entries = [r[0] for r in rows_of(filled, "SELECT details FROM audit_log WHERE event = 'rows'")]
    erasure = [e for e in entries if '"contacts": ["[1]"]' in e]
    assert erasure and '"sources": ["[1]"]' in erasure[-1]  # the entry lists what it removed
    assert all("jeanne" not in e for e in entries)  # digests and keys, never a value


def rows_of(store: StoreTarget, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.open().execute(sql).fetchall()]  # closed by the store


def test_a_postgresql_store_from_before_the_coverage_gets_a_baseline(
    postgres_schema_url: str,
) -> None:
    url = postgres_schema_url
    old = open_postgres(url, migrate=False)
    older = tuple(m for m in postgres_schema.MIGRATIONS if m.name < postgres_schema.ROW_COVERAGE)
    postgres_schema.apply(old, older)
    with transaction(old):
        old.execute(
            "INSERT INTO contacts (kind, name, purpose, dedupe_key) "
            "VALUES ('person', 'Early Bird', 'p', 'name:early bird|')"
        )
    old.close()
    close_pool(url)
    open_postgres(url).close()  # a writer: migrates, writes the baseline
    target = StoreTarget("postgresql", url)
    code, output = _verify(target)
    assert code == 0, output
    assert rows_of(target, "SELECT count(*) FROM audit_log WHERE event = 'rows_baseline'") == [(1,)]
    assert _tamper_store(target, "UPDATE contacts SET name = 'Someone Else'") == 1
    code, output = _verify(target)
    assert code == 1 and "contacts row [1] differs" in output


# -- audit anchor on a PostgreSQL store: a signed head published outside it -----------------------


def test_audit_anchor_publishes_a_signed_head_of_a_postgresql_store(
    postgres_schema_url: str, tmp_path: Path
) -> None:
    url = postgres_schema_url
    target = StoreTarget("postgresql", url)
    db = open_postgres(url)
    covered.fill(db, tmp_path)
    audit_log.append(db, "run_start", {"run_id": "run3"})  # an entry that writes no data row
    db.close()
    close_pool(url)
    runner = CliRunner()
    key = tmp_path / "keys" / "audit.key"  # kept away from the database's machine
    key.parent.mkdir(mode=0o700)
    unsigned = runner.invoke(main, ["audit", "anchor", "--db", url])
    assert unsigned.exit_code == 2
    assert "--audit-key-file is required with a PostgreSQL store" in unsigned.output
    head_file = tmp_path / "anchors" / "head-1.txt"
    head_file.parent.mkdir()
    anchor = ["audit", "anchor", "--db", url, "--audit-key-file", str(key)]
    published = runner.invoke(main, [*anchor, "--out", str(head_file)])
    assert published.exit_code == 0, published.output
    comment, signature, head = head_file.read_text().splitlines()
    assert comment.startswith(f"# compliant-scraper audit head of {redacted(url)} at ")
    assert re.fullmatch(r"hmac-sha256 [0-9a-f]{64}", signature)
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", head)
    assert key.stat().st_mode & 0o077 == 0
    checked = _verify(target, "--head", str(head_file), "--audit-key-file", str(key))
    assert checked[0] == 0, checked[1]
    assert f"recorded head {head} found unchanged" in checked[1]
    # Without the key the signed head cannot be checked: a failure, not a pass.
    code, output = _verify(target, "--head", str(head_file))
    assert code == 1 and "is signed; its key" in output
    # A head file rewritten without the key (to match a rewritten log) fails its signature.
    forged = tmp_path / "anchors" / "forged.txt"
    row_id, _sha = head.split(":")
    forged.write_text(f"{comment}\n{signature}\n{row_id}:{'0' * 64}\n")
    code, output = _verify(target, "--head", str(forged), "--audit-key-file", str(key))
    assert code == 1 and "does not match the key" in output
    # The last row of the log deleted (psql): what remains is a valid chain covering the
    # data, so only the published head, which names a row that is gone, tells.
    assert _tamper_store(target, f"DELETE FROM audit_log WHERE id = {row_id}") == 1
    assert _verify(target)[0] == 0
    code, output = _verify(target, "--head", str(head_file), "--audit-key-file", str(key))
    assert code == 1 and "are missing" in output and "the expected head" in output
