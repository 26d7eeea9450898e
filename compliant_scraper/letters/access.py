"""The facts an access reply states (Art. 15, R12), as the access templates read them.

Art. 15(1)-(2): the data itself, the purposes, the categories, the recipients (and transfers
outside the EEA with their safeguard), the retention period, the rights (rectification,
erasure, restriction, objection), the right to complain, the source, and automated decisions.
Each record the person is held under is one ``AccessRecord`` built on the same ``NoticeData``
an Art. 14 notice states (purpose texts, sources and their dates, recipients, retention), plus
the values held; the letter reuses the notice's blocks of ``_common.<lang>.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..policy.model import Controller
from . import render
from .notice import CNIL, Authority, NoticeData, categories_of


def values_by_category(contact: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(category, value as written) for each category ``categories_of`` names: the name,
    the job title, the address on one line, and so on."""
    found = []
    for category in categories_of(contact):
        if category in ("identity", "name", "given_name"):
            value = contact.get("name") or " ".join(
                str(contact[k]) for k in ("given_name", "family_name") if contact.get(k)
            )
        elif category == "address":
            place = " ".join(str(contact[k]) for k in ("postal_code", "locality") if contact.get(k))
            value = ", ".join(str(v) for v in (contact.get("street_address"), place) if v)
        else:
            value = contact.get(category)
        found.append((category, str(value)))
    return tuple(found)


@dataclass(frozen=True)
class AccessRecord:
    notice: NoticeData  # the purpose texts, sources, recipients and retention of the record
    values: tuple[tuple[str, str], ...]  # values_by_category
    restricted: bool  # Art. 18: kept but not used

    def variables(self) -> dict[str, Any]:
        notice = self.notice.variables()  # the very facts the record's notice states
        return {
            **{k: notice[k] for k in _FROM_NOTICE},
            "held": self.values,
            "restricted": self.restricted,
        }


_FROM_NOTICE = (
    "contact_id",
    "texts",
    "public_sources",
    "login_sources",
    "recipients",
    "transfers",
    "first_seen",
    "retention_until",
)


@dataclass(frozen=True)
class AccessData:
    controller: Controller
    today: date
    records: tuple[AccessRecord, ...]
    on_suppression_list: bool  # the identifier given is on the suppression list (R8)
    retention_years: int
    reference: str | None = None  # the request id, when the reply answers one
    authority: Authority = CNIL
    automated_decisions: tuple[str, ...] = ()
    crawl_records: int = 0  # drops and refusals rows about the person (their page URLs)
    records_days: int = 365  # COMPLIANCE_RECORDS_RETENTION_DAYS

    def variables(self) -> dict[str, Any]:
        return {
            "crawl_records": self.crawl_records,
            "records_days": self.records_days,
            "controller": self.controller,
            "today": self.today,
            "records": [r.variables() for r in self.records],
            "on_suppression_list": self.on_suppression_list,
            "retention_years": self.retention_years,
            "reference": self.reference,
            "authority": self.authority,
            "automated_decisions": self.automated_decisions,
        }


def render_access(data: AccessData, lang: str) -> str:
    """The access reply in ``lang`` (one of ``letters.LANGS``)."""
    return render("access", lang, data.variables())
