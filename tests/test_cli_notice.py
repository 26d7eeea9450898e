"""``compliant-scraper notice``: the Art. 14 text and the notice ledger (R5)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from babel.dates import format_date
from support.tooling import Env, add_contact, day, make_env

from compliant_scraper.clock import add_months, add_years
from compliant_scraper.hashing import sha256_hex


def _date_fr(d: date) -> str:
    text = format_date(d, format="long", locale="fr_FR")
    return "1er" + text[1:] if d.day == 1 else text


def _date_en(d: date) -> str:
    return format_date(d, format="long", locale="en_IE")


def env_with_contacts(tmp_path: Path) -> Env:
    env = make_env(tmp_path)
    add_contact(
        env.db,
        name="Jeanne Martin",
        job_title="Avocate",
        organization="Cabinet Martin",
        email="jeanne.martin@cabinet-martin.fr",
        sources=("https://annuaire.test/p/1", "https://annuaire.test/p/9"),
        days_ago=40,
    )  # 1: overdue
    add_contact(env.db, purpose="b2b_phone", name="Paul Durand", phone="+33612345678", days_ago=3)
    add_contact(env.db, purpose="b2b_phone", name="Zoé Roux", phone="+33698765432", days_ago=20)
    return env


def notice(env: Env, *args: str) -> tuple[int, str]:
    result = env.run("notice", *args, "--db", str(env.db_path), "--policies", str(env.policies))
    return result.exit_code, result.output


def test_notice_in_french_says_everything_article_14_asks(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    code, text = notice(env, "1", "--lang", "fr")
    assert code == 0, text
    collected = day(40)
    assert text.startswith("Information sur vos données personnelles (article 14 du RGPD)\n")
    for line in [
        "  Prospectia SAS, 10 rue de la Paix, 75002 Paris, France",
        "  privacy@prospectia.test",
        "  Délégué à la protection des données : dpo@prospectia.test",
        "Finalité : Vous présenter nos offres par courriel.",
        "Base juridique : Intérêt légitime (article 6, paragraphe 1, point f, du RGPD).",
        "Intérêt légitime poursuivi : Faire connaître nos offres aux professionnels concernés.",
        "Catégories de données : nom, fonction, organisation, adresse électronique.",
        f"  - https://annuaire.test/p/1 (consultée le {_date_fr(collected)})",
        f"  - https://annuaire.test/p/9 (consultée le {_date_fr(collected)})",
        "Référence : contact 1",
    ]:
        assert line + "\n" in text
    assert f"supprimées le {_date_fr(add_years(collected, 3))} au plus tard" in text
    for right in (
        "Droit d'accès de la personne concernée (article 15)",
        "Droit de rectification (article 16)",
        "Droit à l'effacement («droit à l'oubli») (article 17)",
        "Droit à la limitation du traitement (article 18)",
        "Droit d'opposition (article 21)",
    ):
        assert right in text
    assert "réclamation auprès d'une autorité de contrôle (article 77) : CNIL" in text
    assert "Décision individuelle automatisée" in text
    assert "b2b_email" not in text and "Emailing" not in text
    assert "Pour ne plus être contacté : écrivez à privacy@prospectia.test" in text


def test_notice_in_english(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    code, text = notice(env, "jeanne.martin@cabinet-martin.fr", "--lang", "en")
    assert code == 0, text
    assert text.startswith("Information about your personal data (GDPR Article 14)\n")
    assert "Categories of data: name, job title, organisation, email address.\n" in (text)
    assert f"deleted on {_date_en(add_years(day(40), 3))} at the latest" in text
    assert "Right to lodge a complaint with a supervisory authority (Article 77): CNIL" in text
    assert "To stop being contacted: write to privacy@prospectia.test" in text


def test_notice_categories_are_the_columns_held(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    code, text = notice(env, "2", "--lang", "en")
    assert code == 0
    assert "Categories of data: name, telephone number.\n" in text
    # Only the phone is held: the person is not told their email would be hashed (R8).
    assert "keep only a keyed hash of your telephone number, used only" in text
    assert "email address" not in text


def test_notice_errors(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    assert notice(env, "99", "--lang", "fr") == (1, "Error: no contact matches contact 99\n")
    code, out = notice(env, "1", "--lang", "pt")
    assert code == 2
    assert "Invalid value for '--lang': 'pt' is not one of 'fr', 'en', 'de', 'es', 'it'." in out
    # A language whose texts the purpose lacks is refused, naming the missing keys.
    assert notice(env, "1", "--lang", "de") == (
        1,
        f"Error: no notice in 'de' for purpose 'b2b_email': {env.policies / 'purposes.toml'} "
        "has no [b2b_email.notice.de] table (a notice needs description, legal_basis, "
        "legitimate_interest); write them, or choose one of its languages with --lang fr or en\n",
    )
    add_contact(env.db, purpose="b2b_phone", email="jeanne.martin@cabinet-martin.fr", name="J")
    assert notice(env, "jeanne.martin@cabinet-martin.fr") == (
        1,
        "Error: email jeanne.martin@cabinet-martin.fr matches 2 contacts (ids 1, 4): give one id\n",
    )


def test_a_language_from_the_country_says_so_when_the_purpose_lacks_it(tmp_path: Path) -> None:
    """Without --lang, the notice is in the person's language; the purpose has no German
    texts: refused (never another language on its own), saying where 'de' came from."""
    env = env_with_contacts(tmp_path)
    cid = add_contact(env.db, name="Hans Weber", email="hans@weber-bau.de", country="DE")
    code, out = notice(env, str(cid))
    assert code == 1
    assert out.startswith(
        "Error: no notice in 'de' (the language of the contact's country) for purpose "
        f"'b2b_email': {env.policies / 'purposes.toml'} has no [b2b_email.notice.de] table"
    )


def test_due_lists_overdue_first(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    result = env.run("notice", "due", "--db", str(env.db_path))
    assert result.exit_code == 0
    d1, d3, d2 = add_months(day(40), 1), add_months(day(20), 1), add_months(day(3), 1)
    assert result.output.splitlines() == [
        f"contact 1 (b2b_email): {d1} OVERDUE by {(day(0) - d1).days} days; "
        f"one month after collection on {day(40)} (Art. 14(3)(a))",
        f"contact 3 (b2b_phone): {d3} due in {(d3 - day(0)).days} days; "
        f"one month after collection on {day(20)} (Art. 14(3)(a))",
        f"contact 2 (b2b_phone): {d2} due in {(d2 - day(0)).days} days; "
        f"one month after collection on {day(3)} (Art. 14(3)(a))",
    ]
    within = env.run("notice", "due", "--within", "12", "--db", str(env.db_path))
    assert [line.split()[1] for line in within.output.splitlines()] == ["1", "3"]


def test_sent_and_exempt_take_contacts_off_the_due_list(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    _, text = notice(env, "1", "--lang", "fr")
    sent = env.run(
        "notice",
        "sent",
        "1",
        "--on",
        day(1).isoformat(),
        "--channel",
        "email",
        "--lang",
        "fr",
        "--db",
        str(env.db_path),
        "--policies",
        str(env.policies),
    )
    assert sent.exit_code == 0, sent.output
    # Collected 40 days ago: the month of Art. 14(3)(a) had run out, so the notice is late.
    deadline = add_months(day(40), 1)
    assert sent.output == (
        f"Recorded notice 1: contact 1 informed on {day(1)} by email (fr, text sha256 "
        f"{sha256_hex(text)}); LATE by {(day(1) - deadline).days} days (deadline {deadline})\n"
    )
    exempt = env.run(
        "notice",
        "exempt",
        "2",
        "--ground",
        "art14-5a",
        "--reason",
        "He asked us to call.",
        "--db",
        str(env.db_path),
    )
    assert exempt.exit_code == 0
    assert exempt.output == (
        "Recorded notice 2: contact 2 exempt, the person already has the information "
        "(Art. 14(5)(a))\n"
    )
    due = env.run("notice", "due", "--db", str(env.db_path))
    assert [line.split()[1] for line in due.output.splitlines()] == ["3"]
    events = [
        r[0]
        for r in env.db.execute("SELECT event FROM audit_log WHERE event != 'rows' ORDER BY id")
    ]
    assert events[-2:] == ["notice_sent", "notice_exempt"]


def test_sent_in_the_future_is_refused(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    tomorrow = day(-1).isoformat()
    result = env.run(
        "notice",
        "sent",
        "1",
        "--on",
        tomorrow,
        "--channel",
        "post",
        "--db",
        str(env.db_path),
        "--policies",
        str(env.policies),
    )
    assert result.exit_code == 1
    assert result.output == f"Error: --on: {tomorrow} is in the future\n"


def test_sent_before_collection_is_refused(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    result = env.run(
        "notice",
        "sent",
        "2",
        "--on",
        day(4).isoformat(),
        "--channel",
        "post",
        "--db",
        str(env.db_path),
        "--policies",
        str(env.policies),
    )
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --on: {day(4)} is before the contact was collected ({day(3)})\n"
    )


def test_exempt_needs_a_reason(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    result = env.run(
        "notice", "exempt", "1", "--ground", "art14-5b", "--reason", "  ", "--db", str(env.db_path)
    )
    assert result.exit_code == 1
    assert result.output == "Error: --reason: an exemption needs its reason\n"


def test_export_makes_notices_due_at_first_communication(tmp_path: Path) -> None:
    env = env_with_contacts(tmp_path)
    result = env.export("--out", str(tmp_path / "e.jsonl"), fmt="jsonl")
    assert result.exit_code == 0, result.output
    add_contact(env.db, email="new@prospect.fr", name="New One", days_ago=1)
    env.export("--out", str(tmp_path / "e.csv"))
    due = env.run("notice", "due", "--json", "--db", str(env.db_path))
    rows = {r["contact_id"]: r for r in json.loads(due.output)}
    assert rows[4]["deadline"] == day(0).isoformat()
    assert rows[4]["why"] == f"first communication: exported on {day(0)} (export 2)"
    assert rows[1]["why"].startswith("one month after collection")  # already overdue: earlier
