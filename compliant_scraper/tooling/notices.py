"""The Art. 14 notice (R5) for one contact, in French or English.

GDPR Art. 14 lists what a person whose data was not obtained from them must be told: the
controller and its contact details (and DPO), the purpose and legal basis, the categories of
data, the recipients, the retention period, the rights (access, rectification, erasure,
restriction, objection) and the right to complain to the CNIL, and the source of the data,
including whether it came from publicly accessible sources. Every message should also say
how to opt out. All of it is built from the database (the contact's non-empty columns, its
source URLs, its retention date, the recipients of its exports) and ``policies/controller.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ..clock import day_of
from ..hashing import sha256_hex
from ..law import RETENTION_YEARS
from ..policy.model import Controller, Registry
from ..store import exports
from ..store.backend import Db
from ..values.fields import CATEGORIES
from .base import ToolingError
from .source_trail import sources_of

LANGS: Final = ("fr", "en")

_CATEGORY_LABELS: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "identity": "identité (nom, prénom)",
        "professional": "fonction et organisation",
        "email": "adresse électronique",
        "phone": "numéro de téléphone",
        "address": "adresse postale",
        "website": "site web",
    },
    "en": {
        "identity": "identity (name)",
        "professional": "job title and organisation",
        "email": "email address",
        "phone": "telephone number",
        "address": "postal address",
        "website": "website",
    },
}
_MONTHS_FR: Final = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_MONTHS_EN: Final = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
CNIL: Final = (
    "CNIL, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France - "
    "https://www.cnil.fr/fr/plaintes"
)


@dataclass(frozen=True)
class NoticeFacts:
    """Everything the notice states about one contact."""

    contact_id: int
    controller: Controller
    purpose: str
    purpose_description: str | None
    legal_basis: str
    categories: tuple[str, ...]  # keys of CATEGORIES
    sources: tuple[tuple[str, date], ...]  # (url, retrieved on)
    first_seen: date
    retention_until: date
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    contact_id: int
    lang: str
    text: str

    @property
    def sha256(self) -> str:
        return sha256_hex(self.text)


def categories_of(contact: dict[str, Any]) -> tuple[str, ...]:
    """The categories of data held: those with at least one non-empty column."""
    return tuple(name for name, cols in CATEGORIES.items() if any(contact.get(c) for c in cols))


def facts_for(
    db: Db, registry: Registry, contact: dict[str, Any], extra_recipient: str | None = None
) -> NoticeFacts:
    purpose = registry.purposes.get(contact["purpose"])
    urls: dict[str, date] = {}
    for source in sources_of(db, int(contact["id"])):
        urls.setdefault(source.url, day_of(source.retrieved_at))
    recipients = exports.recipients_of(db, int(contact["id"]))
    return NoticeFacts(
        contact_id=int(contact["id"]),
        controller=registry.controller,
        purpose=str(contact["purpose"]),
        purpose_description=purpose.description if purpose else None,
        legal_basis=str(contact["legal_basis"] or (purpose.legal_basis if purpose else "")),
        categories=categories_of(contact),
        sources=tuple(urls.items()),
        first_seen=day_of(str(contact["first_seen"])),
        retention_until=date.fromisoformat(str(contact["retention_until"])),
        recipients=tuple(dict.fromkeys([*recipients, *filter(None, [extra_recipient])])),
    )


def build_notice(
    db: Db,
    registry: Registry,
    contact: dict[str, Any],
    lang: str,
    extra_recipient: str | None = None,
) -> Notice:
    """The notice; ``extra_recipient`` is the recipient of an export being written."""
    if lang not in LANGS:
        raise ToolingError(f"--lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    facts = facts_for(db, registry, contact, extra_recipient)
    text = render_fr(facts) if lang == "fr" else render_en(facts)
    return Notice(facts.contact_id, lang, text)


_NUMBERS: Final[dict[str, tuple[str, ...]]] = {
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}


def _years(n: int, lang: str) -> str:
    """``3`` -> ``trois ans`` / ``three years``: the retention period as the notice says it."""
    words = _NUMBERS[lang]
    number = words[n] if 0 <= n < len(words) else str(n)
    unit = {"fr": ("an", "ans"), "en": ("year", "years")}[lang][n != 1]
    return f"{number} {unit}"


def _date_fr(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS_FR[day.month - 1]} {day.year}"


def _date_en(day: date) -> str:
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _controller_lines(c: Controller, dpo_label: str) -> list[str]:
    lines = [f"  {c.name}, {c.address}", f"  {c.contact}"]
    if c.dpo:
        lines.append(f"  {dpo_label}: {c.dpo}")
    return lines


def render_fr(f: NoticeFacts) -> str:
    labels = _CATEGORY_LABELS["fr"]
    lines = [
        "Information sur vos données personnelles (article 14 du RGPD)",
        "",
        "Responsable du traitement :",
        *_controller_lines(f.controller, "Délégué à la protection des données "),
        "",
        f"Finalité : {f.purpose_description or f.purpose} ({f.purpose}).",
        f"Base légale : {f.legal_basis}.",
        "Catégories de données : " + (", ".join(labels[c] for c in f.categories) or "aucune") + ".",
        "",
        "Source : ces données proviennent de sources accessibles au public, les pages suivantes :",
        *(f"  - {url} (consultée le {_date_fr(day)})" for url, day in f.sources),
        "",
        "Destinataires : "
        + (", ".join(f.recipients) if f.recipients else f"aucun en dehors de {f.controller.name}")
        + ". Vos données ne sont pas transférées hors de l'Union européenne.",
        "",
        f"Durée de conservation : {_years(RETENTION_YEARS, 'fr')} à compter de la collecte (le "
        f"{_date_fr(f.first_seen)}) ou de votre dernier contact avec nous (réponse, clic, "
        "appel ; l'ouverture d'un courriel ne compte pas). Sans nouveau contact de votre part, "
        f"vos données seront supprimées le {_date_fr(f.retention_until)} au plus tard.",
        "",
        "Vos droits : vous pouvez demander l'accès à vos données, leur rectification, leur "
        "effacement, la limitation de leur traitement, et vous opposer à tout moment, "
        "gratuitement et sans motif, à leur utilisation à des fins de prospection. Pour les "
        f"exercer, écrivez à : {f.controller.contact}. Vous pouvez introduire une réclamation "
        f"auprès de la CNIL : {CNIL}.",
        "",
        "Pour ne plus être contacté : écrivez à "
        f"{f.controller.contact} ou répondez à l'un de nos messages. Nous ne conserverons alors "
        "qu'une empreinte chiffrée (hachage à clé) de votre adresse électronique et de votre "
        "numéro de téléphone, afin de ne plus jamais les collecter ni vous contacter.",
        "",
        f"Politique de confidentialité : {f.controller.privacy_url}",
        f"Référence : contact {f.contact_id}",
    ]
    return "\n".join(lines) + "\n"


def render_en(f: NoticeFacts) -> str:
    labels = _CATEGORY_LABELS["en"]
    lines = [
        "Information about your personal data (GDPR Article 14)",
        "",
        "Controller:",
        *_controller_lines(f.controller, "Data protection officer"),
        "",
        f"Purpose: {f.purpose_description or f.purpose} ({f.purpose}).",
        f"Legal basis: {f.legal_basis}.",
        "Categories of data: " + (", ".join(labels[c] for c in f.categories) or "none") + ".",
        "",
        "Source: these data come from publicly accessible sources, the following pages:",
        *(f"  - {url} (retrieved on {_date_en(day)})" for url, day in f.sources),
        "",
        "Recipients: "
        + (", ".join(f.recipients) if f.recipients else f"none outside {f.controller.name}")
        + ". Your data are not transferred outside the European Union.",
        "",
        f"Retention: {_years(RETENTION_YEARS, 'en')} from collection (on "
        f"{_date_en(f.first_seen)}) or from your last contact with us (a reply, a click, a "
        "call; opening an email does not count). Without a new contact from you, your data "
        f"will be deleted on {_date_en(f.retention_until)} at the latest.",
        "",
        "Your rights: you may ask for access to your data, their rectification, their "
        "erasure, the restriction of their processing, and you may object at any time, free "
        "of charge and without giving a reason, to their use for prospecting. To exercise "
        f"them, write to: {f.controller.contact}. You may lodge a complaint with the CNIL "
        f"(the French data protection authority): {CNIL}.",
        "",
        f"To stop being contacted: write to {f.controller.contact} or reply to any of our "
        "messages. We will then keep only a keyed hash of your email address and telephone "
        "number, so that they are never collected again and you are never contacted again.",
        "",
        f"Privacy policy: {f.controller.privacy_url}",
        f"Reference: contact {f.contact_id}",
    ]
    return "\n".join(lines) + "\n"
