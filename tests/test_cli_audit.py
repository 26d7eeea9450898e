"""``compliant-scraper audit``: the report (text, JSON, HTML), ``verify`` and ``serve``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from support.tooling import day, filled_env, make_env

from compliant_scraper.store import audit_log
from compliant_scraper.tooling import audit_serve


def test_text_report(tmp_path: Path) -> None:
    env = filled_env(tmp_path)
    result = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Compliance audit of {env.db_path}" in out
    assert "Contacts kept: 3" in out
    assert "Refusals: 3" in out
    assert "Drops: 2" in out
    assert "Contacts past retention: 1 (run `compliant-scraper purge`)" in out
    assert f"Bloctel  {day(12).isoformat()}  12" in out
    assert "Policies: 4 in" in out and "1 overdue" in out
    assert "Audit log: " in out and "intact" in out


def test_json_report(tmp_path: Path) -> None:
    env = filled_env(tmp_path)
    result = env.run("audit", "--json", "--db", str(env.db_path), "--policies", str(env.policies))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["contacts"]["by_purpose"] == {"b2b_email": 3}
    assert {"domain": "annuaire.test", "purpose": "b2b_email", "contacts": 3} in report["contacts"][
        "by_domain"
    ]
    assert {"domain": "pros.annuaire.test", "purpose": "b2b_email", "contacts": 1} in report[
        "contacts"
    ]["by_domain"]
    assert report["refusals"]["by_stage"] == {"policy": 2, "robots": 1}
    assert report["refusals"]["by_rule"] == {"R2": 2, "R3": 1}
    assert report["refusals"]["by_domain"][0] == {
        "domain": "linkedin.com",
        "stage": "policy",
        "rule": "R2",
        "count": 2,
    }
    assert [d["reason"] for d in report["drops"]["by_reason"]] == [
        "not_needed_for_purpose",
        "sensitive_health",
    ]
    [bloctel] = report["opposition_lists"]
    assert (bloctel["name"], bloctel["age_days"], bloctel["count"]) == ("bloctel", 12, 2)
    assert report["retention"]["past_retention"] == 1
    assert report["notices"] == {
        "sent": 0,
        "exempt": 0,
        "pending": 3,
        "overdue": 1,
        "late": 0,
        "due_again": 0,
    }
    assert [p["domain"] for p in report["policies"]["overdue"]] == ["overdue.test"]
    assert [p["domain"] for p in report["policies"]["due_soon"]] == ["soon.test"]
    assert report["audit_log"]["intact"] is True


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    env = filled_env(tmp_path)
    out = tmp_path / "report.html"
    result = env.run(
        "audit", "--html", str(out), "--db", str(env.db_path), "--policies", str(env.policies)
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Report written to {out}\n"
    html = out.read_text()
    assert html.count("<svg") >= 6
    assert "default-src 'none'" in html
    for forbidden in ("<script", "<link", "<img", "@import", 'src="http', "url("):
        assert forbidden not in html


def test_json_and_html_together_is_an_error(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    result = env.run("audit", "--json", "--html", "x.html", "--db", str(env.db_path))
    assert result.exit_code == 1
    assert result.output == "Error: --json and --html cannot be used together\n"


def test_missing_database_is_an_error_not_a_new_file(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    missing = tmp_path / "nope.db"
    result = env.run("audit", "--db", str(missing))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: no database at {missing} (pass --db PATH, or run a crawl first)\n"
    )
    assert not missing.exists()


def test_report_with_invalid_policies_says_so(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    (env.policies / "controller.toml").unlink()
    result = env.run("audit", "--json", "--db", str(env.db_path), "--policies", str(env.policies))
    assert result.exit_code == 0
    assert json.loads(result.output)["policies"]["error"].startswith("invalid registry (")


def test_verify_intact(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    head = audit_log.head(env.db)
    assert head is not None
    key = audit_log.default_key_file(env.db_path)
    result = env.run("audit", "verify", "--db", str(env.db_path))
    assert result.exit_code == 0
    assert result.output == (
        f"Audit log intact: {head.row_id} rows; head {head}\n"
        f"head anchor {env.db_path}.audit-head checked with its key {key}\n"
    )


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (
            "UPDATE audit_log SET event = 'nothing' WHERE id = 2",
            "audit log broken at row 2: row 2: content does not match its sha256",
        ),
        (
            "DELETE FROM audit_log WHERE id = 2",
            "audit log broken at row 3: row 2 is missing (found row 3 next)",
        ),
        (
            "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)",
            "rows {last}..{last} are missing: the head anchor names row {last} but the log "
            "ends at row {before}",
        ),
    ],
)
def test_verify_catches_tampering(tmp_path: Path, tamper: str, message: str) -> None:
    env = make_env(tmp_path)
    for i in range(3):
        audit_log.append(env.db, "purge", {"count": i})
    env.db.close()
    last = int(sqlite3.connect(env.db_path).execute("SELECT max(id) FROM audit_log").fetchone()[0])
    conn = sqlite3.connect(env.db_path)  # the tampering: another program
    conn.execute(tamper)
    conn.commit()
    conn.close()
    result = env.run("audit", "verify", "--db", str(env.db_path))
    assert result.exit_code == 1
    expected = message.format(last=last, before=last - 1)
    if "{last}" in message:
        expected = f"audit log broken at row {last}: {expected}"
    assert result.output == f"Error: {expected}\n"


def test_verify_against_a_recorded_head(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    audit_log.append(env.db, "purge", {"count": 1})
    head = str(audit_log.head(env.db))
    ok = env.run("audit", "verify", "--head", head, "--db", str(env.db_path))
    assert ok.exit_code == 0
    bad = env.run("audit", "verify", "--head", "2:" + "f" * 64, "--db", str(env.db_path))
    assert bad.exit_code == 1
    assert (
        bad.output == "Error: audit log broken at row 2: row 2 does not match the expected head\n"
    )
    malformed = env.run("audit", "verify", "--head", "two", "--db", str(env.db_path))
    assert malformed.exit_code == 1
    assert malformed.output == (
        "Error: --head: expected ID:SHA256 (a row id, a colon, 64 hex digits), got 'two'\n"
    )


def test_serve_without_datasette_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env(tmp_path)
    monkeypatch.setattr(audit_serve, "datasette_installed", lambda: False)
    result = env.run("audit", "serve", "--db", str(env.db_path))
    assert result.exit_code == 1
    assert result.output == (
        "Error: Datasette is not installed: pip install 'compliant-scraper[audit]'\n"
    )


def test_serve_runs_datasette_on_localhost_with_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env(tmp_path)
    seen: list[list[str]] = []

    def fake_run(command: list[str]) -> int:
        seen.append(command)
        meta = json.loads(Path(command[command.index("--metadata") + 1]).read_text())
        assert "contacts" in meta["databases"]["c"]["tables"]
        return 0

    monkeypatch.setattr(audit_serve, "datasette_installed", lambda: True)
    assert audit_serve.serve(env.db_path, 8123, run=fake_run) == 0
    [command] = seen
    assert command[1:5] == ["-m", "datasette", "serve", str(env.db_path)]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8123"


def test_runs_that_never_finished_are_flagged(tmp_path: Path) -> None:
    """Issue 9 item 6: a killed crawl, or a shell left open, leaves a run with no finish."""
    env = make_env(tmp_path)
    clean = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert clean.exit_code == 0, clean.output
    assert "never finished" not in clean.output
    env.db["runs"].insert(
        {
            "id": "r-killed",
            "spider": "people",
            "purpose": "b2b_email",
            "started_at": "2026-12-01T08:00:00Z",
        }
    )
    text = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies))
    assert text.exit_code == 0, text.output
    assert "WARNING: 1 run(s) never finished" in text.output
    assert "r-killed  2026-12-01T08:00:00Z  people" in text.output
    report = json.loads(env.run("audit", "--json", "--db", str(env.db_path)).output)
    assert [r["id"] for r in report["runs"]["unfinished"]] == ["r-killed"]
