"""Letters people read: the notice templates in every language, rendered from data only."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from compliant_scraper.letters import LANGS, LetterError, lang_for_country, letters, render
from compliant_scraper.letters.notice import (
    NoticeData,
    Source,
    categories_of,
    render_notice,
    suppression_identifiers,
)
from compliant_scraper.policy.model import Controller, NoticeTexts, Recipient

CONTROLLER = Controller(
    "Prospect Demo SAS",
    "12 rue de l'Exemple, 75002 Paris",
    "dpo@prospect-demo.test",
    "https://prospect-demo.test/privacy",
    None,
)
FR_TEXTS = NoticeTexts(
    "Vous présenter notre logiciel de gestion pour cabinets d'avocats.",
    "Intérêt légitime (article 6, paragraphe 1, point f, du RGPD).",
    "Faire connaître notre logiciel aux cabinets d'avocats.",
)
EN_TEXTS = NoticeTexts(
    "To present our practice-management software for law firms.",
    "Legitimate interest (GDPR Article 6(1)(f)).",
    "Making our software known to law firms.",
)
PUBLIC = Source("https://annuaire-demo.test/pro/a.html", date(2026, 11, 1), True)
BEHIND_LOGIN = Source("https://membres-demo.test/fiche/7", date(2026, 11, 2), False)
CRM = Recipient("crm", "Cloud CRM SAS", "processor", "FR", ("p",), "DPA-2026-01")
US_BROKER = Recipient(
    "callcenter", "Call Center Inc.", "processor", "US", ("p",), "DPA-2026-02", "scc", "CCT-2026-04"
)


def notice(**changes: object) -> NoticeData:
    base = NoticeData(
        contact_id=7,
        controller=CONTROLLER,
        texts=FR_TEXTS,
        categories=("identity", "job_title", "organization", "email"),
        sources=(PUBLIC,),
        first_seen=date(2026, 11, 1),
        retention_until=date(2029, 11, 1),
        retention_years=3,
        recipients=(),
        suppression_identifiers=("email", "phone"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[^\W\d_]+", text.lower()) if len(w) > 1}


def test_every_language_ships_a_notice() -> None:
    assert letters()["notice"] == LANGS
    for lang in LANGS:
        text = render_notice(notice(), lang)
        assert "Prospect Demo SAS" in text and "https://annuaire-demo.test/pro/a.html" in text


def test_the_french_notice_has_no_english_text() -> None:
    data = notice(recipients=(CRM, US_BROKER), sources=(PUBLIC, BEHIND_LOGIN))
    french = render_notice(data, "fr")
    english = render_notice(replace(data, texts=EN_TEXTS), "en")
    facts = " ".join(
        [
            CONTROLLER.name,
            CONTROLLER.address,
            CONTROLLER.contact,
            CONTROLLER.privacy_url,
            *(s.url for s in data.sources),
            *(f"{r.name} {r.transfer_reference or ''}" for r in data.recipients),
            data.authority.name,
            data.authority.address,
            data.authority.url,
        ]
    )
    english_only = words(english) - words(facts)
    # Words spelled the same in both languages; anything else in common is English text.
    shared = {"article", "clauses", "contact", "information", "messages", "organisation"}
    shared |= {"pages", "protection", "rectification", "source", "sources"}
    assert words(french) & english_only <= shared
    assert "Purpose" not in french and "Legal basis" not in french
    # No internal purpose key and no rule id from the legal brief.
    assert "b2b_" not in french and not re.search(r"\bR\d+\b", french)


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        (
            "fr",
            [
                "Droit d'accès de la personne concernée",
                "Droit à l'effacement",
                "Droit d'opposition",
            ],
        ),
        ("en", ["Right of access by the data subject", "Right to restriction of processing"]),
        ("de", ["Auskunftsrecht der betroffenen Person", "Widerspruchsrecht"]),
        ("es", ["Derecho de acceso del interesado", "Derecho de supresión"]),
        ("it", ["Diritto di accesso dell'interessato", "Diritto di limitazione di trattamento"]),
    ],
)
def test_rights_are_named_as_in_the_gdpr_of_each_language(lang: str, names: list[str]) -> None:
    text = render_notice(notice(), lang)
    for name in names:
        assert name in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "vers Call Center Inc. (États-Unis), encadré par : clauses types"),
        ("en", "to Call Center Inc. (United States), under standard data protection clauses"),
        ("de", "an Call Center Inc. (Vereinigte Staaten), auf Grundlage von: von der"),
        ("es", "a Call Center Inc. (Estados Unidos), al amparo de: cláusulas tipo"),
        ("it", "a Call Center Inc. (Stati Uniti), sulla base di: clausole tipo"),
    ],
)
def test_a_recipient_outside_the_eea_appears_with_its_transfer_mechanism(
    lang: str, expected: str
) -> None:
    text = render_notice(notice(recipients=(CRM, US_BROKER)), lang)
    assert expected in text
    assert "CCT-2026-04" in text


def test_transfer_sentences_follow_the_recipients() -> None:
    only_eea = render_notice(notice(recipients=(CRM,)), "en")
    assert "None of these recipients is established outside the European Economic Area" in only_eea
    assert "Transfers outside" not in only_eea
    nobody = render_notice(notice(), "en")
    assert "Recipients: none other than Prospect Demo SAS." in nobody
    assert "not passed to any recipient" in nobody
    with_transfer = render_notice(notice(recipients=(US_BROKER,)), "en")
    assert "not transferred" not in with_transfer and "Transfers outside" in with_transfer


def test_a_page_behind_a_login_is_not_called_publicly_accessible() -> None:
    text = render_notice(notice(sources=(BEHIND_LOGIN,)), "en")
    assert "publicly accessible sources" not in text
    assert "reserved for logged-in users, which are not publicly accessible" in text
    assert BEHIND_LOGIN.url in text
    both = render_notice(notice(sources=(PUBLIC, BEHIND_LOGIN)), "fr")
    assert "sources accessibles au public" in both and "réservées aux utilisateurs" in both


def test_legitimate_interest_automated_decisions_and_retention_lines() -> None:
    text = render_notice(notice(retention_years=3), "fr")
    assert "Intérêt légitime poursuivi : Faire connaître notre logiciel" in text
    assert "Décision individuelle automatisée, y compris le profilage (article 22)" in text
    assert "Durée de conservation : 3 ans" in text
    assert "le 1er novembre 2029 au plus tard" in text
    one_year = render_notice(notice(retention_years=1), "en")
    assert "Retention: 1 year from collection" in one_year
    no_interest = render_notice(notice(texts=replace(FR_TEXTS, legitimate_interest=None)), "fr")
    assert "Intérêt légitime poursuivi" not in no_interest


def test_dates_are_written_in_the_letters_language() -> None:
    assert "am 1. November 2029" in render_notice(notice(), "de")
    assert "el 1 de noviembre de 2029" in render_notice(notice(), "es")
    assert "il 1 novembre 2029" in render_notice(notice(), "it")
    assert "on 1 November 2029" in render_notice(notice(), "en")


def test_a_missing_fact_is_an_error_not_a_default() -> None:
    variables = notice().variables()
    del variables["retention_years"]
    with pytest.raises(LetterError, match=r"notice\.fr: the data lacks a fact"):
        render("notice", "fr", variables)


def test_unknown_letter_or_language() -> None:
    with pytest.raises(LetterError, match="no 'reply' letter in 'fr'"):
        render("reply", "fr", {})
    with pytest.raises(LetterError, match="language 'pt'"):
        render("notice", "pt", {})


@pytest.mark.parametrize(
    ("country", "lang"),
    [("FR", "fr"), ("de", "de"), ("AT", "de"), ("ES", "es"), ("IT", "it"), ("US", "en")],
)
def test_language_from_country(country: str, lang: str) -> None:
    assert lang_for_country(country) == lang
    assert lang_for_country(None, default="fr") == "fr"


def test_categories_of() -> None:
    assert categories_of({"name": "A", "email": "a@b.fr", "phone": None}) == ("name", "email")
    # Only what is held: a job title without an organisation, a town without a street.
    assert categories_of(
        {"name": "L", "job_title": "Architecte", "phone": "+33261914567", "locality": "Nantes"}
    ) == ("name", "job_title", "phone", "locality")
    assert categories_of(
        {"given_name": "J", "street_address": "1 rue X", "postal_code": "75002", "country": "FR"}
    ) == ("given_name", "address")  # a full postal address, its country with it
    assert categories_of({"given_name": "J", "family_name": "M"}) == ("identity",)
    assert categories_of({"family_name": "M"}) == ("name",)


@pytest.mark.parametrize(
    ("lang", "name_only", "full", "first_name_words"),
    [
        ("fr", ": nom, numéro de téléphone.", ": identité (nom, prénom).", ["prénom"]),
        ("en", ": name, telephone number.", ": identity (name, first name).", ["first name"]),
        ("de", ": Name, Telefonnummer.", ": Identität (Name, Vorname).", ["Vorname"]),
        ("es", ": nombre, número de teléfono.", ": identidad (nombre y apellidos).",
         ["pila", "apellidos"]),
        ("it", ": nome, numero di telefono.", ": identità (nome e cognome).",
         ["cognome", "battesimo"]),
    ],
)  # fmt: skip
def test_a_notice_claims_no_first_name_it_does_not_hold(
    lang: str, name_only: str, full: str, first_name_words: list[str]
) -> None:
    """Before: an organisation (only ``name`` held, "Nathalie Fabre Électricité") was told
    its data included "identité (nom, prénom)" in French, German, Spanish and Italian."""
    organisation = categories_of({"name": "Nathalie Fabre Électricité", "phone": "+33612345678"})
    text = render_notice(notice(categories=organisation), lang)
    (line,) = [row for row in text.splitlines() if row.endswith(name_only)]
    assert not any(word in line for word in first_name_words), line
    person = categories_of({"given_name": "Jeanne", "family_name": "Martin"})
    assert any(
        row.endswith(full) for row in render_notice(notice(categories=person), lang).splitlines()
    )


@pytest.mark.parametrize(
    ("lang", "held", "absent"),
    [
        ("fr", "fonction, commune.", ["organisation", "adresse postale"]),
        ("en", "job title, town.", ["organisation", "postal address"]),
        ("de", "Funktion, Ort.", ["Organisation", "Postanschrift"]),
        ("es", "cargo, localidad.", ["organización", "dirección postal"]),
        ("it", "funzione, località.", ["organizzazione", "indirizzo postale"]),
    ],
)
def test_the_categories_line_names_only_what_is_held(
    lang: str, held: str, absent: list[str]
) -> None:
    text = render_notice(notice(categories=("identity", "job_title", "locality")), lang)
    (line,) = [row for row in text.splitlines() if row.endswith(held)]
    assert not any(word in line for word in absent), line


@pytest.mark.parametrize(
    ("lang", "phone_only", "none_held"),
    [
        (
            "fr",
            "empreinte chiffrée (hachage à clé) de votre numéro de téléphone, qui",
            "Nous ne détenons ni votre adresse électronique ni votre numéro de téléphone",
        ),
        (
            "en",
            "keyed hash of your telephone number, used",
            "We hold neither your email address nor your telephone number",
        ),
        ("de", "Hashwert Ihrer Telefonnummer auf", "Wir verfügen weder über Ihre E-Mail-Adresse"),
        ("es", "(hash) de su número de teléfono, que", "No disponemos ni de su dirección"),
        ("it", "(hash) del suo numero di telefono, che", "Non disponiamo né del suo indirizzo"),
    ],
)
def test_the_suppression_sentence_names_the_identifiers_held(
    lang: str, phone_only: str, none_held: str
) -> None:
    """A person whose email we do not hold is not told we would hash it (R8)."""
    phone = render_notice(notice(suppression_identifiers=("phone",)), lang)
    assert phone_only in phone
    assert none_held not in phone
    nothing = render_notice(notice(suppression_identifiers=()), lang)
    assert none_held in nothing
    assert phone_only not in nothing
    both = render_notice(notice(), lang)
    assert none_held not in both and phone_only not in both


def test_suppression_identifiers_are_those_held() -> None:
    assert suppression_identifiers({"email": "a@b.fr", "phone": None}) == ("email",)
    assert suppression_identifiers({"phone": "+33261914567"}) == ("phone",)
    assert suppression_identifiers({"name": "A", "street_address": "1 rue X"}) == ()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("identifiers", [("email", "phone"), ("phone",), ()])
def test_the_opt_out_paragraph_stands_apart(lang: str, identifiers: tuple[str, ...]) -> None:
    """The opt-out paragraph ends with a blank line before the privacy policy, whichever
    identifiers it names (a block tag at a line's end must not eat the paragraph break)."""
    lines = render_notice(notice(suppression_identifiers=identifiers), lang).splitlines()
    privacy = next(
        i for i, line in enumerate(lines) if "https://prospect-demo.test/privacy" in line
    )
    assert lines[privacy - 1] == "", lines[privacy - 2 : privacy + 1]
    assert lines[privacy - 2].endswith("."), lines[privacy - 2]
