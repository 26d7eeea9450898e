"""`make demo` end to end: the bundled demo world, the demo Bloctel list, a real crawl."""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from compliant_scraper.demo import runner
from compliant_scraper.demo.runner import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.e2e
def test_demo_prints_a_summary_from_a_real_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 14 item 2: whatever the current folder holds (a Scrapy project of the user's, its
    # own invalid policies/ and compliance.db), the demo uses its own registry and folder.
    elsewhere = tmp_path / "acme"
    (elsewhere / "policies").mkdir(parents=True)
    (elsewhere / "policies" / "purposes.toml").write_text("[broken\n")
    (elsewhere / "scrapy.cfg").write_text("[settings]\ndefault = acme.settings\n")
    (elsewhere / "compliance.db").write_bytes(b"not a database")
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "demo"
    assert main(out) == 0
    printed = capsys.readouterr().out
    assert (elsewhere / "compliance.db").read_bytes() == b"not a database"
    assert sorted(p.name for p in elsewhere.iterdir()) == [
        "compliance.db",
        "policies",
        "scrapy.cfg",
    ]
    assert (out / "policies" / "purposes.toml").read_bytes() == (
        ROOT / "policies" / "purposes.toml"
    ).read_bytes()
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
            "WHERE d.fields = '[\"*\"]' AND d.url LIKE '%/fiches/%'"
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


@pytest.mark.e2e
def test_the_demo_fails_when_it_keeps_no_contact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A start URL no policy allows: every request refused, nothing kept.
    monkeypatch.setattr(runner, "START_URL", "http://annuaire-inconnu.test/")
    out = tmp_path / "demo"
    assert main(out) == 1
    printed = capsys.readouterr().out
    assert "Contacts kept: 0 " in printed
    assert printed.splitlines()[-1] == f"Error: the demo kept no contact; see {out / 'crawl.log'}"


def test_the_demo_never_empties_a_folder_it_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    assert main(mine) == 1
    assert capsys.readouterr().out == (
        f"Error: {mine} is not empty and is not an earlier demo output: give a new folder\n"
    )
    assert (mine / "thesis.tex").read_text() == "years of work"


def test_without_a_folder_the_demo_makes_a_temporary_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    made: list[Path] = []

    def stop(paths: runner.DemoPaths) -> str:
        made.append(paths.out)
        raise runner.DemoError("stopped by the test")

    monkeypatch.setattr(
        runner, "import_demo_bloctel", lambda db: stop(runner.DemoPaths.under(db.parent))
    )
    assert main() == 1
    assert capsys.readouterr().out.splitlines()[-1] == "Error: stopped by the test"
    assert made[0].name.startswith("compliant-scraper-demo-")
    assert made[0].parent == Path(tempfile.gettempdir())
    assert (made[0] / "policies" / "purposes.toml").is_file()
    shutil.rmtree(made[0])
