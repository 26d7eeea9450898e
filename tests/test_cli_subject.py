"""``compliant-scraper subject``: access, erase, object, rectify, contacted (R5, R8, R9)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.clock import add_years
from compliant_scraper.store.suppression import SuppressionList


def people(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        email="jeanne.martin@cabinet-martin.fr",
        phone="+33612345678",
        sources=("https://annuaire.test/p/1", "https://annuaire.test/p/2"),
        days_ago=100,
        informed=("partner",),  # exports leave out contacts whose notice is overdue
    )  # 1
    add_contact(
        env.db,
        purpose="b2b_phone",
        name="Jeanne Martin",
        phone="+33612345678",
        days_ago=50,
        informed=("partner",),
    )  # 2: same person, another purpose
    add_contact(env.db, name="Paul Durand", email="paul@durand.fr", days_ago=10)  # 3
    return env


def sub(env: Env, *args: str, input: str | None = None) -> tuple[int, str]:
    result = env.run("subject", *args, "--db", str(env.db_path), input=input)
    return result.exit_code, result.output


def suppressed(env: Env, kind: str, value: str) -> bool:
    return SuppressionList.open(env.db, f"{env.db_path}.key").is_suppressed(kind, value)


def test_access_returns_everything_held_and_where_from(tmp_path: Path) -> None:
    env = people(tmp_path)
    code, output = sub(env, "access", "06 12 34 56 78", "--json")
    assert code == 0, output
    result = json.loads(output)
    assert result["query"] == "phone +33612345678"
    assert result["on_suppression_list"] is False
    assert [c["contact"]["id"] for c in result["contacts"]] == [1, 2]
    first = result["contacts"][0]
    assert first["contact"]["email"] == "jeanne.martin@cabinet-martin.fr"
    assert [s["url"] for s in first["sources"]] == [
        "https://annuaire.test/p/1",
        "https://annuaire.test/p/2",
    ]
    assert first["sources"][0]["policy_file"] == "domains/annuaire.test.toml"
    assert first["sources"][0]["policy_snapshot"] is True
    logged = env.db.execute(
        "SELECT details FROM audit_log WHERE event = 'subject_access'"
    ).fetchone()[0]
    assert json.loads(logged)["contact_ids"] == [1, 2]
    assert "612345678" not in logged


def test_access_for_someone_not_held(tmp_path: Path) -> None:
    env = people(tmp_path)
    code, output = sub(env, "access", "nobody@nowhere.fr", "--json")
    assert code == 0
    assert json.loads(output)["contacts"] == []
    assert sub(env, "access", "42") == (1, "Error: no contact matches contact 42\n")


def test_identifier_that_is_nothing(tmp_path: Path) -> None:
    env = people(tmp_path)
    assert sub(env, "access", "hello") == (
        1,
        "Error: 'hello' is not a contact id, a valid email address or a valid phone number\n",
    )
    assert sub(env, "access", "email:nope") == (
        1,
        "Error: 'email:nope' is not a valid email address\n",
    )


def test_erase_deletes_and_suppresses_every_identifier(tmp_path: Path) -> None:
    env = people(tmp_path)
    code, output = sub(env, "erase", "jeanne.martin@cabinet-martin.fr", "--yes")
    assert code == 0, output
    assert output == (
        "Erased: email jeanne.martin@cabinet-martin.fr; 2 contacts deleted (ids 1, 2); "
        "suppressed: email, phone\n"
        "  contact 1 (b2b_email, linked by email)\n"
        "  contact 2 (b2b_phone, linked by phone)\n"
        "  drops rows deleted: 0; refusals rows deleted: 0\n"
    )
    # contact 2 holds only the phone: the same person, for another purpose
    assert env.db.execute("SELECT id FROM contacts ORDER BY id").fetchall() == [(3,)]
    assert env.db.execute("SELECT count(*) FROM sources WHERE contact_id = 1").fetchone() == (0,)
    assert suppressed(env, "email", "Jeanne.Martin@cabinet-martin.fr")
    assert suppressed(env, "phone", "0612345678")
    reasons = {
        r[0] for r in env.db.execute("SELECT reason FROM suppression WHERE kind != 'key_check'")
    }
    assert reasons == {"erasure"}


def test_erase_asks_first(tmp_path: Path) -> None:
    env = people(tmp_path)
    code, output = sub(env, "erase", "3", input="n\n")
    assert code == 1
    assert output == (
        "Erase contact 3: 1 contact(s) (3); add to the suppression list? [y/N]: n\nAborted!\n"
    )
    assert env.db.execute("SELECT count(*) FROM contacts WHERE id = 3").fetchone() == (1,)


def test_object_before_collection_still_suppresses(tmp_path: Path) -> None:
    env = people(tmp_path)
    code, output = sub(env, "object", "new.person@firm.fr", "--yes")
    assert code == 0
    assert output == (
        "Objection recorded: email new.person@firm.fr; no contact deleted; suppressed: email\n"
    )
    assert suppressed(env, "email", "new.person@firm.fr")


def test_object_takes_the_person_out_of_every_export(tmp_path: Path) -> None:
    env = people(tmp_path)
    out = tmp_path / "e.csv"
    exported = env.export("--out", str(out), "--recipient", "partner", "--inform-now")
    assert exported.exit_code == 0, exported.output
    env.export(fmt="jsonl")
    code, output = sub(env, "object", "1", "--yes")
    assert code == 0, output
    assert output.splitlines() == [
        "Objection recorded: contact 1; 2 contacts deleted (ids 1, 2); suppressed: email, phone",
        "  contact 1 (b2b_email, linked by id)",
        "  contact 2 (b2b_phone, linked by phone)",
        f"Export 1 ({out}): rewritten without the person",
        "Export 2 (recipient internal): written to standard output: tell its recipient (Art. 19)",
        "  recipient_notified: tell partner (exports 1) about contact 1, then "
        "`subject notified 1 --recipient partner` (Art. 19)",
    ]
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["id"] for r in rows] == ["3"]
    assert env.db.execute("SELECT file_sha256 FROM exports WHERE id = 1").fetchone()[0] != ""
    removed = env.db.execute(
        "SELECT export_id, removed_reason FROM export_rows WHERE contact_id = 1 ORDER BY 1"
    ).fetchall()
    assert removed == [(1, "objection"), (2, "objection")]
    assert env.run("audit", "verify", "--db", str(env.db_path)).exit_code == 0


def test_object_leaves_a_changed_export_file_alone(tmp_path: Path) -> None:
    env = people(tmp_path)
    out = tmp_path / "e.csv"
    env.export("--out", str(out))
    out.write_text(out.read_text() + "edited\n")
    code, output = sub(env, "object", "1", "--yes")
    assert code == 0
    assert output.splitlines()[-1] == (
        f"Export 1 (recipient internal): file {out} changed since the export: not rewritten, "
        "tell its recipient (Art. 19)"
    )


def test_name_only_contact_cannot_be_suppressed_and_says_so(tmp_path: Path) -> None:
    env = people(tmp_path)
    cid = add_contact(env.db, name="Only A Name")
    code, output = sub(env, "erase", str(cid), "--yes")
    assert code == 0
    assert output.endswith(
        "Warning: no email, phone or name with postal address to suppress: a later crawl "
        "could collect this person again.\n"
    )


def test_rectify(tmp_path: Path) -> None:
    env = people(tmp_path)
    assert sub(env, "rectify", "3", "--field", "email", "--value", "Paul.Durand@Durand.FR") == (
        0,
        "email rectified on contacts 3\n  contact 3 (b2b_email, linked by id)\n",
    )
    assert env.db.execute("SELECT email FROM contacts WHERE id = 3").fetchone() == (
        "Paul.Durand@durand.fr",
    )
    assert sub(env, "rectify", "3", "--field", "phone", "--value", "06 11 22 33 44")[0] == 0
    assert env.db.execute("SELECT phone, phone_type FROM contacts WHERE id = 3").fetchone() == (
        "+33611223344",
        "mobile",
    )
    assert sub(env, "rectify", "3", "--field", "job_title", "--value", "")[0] == 0
    assert env.db.execute("SELECT job_title FROM contacts WHERE id = 3").fetchone() == (None,)
    event = env.db.execute(
        "SELECT details FROM audit_log WHERE event = 'subject_rectify' ORDER BY id LIMIT 1"
    ).fetchone()[0]
    assert json.loads(event) == {"contact_ids": [3], "field": "email", "recipient_notified": []}


def test_rectify_errors(tmp_path: Path) -> None:
    env = people(tmp_path)
    assert sub(env, "rectify", "3", "--field", "email", "--value", "nope") == (
        1,
        "Error: --value: not a valid email address\n",
    )
    assert sub(env, "rectify", "3", "--field", "country", "--value", "France") == (
        1,
        "Error: --value: country is a two-letter code, got 'France'\n",
    )
    assert sub(env, "rectify", "9", "--field", "name", "--value", "X") == (
        1,
        "Error: no contact matches contact 9\n",
    )
    code, output = sub(env, "rectify", "3", "--field", "purpose", "--value", "x")
    assert code == 2
    assert "Invalid value for '--field': 'purpose' is not one of" in output


def test_contacted_moves_retention_and_only_forward(tmp_path: Path) -> None:
    env = people(tmp_path)
    before = env.db.execute("SELECT retention_until FROM contacts WHERE id = 1").fetchone()[0]
    assert before == add_years(day(100), 3).isoformat()
    on = day(2)
    assert sub(env, "contacted", "1", "--on", on.isoformat(), "--how", "reply") == (
        0,
        f"Contact 1: reply on {on} recorded; retention until {add_years(on, 3)}\n",
    )
    assert env.db.execute(
        "SELECT last_contact_at, retention_until FROM contacts WHERE id = 1"
    ).fetchone() == (on.isoformat(), add_years(on, 3).isoformat())
    older = day(50)
    assert sub(env, "contacted", "1", "--on", older.isoformat(), "--how", "call") == (
        0,
        f"Contact 1: call on {older} recorded; retention until {add_years(on, 3)}\n",
    )
    events = env.db.execute(
        "SELECT how, retention_before, retention_after FROM contact_events ORDER BY id"
    ).fetchall()
    assert events == [
        ("reply", before, add_years(on, 3).isoformat()),
        ("call", add_years(on, 3).isoformat(), add_years(on, 3).isoformat()),
    ]


def test_contacted_errors(tmp_path: Path) -> None:
    env = people(tmp_path)
    assert sub(env, "contacted", "1", "--on", day(1).isoformat(), "--how", "open") == (
        1,
        "Error: --how: expected one of reply, click, call, got 'open' (opening an email is not "
        "a contact from the person, R9)\n",
    )
    assert sub(env, "contacted", "1", "--on", day(-1).isoformat(), "--how", "reply") == (
        1,
        f"Error: --on: {day(-1)} is in the future (today is {day(0)})\n",
    )
    assert sub(env, "contacted", "1", "--on", day(101).isoformat(), "--how", "reply") == (
        1,
        f"Error: --on: {day(101)} is before the contact was collected ({day(100)})\n",
    )
    assert sub(env, "contacted", "1", "--on", "yesterday", "--how", "reply") == (
        1,
        "Error: --on: expected a date as YYYY-MM-DD, got 'yesterday'\n",
    )
