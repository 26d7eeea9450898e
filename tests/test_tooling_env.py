"""The shared tooling fixture (``support.tooling``) builds what the CLI tests rely on."""

from __future__ import annotations

from pathlib import Path

from support.tooling import TODAY, add_contact, make_env

from compliant_scraper.clock import add_years


def test_fixture_contact_has_three_years_retention(tmp_path: Path) -> None:
    env = make_env(tmp_path)
    cid = add_contact(
        env.db, name="Jeanne Martin", email="jeanne.martin@cabinet-martin.fr", days_ago=0
    )
    until = env.row("SELECT retention_until FROM contacts WHERE id = ?", [cid])[0]
    assert until == add_years(TODAY, 3).isoformat()
    assert env.row("SELECT count(*) FROM sources WHERE contact_id = ?", [cid]) == (1,)
