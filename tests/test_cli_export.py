"""``compliant-scraper export``: only what may still be used, recorded (R6-R10)."""

from __future__ import annotations

import csv
import io
import json
import stat
from pathlib import Path

import pytest
from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.hashing import sha256_hex
from compliant_scraper.store.suppression import SuppressionList
from compliant_scraper.tooling.opposition_import import import_list


def phone_env(tmp_path: Path, list_age: int | None = 5) -> Env:
    env = make_env(tmp_path)
    add_contact(env.db, purpose="b2b_phone", name="Paul Durand", phone="+33612345678")  # 1
    add_contact(env.db, purpose="b2b_phone", name="Zoé Roux", phone="+33698765432")  # 2 listed
    add_contact(env.db, purpose="b2b_phone", name="Old", phone="+33611111111", days_ago=1200)  # 3
    add_contact(env.db, purpose="b2b_phone", name="Objected", phone="+33622222222")  # 4
    add_contact(env.db, purpose="b2b_email", name="Other", email="other@firm.fr")  # 5
    SuppressionList.open(env.db, f"{env.db_path}.key").add("phone", "+33622222222", "objection")
    if list_age is not None:
        listed = tmp_path / "bloctel.txt"
        listed.write_text("06 98 76 54 32\n")
        import_list(env.db, listed, list_date=day(list_age))
    return env


def export(env: Env, *args: str) -> tuple[int, str]:
    result = env.run("export", *args, "--db", str(env.db_path), "--policies", str(env.policies))
    return result.exit_code, result.output


def test_phone_export_screens_every_rule(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    out = tmp_path / "calls.csv"
    code, output = export(
        env,
        "--purpose",
        "b2b_phone",
        "--format",
        "csv",
        "--out",
        str(out),
        "--recipient",
        "callcenter",
        "--inform-now",
    )
    assert code == 0, output
    data = out.read_bytes()
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert [r["id"] for r in rows] == ["1"]
    assert rows[0]["phone"] == "+33612345678"
    assert rows[0]["sources"] == "https://annuaire.test/p/1"
    assert rows[0]["notice"].startswith("Information sur vos données personnelles")
    assert (
        "Destinataires :\n  - CallCenter SARL, sous-traitant (article 28 du RGPD), France\n"
        "Aucun de ces destinataires n'est établi hors de l'Espace économique européen"
    ) in rows[0]["notice"]
    assert output == (
        f"Export 1: 1 contacts for b2b_phone to callcenter (csv, sha256 {sha256_hex(data)}); "
        "excluded: opposition_list 1, past_retention 1, suppressed 1; opposition lists: "
        f"Bloctel of {day(5)}; notices now due at first communication: 1\n"
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    exported = env.db.execute(
        "SELECT purpose, format, recipient, path, count, file_sha256, opposition_lists FROM exports"
    ).fetchone()
    assert exported[:6] == ("b2b_phone", "csv", "callcenter", str(out), 1, sha256_hex(data))
    assert json.loads(exported[6])[0]["list_date"] == day(5).isoformat()
    assert env.db.execute("SELECT export_id, contact_id FROM export_rows").fetchall() == [(1, 1)]
    event = env.db.execute("SELECT details FROM audit_log WHERE event = 'export'").fetchone()[0]
    assert json.loads(event)["file_sha256"] == sha256_hex(data)


def test_after_export_the_notice_names_the_recipient(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    export(
        env,
        "--purpose",
        "b2b_phone",
        "--format",
        "csv",
        "--out",
        str(tmp_path / "a.csv"),
        "--recipient",
        "callcenter",
        "--inform-now",
    )
    result = env.run(
        "notice", "1", "--lang", "en", "--db", str(env.db_path), "--policies", str(env.policies)
    )
    assert "Recipients:\n  - CallCenter SARL, processor (GDPR Article 28), France\n" in (
        result.output
    )


def test_jsonl_to_standard_output(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    result = env.export("--lang", "en", fmt="jsonl")
    assert result.exit_code == 0
    line, summary = result.output.splitlines()[0], result.output.splitlines()[-1]
    row = json.loads(line)
    assert (row["id"], row["email"]) == (5, "other@firm.fr")
    assert row["sources"] == [
        {"url": "https://annuaire.test/p/1", "retrieved_at": f"{day(5)}T10:00:00Z"}
    ]
    assert row["notice"].startswith("Information about your personal data")
    assert summary.startswith("Export 1: 1 contacts for b2b_email to internal (jsonl, sha256 ")
    assert env.db.execute("SELECT path FROM exports").fetchone() == (None,)


@pytest.mark.parametrize(
    ("list_age", "message"),
    [
        (
            None,
            "Error: cannot export for 'b2b_phone': no Bloctel list imported: purpose "
            "'b2b_phone' needs one no older than 30 days (R7); import one with "
            "`compliant-scraper bloctel import FILE --date YYYY-MM-DD`\n",
        ),
        (
            31,
            f"Error: cannot export for 'b2b_phone': the active Bloctel list is dated {day(31)} "
            "(31 days old); purpose 'b2b_phone' accepts at most 30 days: not screened is not "
            "clean (R7)\n",
        ),
    ],
)
def test_phone_export_needs_a_fresh_list(
    tmp_path: Path, list_age: int | None, message: str
) -> None:
    env = phone_env(tmp_path, list_age)
    assert export(env, "--purpose", "b2b_phone", "--format", "csv") == (1, message)
    assert env.db.execute("SELECT count(*) FROM exports").fetchone() == (0,)


def test_law_of_the_export_day_decides(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    code, output = export(env, "--purpose", "b2c_phone", "--format", "csv")
    assert code == 1
    assert output == (
        "Error: cannot export: purpose 'b2c_phone' (b2c phone) cannot use scraped data: prior "
        "consent is required (R6: Law of 30 June 2025 (démarchage téléphonique consenti), in "
        "force 11 August 2026, in force since 2026-08-11), and scraped contacts never carry it\n"
    )


def test_unknown_purpose_and_existing_file(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    assert export(env, "--purpose", "spam", "--format", "csv") == (
        1,
        f"Error: purpose 'spam' is not defined in {env.policies / 'purposes.toml'} "
        "(purposes: b2b_email, b2b_phone, b2c_phone)\n",
    )
    existing = tmp_path / "exists.csv"
    existing.write_text("keep me")
    assert export(env, "--purpose", "b2b_email", "--format", "csv", "--out", str(existing)) == (
        1,
        f"Error: --out: {existing} exists; each export goes to a new file\n",
    )
    assert existing.read_text() == "keep me"


def test_wrong_suppression_key_refuses_to_export(tmp_path: Path) -> None:
    env = phone_env(tmp_path)
    other_key = tmp_path / "other.key"
    code, output = export(
        env, "--purpose", "b2b_email", "--format", "csv", "--key-file", str(other_key)
    )
    assert code == 1
    assert output.startswith(
        f"Error: suppression key {other_key} is missing but the suppression list has 1 entry"
    )
