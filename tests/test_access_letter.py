"""Issue 13 items 4-5: the access reply is a letter (Art. 15); Art. 19 recipients are told."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.letters import LANGS


def held(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        organization="Cabinet Martin",
        job_title="Avocate",
        email="jeanne.martin@cabinet-martin.fr",
        days_ago=10,
    )  # 1
    add_contact(
        env.db,
        purpose="b2b_phone",
        name="Jeanne Martin",
        organization="Cabinet Martin",
        phone="+33612345678",
        street_address="12 rue de la Paix",
        postal_code="75002",
        locality="Paris",
        days_ago=10,
    )  # 2
    env.db.execute(
        "INSERT INTO exports (at, purpose, format, recipient, count, file_sha256) "
        "VALUES (?, 'b2b_email', 'csv', 'partner', 1, 'x')",
        [f"{day(2)}T10:00:00Z"],
    )
    env.db.execute("INSERT INTO export_rows (export_id, contact_id) VALUES (1, 1)")
    return env


def access(env: Env, *args: str) -> tuple[int, str]:
    result = env.run(
        "subject", "access", *args, "--db", str(env.db_path), "--policies", str(env.policies)
    )
    return result.exit_code, result.output


def test_the_reply_is_a_letter_in_the_persons_language(tmp_path: Path) -> None:
    env = held(tmp_path)
    code, letter = access(env, "jeanne.martin@cabinet-martin.fr")
    assert code == 0, letter
    assert letter.startswith(
        "Réponse à votre demande d'accès à vos données personnelles (article 15 du RGPD)\n"
    )
    for line in (
        "Nous détenons 2 fiches vous concernant.",
        "Fiche 1\nFinalité : Vous présenter nos offres par courriel.\n",
        "Fiche 2\nFinalité : Vous appeler pour vous présenter nos offres.\n",
        "  - fonction : Avocate\n",
        "  - adresse postale : 12 rue de la Paix, 75002 Paris\n",
        "  - https://annuaire.test/p/1 (consultée le ",
        "Destinataires :\n  - Partner SA, sous-traitant (article 28 du RGPD), France\n",
        "Destinataires : aucun en dehors de Prospectia SAS.",
        f"ces données seront supprimées le {day(10).day}",
        "Décision individuelle automatisée, y compris le profilage (article 22) : aucune décision",
        "Droit d'introduire une réclamation auprès d'une autorité de contrôle (article 77) : CNIL",
        "Droit à la limitation du traitement (article 18)",
    ):
        assert line in letter, line
    assert "{" not in letter and "None" not in letter
    code, english = access(env, "1", "--lang", "en")
    assert code == 0, english
    assert "We hold 2 records about you." in english
    assert "  - job title: Avocate\n" in english


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_renders(tmp_path: Path, lang: str) -> None:
    env = held(tmp_path)
    purposes = env.policies / "purposes.toml"
    extra = "".join(
        f'\n[{p}.notice.{lang}]\ndescription = "D-{lang}"\nlegal_basis = "B-{lang}"\n'
        f'legitimate_interest = "I-{lang}"\n'
        for p in ("b2b_email", "b2b_phone")
        if f"[{p}.notice.{lang}]" not in purposes.read_text()
    )
    purposes.write_text(purposes.read_text() + extra)
    _refused_profile(env)
    code, letter = access(env, "1", "--lang", lang)
    assert code == 0, letter
    assert "15" in letter.splitlines()[0]  # the article in the title
    assert "Prospectia SAS" in letter and "cnil.fr" in letter and "Cabinet Martin" in letter
    assert "{" not in letter
    assert " 365 " in letter  # the crawl records about her, and when they are deleted


def test_json_keeps_the_machine_form(tmp_path: Path) -> None:
    env = held(tmp_path)
    code, output = access(env, "1", "--json")
    assert code == 0, output
    reply = json.loads(output)
    assert [c["contact"]["id"] for c in reply["contacts"]] == [1, 2]
    assert reply["contacts"][1]["linked_by"] == "name+organization"
    assert reply["contacts"][0]["sources"][0]["first_retrieved_at"].startswith(str(day(10)))


def test_letter_for_someone_not_held_says_so_and_names_the_objection(tmp_path: Path) -> None:
    env = held(tmp_path)
    assert (
        env.run("subject", "object", "x@firm.fr", "--yes", "--db", str(env.db_path)).exit_code == 0
    )
    code, letter = access(env, "x@firm.fr")
    assert code == 0, letter
    assert "Nous ne détenons aucune donnée vous concernant. Vous figurez sur notre liste" in letter


def test_letter_says_a_record_is_restricted(tmp_path: Path) -> None:
    env = held(tmp_path)
    env.run("subject", "restrict", "2", "--reason", "contested", "--db", str(env.db_path))
    code, letter = access(env, "2")
    assert code == 0, letter
    assert letter.count("Le traitement de cette fiche est limité (article 18 du RGPD)") == 2


def test_a_purpose_without_texts_in_the_language_refuses_the_letter(tmp_path: Path) -> None:
    env = held(tmp_path)
    assert access(env, "1", "--lang", "de") == (
        1,
        f"Error: no notice in 'de' for purpose 'b2b_email': {env.policies / 'purposes.toml'} "
        "has no [b2b_email.notice.de] table (a notice needs description, legal_basis, "
        "legitimate_interest); write them, or choose one of its languages with --lang fr or en\n",
    )


def test_rectify_and_erase_list_recipients_until_notified(tmp_path: Path) -> None:
    env = held(tmp_path)
    db = str(env.db_path)
    done = env.run(
        "subject", "rectify", "2", "--field", "job_title", "--value", "Avocate", "--db", db
    )
    assert done.exit_code == 0, done.output
    assert "  recipient_notified: tell partner (exports 1) about contact 1, then " in done.output
    audit = env.run("audit", "--db", db, "--policies", str(env.policies)).output
    assert "recipient_notified steps not done (Art. 19): 1" in audit
    assert env.run("subject", "notified", "1", "--recipient", "callcenter", "--db", db).output == (
        "Error: no open recipient_notified step for contact 1 and 'callcenter' (open: partner)\n"
    )
    notified = env.run("subject", "notified", "1", "--recipient", "partner", "--db", db)
    assert notified.output == "Contact 1: partner notified (Art. 19)\n"
    audit = env.run("audit", "--db", db, "--policies", str(env.policies)).output
    assert "recipient_notified steps not done (Art. 19): 0" in audit
    erased = env.run("subject", "erase", "1", "--yes", "--db", db)
    assert "recipient_notified: tell partner (exports 1) about contact 1" in erased.output
    steps = env.db.execute(
        "SELECT contact_id, recipient, action, notified_at IS NULL FROM recipient_steps"
    ).fetchall()
    assert steps == [(1, "partner", "rectify", 0), (1, "partner", "erase", 1)]


def test_the_notice_says_the_name_and_address_would_be_kept_on_objection(tmp_path: Path) -> None:
    env = held(tmp_path)
    notice = env.run("notice", "2", "--db", str(env.db_path), "--policies", str(env.policies))
    assert notice.exit_code == 0, notice.output
    assert "de votre numéro de téléphone et de votre nom et adresse postale" in notice.output


def _refused_profile(env: Env) -> None:
    """A refusal whose URL names Jeanne Martin (a profile page refused by policy, R2)."""
    env.db["refusals"].insert(
        {"run_id": None, "url": "https://www.linkedin.com/in/jeanne-martin",
         "domain": "linkedin.com", "stage": "policy", "rule": "R2", "reason": "x",
         "at": f"{day(3)}T10:00:00Z"}
    )  # fmt: skip


def test_the_letter_names_the_crawl_records_about_her(tmp_path: Path) -> None:
    env = held(tmp_path)
    _refused_profile(env)
    code, letter = access(env, "jeanne.martin@cabinet-martin.fr")
    assert code == 0, letter
    assert (
        "Nous conservons aussi 1 trace de nos collectes qui vous concerne : l'adresse d'une page "
        "que nous n'avons pas collectée" in letter
    )
    assert (
        "Elle ne contient aucune autre donnée vous concernant et est supprimée au bout de 365 "
        in letter
    )
    code, english = access(env, "1", "--lang", "en")
    assert code == 0, english
    assert "We also keep 1 note from our crawls that refers to you" in english
    code, unrelated = access(env, "nobody@else.fr", "--lang", "en")
    assert code == 0 and "We also keep" not in unrelated
