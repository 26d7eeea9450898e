"""The facts an Art. 14 notice states (R5, R11), as the notice templates read them.

GDPR Art. 14(1)-(2) lists what a person whose data was not obtained from them is told: the
controller and its contact details (and DPO), the purposes and legal basis, the legitimate
interest pursued, the categories of data, the recipients, transfers outside the EEA and
their safeguard, the retention period, the rights and the right to complain, the source
(and whether it is publicly accessible), and automated decisions. The tooling gathers each
fact from the registry, the recipients file and the database; nothing here has a default
that could state something untrue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from ..law import EEA
from ..policy.model import Controller, NoticeTexts, Recipient
from ..values.fields import CATEGORIES, IDENTIFIERS
from ..values.persons import postal_key
from . import render


def categories_of(contact: dict[str, Any]) -> tuple[str, ...]:
    """The categories of data held for this contact, as its notice names them.

    Only what is held: a contact with a job title and no organisation is told "job title",
    not "job title and organisation"; one with a town and no street is told "town", not
    "postal address". A full address (a street) is named as one "address". The name
    fields are one "identity" (name and first name) only when a first name is held with a
    name; a name alone (an organisation's, or a person's ``name`` as published) is "name",
    a first name alone "given_name": the notice never claims a first name it does not hold.
    """
    found: list[str] = []
    for category, cols in CATEGORIES.items():
        held = [c for c in cols if contact.get(c)]
        if not held:
            continue
        if category == "identity":
            found.append(_identity(held))
        elif len(cols) == 1:
            found.append(category)
        elif category == "address" and "street_address" in held:
            found.append("address")  # a postal address; its postal code and town with it
        else:
            found.extend(held)
    return tuple(found)


def _identity(held: list[str]) -> str:
    if "given_name" not in held:
        return "name"
    return "identity" if len(held) > 1 else "given_name"


def suppression_identifiers(contact: dict[str, Any]) -> tuple[str, ...]:
    """What the suppression list would keep (as keyed hashes) if this person objected:
    the identifiers held for them (R8), and their name with their postal address when both
    are held (issue 13). Empty when none is held."""
    held = tuple(kind for kind in IDENTIFIERS if contact.get(kind))
    return (*held, "address") if postal_key(contact) else held


@dataclass(frozen=True)
class Authority:
    """The supervisory authority a complaint can be lodged with (Art. 77)."""

    name: str
    address: str
    url: str


CNIL: Final = Authority(
    "CNIL (Commission nationale de l'informatique et des libertés)",
    "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France",
    "https://www.cnil.fr/fr/plaintes",
)


@dataclass(frozen=True)
class Source:
    """A page the data came from; ``public`` is False when its domain's policy accepts
    collection behind a login (``authenticated = true``): such a page is not "publicly
    accessible" and the notice does not call it so."""

    url: str
    retrieved_on: date
    public: bool


@dataclass(frozen=True)
class NoticeData:
    contact_id: int
    controller: Controller
    texts: NoticeTexts  # [NAME.notice.LANG] of the purpose, in the notice's language
    categories: tuple[str, ...]  # from categories_of: category or field names held
    sources: tuple[Source, ...]
    first_seen: date
    retention_until: date
    retention_years: int  # from the law table (law.RETENTION_YEARS)
    recipients: tuple[Recipient, ...]  # from recipients.toml, those that received the data
    # What the suppression list keeps (keyed hashes) once the person objects (R8): the
    # identifiers held for them (suppression_identifiers), possibly none.
    suppression_identifiers: tuple[str, ...]
    authority: Authority = CNIL
    # Decisions based solely on automated processing with legal or similarly significant
    # effects (Art. 22). Screening keeps or leaves out data; it decides nothing about the
    # person, so none is taken unless a caller records one.
    automated_decisions: tuple[str, ...] = field(default=())

    def variables(self) -> dict[str, Any]:
        return {
            "contact_id": self.contact_id,
            "controller": self.controller,
            "texts": self.texts,
            "categories": self.categories,
            "public_sources": [s for s in self.sources if s.public],
            "login_sources": [s for s in self.sources if not s.public],
            "first_seen": self.first_seen,
            "retention_until": self.retention_until,
            "retention_years": self.retention_years,
            "recipients": self.recipients,
            "transfers": [r for r in self.recipients if r.country.upper() not in EEA],
            "authority": self.authority,
            "automated_decisions": self.automated_decisions,
            "suppression_identifiers": self.suppression_identifiers,
        }


def render_notice(data: NoticeData, lang: str) -> str:
    """The notice text in ``lang`` (one of ``letters.LANGS``)."""
    return render("notice", lang, data.variables())
