"""``compliant-scraper provenance ID|EMAIL|PHONE``: where a contact came from (R5)."""

from __future__ import annotations

import json
from pathlib import Path

from support.tooling import POLICY_SHA, ROBOTS_SHA, Env, add_contact, day, make_env


def env_with_people(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        email="jeanne.martin@cabinet-martin.fr",
        sources=("https://annuaire.test/p/1", "https://annuaire.test/p/2"),
        days_ago=7,
    )
    add_contact(env.db, purpose="b2b_phone", name="Jeanne Martin", phone="+33612345678")
    env.db.execute(
        "UPDATE sources SET policy_sha256 = ? WHERE url = 'https://annuaire.test/p/2'", ["c" * 64]
    )
    return env


def test_provenance_by_email_lists_every_source(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    result = env.run("provenance", "Jeanne.Martin@cabinet-martin.fr", "--db", str(env.db_path))
    assert result.exit_code == 0, result.output
    at = f"{day(7)}T10:00:00Z"
    assert result.output == (
        f"contact 1 (person, purpose b2b_email): Jeanne Martin; first collected {at}\n"
        "  - https://annuaire.test/p/1\n"
        f"    retrieved:  {at} by directory, run run1\n"
        f"    policy:     domains/annuaire.test.toml sha256 {POLICY_SHA}\n"
        f"    robots.txt: sha256 {ROBOTS_SHA}\n"
        "    method:     json-ld; fields: email, name\n"
        "  - https://annuaire.test/p/2\n"
        f"    retrieved:  {at} by directory, run run1\n"
        f"    policy:     domains/annuaire.test.toml sha256 {'c' * 64} (not in policy_snapshots)\n"
        f"    robots.txt: sha256 {ROBOTS_SHA}\n"
        "    method:     json-ld; fields: email, name\n"
    )


def test_provenance_by_phone_and_id_as_json(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    result = env.run("provenance", "+33 6 12 34 56 78", "--json", "--db", str(env.db_path))
    assert result.exit_code == 0
    [trail] = json.loads(result.output)
    assert (trail["contact_id"], trail["purpose"]) == (2, "b2b_phone")
    assert trail["sources"][0]["robots_snapshot"] is True
    by_id = env.run("provenance", "id:2", "--json", "--db", str(env.db_path))
    assert json.loads(by_id.output) == [trail]


def test_provenance_errors(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    unknown = env.run("provenance", "nobody@nowhere.fr", "--db", str(env.db_path))
    assert unknown.exit_code == 1
    assert unknown.output == "Error: no contact matches email nobody@nowhere.fr\n"
    bad = env.run("provenance", "id:x", "--db", str(env.db_path))
    assert bad.exit_code == 1
    assert bad.output == "Error: 'id:x' is not a contact id (a whole number)\n"
