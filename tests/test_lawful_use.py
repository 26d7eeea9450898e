"""Lawful use (issue 12): exports checked per recipient, notices that name recipients and
transfers, and a ledger that sees time (late notices, due again, overdue and uninformed
contacts left out)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.clock import add_months
from compliant_scraper.policy.loader import load_registry
from compliant_scraper.tooling.base import ToolingError
from compliant_scraper.tooling.exports import check_recipient


def env_with_people(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(env.db, name="Fresh", job_title="Avocat", email="fresh@cabinet.fr", days_ago=3)
    add_contact(env.db, name="Late", job_title="Avocat", email="late@cabinet.fr", days_ago=40)
    add_contact(
        env.db,
        name="Informed",
        job_title="Avocat",
        email="informed@cabinet.fr",
        days_ago=60,
        informed=("callcenter",),
    )  # 3: informed, naming callcenter only
    return env


def run(env: Env, *args: str) -> tuple[int, str]:
    result = env.run(*args, "--db", str(env.db_path), "--policies", str(env.policies))
    return result.exit_code, result.output


def export(env: Env, out: Path, *args: str) -> tuple[int, str]:
    return run(
        env, "export", "--purpose", "b2b_email", "--format", "jsonl", "--out", str(out), *args
    )


def exported_ids(out: Path) -> list[int]:
    return [json.loads(line)["id"] for line in out.read_text().splitlines()]


@pytest.mark.parametrize(
    ("recipient", "message"),
    [
        (
            "DataBroker Inc., San Francisco, USA",
            "Error: cannot export to 'DataBroker Inc., San Francisco, USA': recipients.toml "
            "does not declare it (declared: broker, callcenter, partner, us_mailer); a recipient "
            "needs its name, role, country, contract and purposes before it receives data "
            "(R10, R11)\n",
        ),
        (
            "broker",
            "Error: cannot export 'b2b_email' to 'broker' (DataBroker Inc.): it is an "
            "independent controller, and passing prospect data to a partner who prospects on "
            "its own account is a new purpose that needs the persons' consent, which scraped "
            "data never carries (R10, R11)\n",
        ),
    ],
)
def test_exports_refused_per_recipient(tmp_path: Path, recipient: str, message: str) -> None:
    env = env_with_people(tmp_path)
    out = tmp_path / "e.jsonl"
    assert export(env, out, "--recipient", recipient) == (1, message)
    assert not out.exists()
    assert env.row("SELECT count(*) FROM exports") == (0,)


def test_a_recipient_not_allowed_the_purpose_is_refused(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    code, out = run(
        env, "export", "--purpose", "b2b_phone", "--format", "csv", "--recipient", "us_mailer"
    )
    assert code == 1
    assert (
        "cannot export 'b2b_phone' to 'us_mailer' (SendWave Inc.): recipients.toml allows "
        "it only b2b_email" in out
    )


def test_outside_the_eea_without_a_mechanism_is_refused(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    registry = load_registry(env.policies, today=day(0))
    bare = replace(registry.recipients["us_mailer"], transfer_mechanism=None)
    registry = replace(registry, recipients={**registry.recipients, "us_mailer": bare})
    with pytest.raises(ToolingError, match="US is outside the EEA and no transfer mechanism"):
        check_recipient(registry, registry.purposes["b2b_email"], "us_mailer")


def test_overdue_and_uninformed_contacts_are_left_out(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    internal = tmp_path / "internal.jsonl"
    code, output = export(env, internal)
    assert code == 0, output
    # Internal: only the overdue notice (contact 2, collected 40 days ago) keeps one out.
    assert exported_ids(internal) == [1, 3]
    assert "excluded: notice_overdue 1;" in output
    to_partner = tmp_path / "partner.jsonl"
    code, output = export(env, to_partner, "--recipient", "partner")
    assert code == 0, output
    # To a recipient: contact 1 was never informed, contact 3's notice did not name partner.
    assert exported_ids(to_partner) == []
    assert "excluded: not_informed 2, notice_overdue 1;" in output


def test_inform_now_exports_them_and_makes_their_notices_due_today(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    out = tmp_path / "partner.jsonl"
    code, output = export(env, out, "--recipient", "partner", "--inform-now")
    assert code == 0, output
    assert exported_ids(out) == [1, 3]
    due = {
        d["contact_id"]: d
        for d in json.loads(env.run("notice", "due", "--json", "--db", str(env.db_path)).output)
    }
    assert due[1]["deadline"] == day(0).isoformat()
    # An informed contact is due again once a recipient its notice did not name has the data.
    assert due[3]["deadline"] == day(0).isoformat()
    assert due[3]["why"] == (
        f"disclosed to partner on {day(0)}, a recipient its notice of {day(59)} did not name "
        "(Art. 14(3)(c))"
    )
    # Its new notice names the partner; once sent, it is informed again.
    code, text = run(env, "notice", "3", "--lang", "fr")
    assert "  - Partner SA, sous-traitant (article 28 du RGPD), France" in text
    code, sent = run(env, "notice", "sent", "3", "--on", day(0).isoformat(), "--channel", "email")
    assert code == 0, sent
    assert "LATE" not in sent
    due = {
        d["contact_id"]
        for d in json.loads(env.run("notice", "due", "--json", "--db", str(env.db_path)).output)
    }
    assert 3 not in due


def test_a_recipient_outside_the_eea_is_named_with_its_transfer_mechanism(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    code, output = export(env, tmp_path / "us.jsonl", "--recipient", "us_mailer", "--inform-now")
    assert code == 0, output
    row = json.loads((tmp_path / "us.jsonl").read_text().splitlines()[0])
    assert (
        "  - vers SendWave Inc. (États-Unis), encadré par : clauses types de protection des "
        "données adoptées par la Commission européenne (article 46 du RGPD), référence SCC "
        "2021/914 module 2, annex to the DPA."
    ) in row["notice"]
    assert "ne sont pas transférées" not in row["notice"]


def test_a_late_notice_is_reported_late(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    code, sent = run(env, "notice", "sent", "2", "--on", day(0).isoformat(), "--channel", "email")
    deadline = add_months(day(40), 1)
    assert code == 0, sent
    assert sent.endswith(f"; LATE by {(day(0) - deadline).days} days (deadline {deadline})\n")
    assert env.row("SELECT days_late, deadline FROM notices WHERE contact_id = 2") == (
        (day(0) - deadline).days,
        deadline.isoformat(),
    )
    report = json.loads(env.run("audit", "--db", str(env.db_path), "--json").output)
    assert report["notices"]["late"] == 1
    # The text report puts late notices beside pending and overdue ones.
    text = env.run("audit", "--db", str(env.db_path), "--policies", str(env.policies)).output
    (line,) = [row for row in text.splitlines() if row.startswith("Notices (Art. 14): ")]
    assert line == (
        "Notices (Art. 14): sent 2, exempt 0, pending 1, overdue 0, late 1, due again 0"
    ), line


def test_art14_5b_is_refused_for_a_reachable_contact(tmp_path: Path) -> None:
    env = env_with_people(tmp_path)
    code, out = run_exempt(env, "1", "--ground", "art14-5b", "--reason", "Too many")
    assert (code, out) == (
        1,
        "Error: --ground art14-5b: contact 1 has email on file, so informing it is neither "
        "impossible nor a disproportionate effort (Art. 14(5)(b); Bisnode, 2023): send the "
        "notice instead\n",
    )
    no_means = add_contact(env.db, purpose="b2b_post", name="Only Post", street_address="1 rue")
    code, out = run_exempt(env, str(no_means), "--ground", "art14-5b", "--reason", "No means")
    assert code == 1 and "--measure: Art. 14(5)(b) requires appropriate measures" in out
    code, out = run_exempt(
        env,
        str(no_means),
        "--ground",
        "art14-5b",
        "--reason",
        "No email, phone or stable address",
        "--measure",
        "Notice published at https://prospectia.test/privacy#sources since 2026-11-01",
    )
    assert code == 0, out
    assert env.row("SELECT measure FROM notices WHERE contact_id = ?", [no_means]) == (
        "Notice published at https://prospectia.test/privacy#sources since 2026-11-01",
    )


def run_exempt(env: Env, *args: str) -> tuple[int, str]:
    result = env.run("notice", "exempt", *args, "--db", str(env.db_path))
    return result.exit_code, result.output
