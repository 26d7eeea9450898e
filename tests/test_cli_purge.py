"""``compliant-scraper purge``: contacts past retention are deleted and recorded (R9)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.clock import add_years


def aged(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(env.db, name="Fresh", email="fresh@firm.fr", days_ago=10)  # 1
    # Informed: exports leave out contacts whose notice is overdue (issue 12).
    add_contact(env.db, name="Stale", email="stale@firm.fr", days_ago=1200, informed=())  # 2
    add_contact(env.db, name="Kept", email="kept@firm.fr", days_ago=1200, informed=())  # 3
    return env


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    env = aged(tmp_path)
    env.db.execute("UPDATE contacts SET retention_until = ? WHERE id = 3", [day(-30).isoformat()])
    result = env.run("purge", "--dry-run", "--db", str(env.db_path))
    assert result.exit_code == 0
    until = add_years(day(1200), 3)
    assert result.output == (
        f"contact 2 (b2b_email): first seen {day(1200)}T10:00:00Z, retention until {until}, "
        "1 source(s)\n"
        "Dry run: 1 contact(s) past retention and 0 source_gone would be deleted\n"
    )
    assert env.db.execute("SELECT count(*) FROM contacts").fetchone() == (3,)
    assert env.db.execute("SELECT count(*) FROM purges").fetchone() == (0,)


def test_purge_deletes_records_and_amends_exports(tmp_path: Path) -> None:
    env = aged(tmp_path)
    # exported while still within retention (a contact from the person kept it alive)
    env.db.execute("UPDATE contacts SET retention_until = ? WHERE id = 2", [day(-1).isoformat()])
    out = tmp_path / "e.csv"
    assert env.export("--out", str(out)).exit_code == 0
    env.db.execute("UPDATE contacts SET retention_until = ? WHERE id = 2", [day(1).isoformat()])
    result = env.run("purge", "--db", str(env.db_path))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "Deleted 2 contact(s) past retention and 0 source_gone (purge 1); retention markers: 2",
        "Export 1 (recipient internal): rewritten",
    ]
    assert env.db.execute("SELECT id FROM contacts").fetchall() == [(1,)]
    assert env.db.execute("SELECT count(*) FROM sources WHERE contact_id != 1").fetchone() == (0,)
    assert sorted(json.loads(env.db.execute("SELECT contact_ids FROM purges").fetchone()[0])) == [
        2,
        3,
    ]
    assert [r["id"] for r in csv.DictReader(io.StringIO(out.read_text()))] == ["1"]
    event = json.loads(
        env.db.execute("SELECT details FROM audit_log WHERE event = 'purge'").fetchone()[0]
    )
    assert (event["count"], sorted(event["contact_ids"])) == (2, [2, 3])
    again = env.run("purge", "--db", str(env.db_path))
    assert again.output == "Nothing past retention\n"
    assert env.run("audit", "verify", "--db", str(env.db_path)).exit_code == 0


def test_recrawl_does_not_save_a_contact_from_purge_but_a_reply_does(tmp_path: Path) -> None:
    env = aged(tmp_path)
    # contact 2 was seen again by a crawl today: that is not a contact from the person (R9)
    env.db.execute("UPDATE contacts SET last_seen = ? WHERE id = 2", [f"{day(0)}T08:00:00Z"])
    # contact 3 clicked three days ago: its clock restarts from that day
    clicked = env.run(
        "subject",
        "contacted",
        "3",
        "--on",
        day(3).isoformat(),
        "--how",
        "click",
        "--db",
        str(env.db_path),
    )
    assert clicked.exit_code == 0, clicked.output
    result = env.run("purge", "--db", str(env.db_path))
    assert (
        result.output.splitlines()[-1]
        == "Deleted 1 contact(s) past retention and 0 source_gone (purge 1); retention markers: 1"
    )
    assert env.db.execute("SELECT id FROM contacts ORDER BY id").fetchall() == [(1,), (3,)]
