"""What the law allows for scraped data, encoded as dated rows (R6, R7).

A change of law is a new row with its effective date, never an edit of an old row: a crawl
is judged on its own date, and an auditor can still read which rule applied before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from .clock import add_years
from .errors import ComplianceConfigError
from .policy.model import Purpose


@dataclass(frozen=True)
class ChannelRule:
    audience: str
    channel: str
    effective_from: date
    effective_until: date | None  # exclusive; None = still in force
    consent_required: bool
    rule: str
    source: str

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )


_EPOCH: Final = date(2004, 6, 21)  # LCEN: consent for electronic prospecting of consumers
_CONSENTED_CANVASSING: Final = date(2026, 8, 11)  # law of 30 June 2025, in force 11 Aug 2026

CHANNEL_RULES: Final[tuple[ChannelRule, ...]] = (
    ChannelRule("b2c", "email", _EPOCH, None, True, "R6", "CPCE L34-5; LCEN 2004"),
    ChannelRule("b2c", "sms", _EPOCH, None, True, "R6", "CPCE L34-5; LCEN 2004"),
    ChannelRule("b2c", "automated_call", _EPOCH, None, True, "R6", "CPCE L34-5"),
    ChannelRule(
        "b2c",
        "phone",
        _EPOCH,
        _CONSENTED_CANVASSING,
        False,
        "R7",
        "Code de la consommation L223-1: allowed unless on Bloctel or objected",
    ),
    ChannelRule(
        "b2c",
        "phone",
        _CONSENTED_CANVASSING,
        None,
        True,
        "R6",
        "Law of 30 June 2025 (démarchage téléphonique consenti), in force 11 August 2026",
    ),
)

# Countries whose law requires prior consent for electronic prospecting even of
# professionals (R6: "Germany and Italy require consent even in B2B"). One place only.
B2B_CONSENT_COUNTRIES: Final[dict[str, str]] = {
    "DE": "Germany (UWG §7): prior consent required for B2B email, SMS and automated calls",
    "IT": "Italy (Codice privacy art. 130): prior consent required for B2B electronic prospecting",
}

ELECTRONIC_CHANNELS: Final = frozenset({"email", "sms", "automated_call"})


def consent_rule(purpose: Purpose, day: date) -> ChannelRule | None:
    """The rule in force on ``day`` that requires consent for this purpose, if any."""
    for row in CHANNEL_RULES:
        if (
            row.audience == purpose.audience
            and row.channel == purpose.channel
            and row.in_force(day)
            and row.consent_required
        ):
            return row
    return None


def check_purpose_allowed(purpose: Purpose, day: date) -> None:
    """Refuse to start a crawl whose purpose needs consent that scraped data never carries."""
    row = consent_rule(purpose, day)
    if row is not None:
        raise ComplianceConfigError(
            f"purpose {purpose.name!r} ({purpose.audience} {purpose.channel}) cannot use "
            f"scraped data: prior consent is required ({row.rule}: {row.source}, in force "
            f"since {row.effective_from.isoformat()}), and scraped contacts never carry it"
        )


def b2b_consent_country(purpose: Purpose, country: str | None) -> str | None:
    """For B2B electronic purposes: why a contact in ``country`` may not be kept, if so."""
    if purpose.audience != "b2b" or purpose.channel not in ELECTRONIC_CHANNELS or not country:
        return None
    return B2B_CONSENT_COUNTRIES.get(country.upper())


# -- Retention (R9) ---------------------------------------------------------------------------
# One home for the retention period: the store's retention clock, the contact event that moves
# it, the notice that states it and the Art. 30 register all read it from here.

RETENTION_YEARS: Final = 3
"""Years a prospect's data is kept after collection, or after the person's last contact with
the controller (CNIL guidance on prospecting: three years from the last contact)."""


def retention_until(first_seen: str) -> str:
    """The retention date of data first collected at ``first_seen`` (ISO date or time): first
    collection plus ``RETENTION_YEARS``, as an ISO date. Re-crawling never moves it."""
    return add_years(date.fromisoformat(first_seen[:10]), RETENTION_YEARS).isoformat()


def after_contact(current_until: str, contacted_on: date) -> str:
    """The retention date once the person contacted the controller on ``contacted_on`` (a
    reply, a click, a call): that day plus ``RETENTION_YEARS``, never earlier than now."""
    return max(current_until, add_years(contacted_on, RETENTION_YEARS).isoformat())
