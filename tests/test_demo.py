"""`make demo` end to end: the bundled demo world, the demo Bloctel list, a real crawl."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from compliant_scraper.demo.runner import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.e2e
def test_demo_prints_a_summary_from_a_real_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)  # the demo reads the checkout's policies/
    out = tmp_path / "demo"
    assert main(out) == 0
    printed = capsys.readouterr().out
    assert "Contacts kept: " in printed
    assert "www.linkedin.com: never contacted; refused (R2)" in printed
    assert "opposition_list | R7 |" in printed
    # Issue 12: the purposes say what and to whom; the law of the person's country applies.
    for reason in ("unrelated_to_offer", "no_profession", "private_mailbox", "b2b_consent_country"):
        assert f"{reason} | R6 |" in printed
    today = datetime.now(UTC).date()
    shown = "2026-08-10 (its final list" if today > date(2026, 8, 10) else today.isoformat()
    assert f"imported the demo Bloctel list dated {shown}" in printed
    assert "The demo server is stopped." in printed
    db = Database(out / "demo.db")
    kept = db.execute("SELECT count(*) FROM contacts").fetchone()[0]
    assert kept > 0 and f"Contacts kept: {kept} " in printed
    # Every kept contact answers "where from, under which policy and robots.txt?" (R5).
    orphans = db.execute(
        "SELECT count(*) FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM sources s "
        "JOIN policy_snapshots p ON p.run_id = s.run_id AND p.file = s.policy_file "
        "JOIN robots_snapshots r ON r.sha256 = s.robots_sha256 WHERE s.contact_id = c.id)"
    ).fetchone()[0]
    assert orphans == 0
    # Issue 12 on the demo world: who each purpose kept, and why each other person was not.
    kept_by_purpose = {
        (purpose, name)
        for purpose, name in db.execute("SELECT purpose, name FROM contacts").fetchall()
    }
    assert {name for purpose, name in kept_by_purpose if purpose == "b2b_email_prospecting"} == {
        "Jeanne Martin",  # Avocate associée
        "Thomas Girard",  # Avocat collaborateur
        "Thomas Lefèvre",  # Juriste en droit social, country "France"
    }
    assert ("b2b_phone_prospecting", "Sophie Leroy") in kept_by_purpose  # Architecte DPLG
    why = {
        (purpose, url.rsplit("/", 1)[-1], reason)
        for purpose, url, reason in db.execute(
            "SELECT r.purpose, d.url, d.reason FROM drops d JOIN runs r ON r.id = d.run_id "
            "WHERE d.field = '*' AND d.url LIKE '%/fiches/%'"
        ).fetchall()
    }
    email, phone = "b2b_email_prospecting", "b2b_phone_prospecting"
    for expected in [
        (email, "helene-vasseur.html", "private_mailbox"),  # an avocate at gmail.com
        (email, "julien-morel.html", "no_profession"),  # neither title nor organization
        (email, "camille-roche.html", "unrelated_to_offer"),  # a florist
        (phone, "camille-roche.html", "unrelated_to_offer"),
        (email, "jan-becker.html", "b2b_consent_country"),  # .de address, no country
        (phone, "jan-becker.html", "b2b_consent_country"),  # +49: UWG §7(2) Nr. 1
        (email, "klaus-schmidt.html", "b2b_consent_country"),  # country "DEU"
        (phone, "anna-gruber.html", "b2b_consent_country"),  # country "Österreich"
        (phone, "lukas-huber.html", "b2b_consent_country"),  # +43, no country
    ]:
        assert expected in why, expected


def test_demo_needs_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(tmp_path / "demo") == 1
    assert "Error: no policy registry at" in capsys.readouterr().out
