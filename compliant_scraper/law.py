"""What the law allows for scraped data, encoded as dated rows (R6, R7).

A change of law is a new row with its effective date, never an edit of an old row: a crawl
is judged on its own date, and an auditor can still read which rule applied before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Literal, Protocol

from .clock import add_years
from .errors import ComplianceConfigError


class Purpose(Protocol):
    """What the law reads of a purpose (``policy.model.Purpose`` has it): law.py imports
    nothing from ``policy/``, so the policy loader can check its files against these tables."""

    @property
    def name(self) -> str: ...
    @property
    def channel(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def opposition_lists(self) -> tuple[str, ...]: ...
    @property
    def sector(self) -> str | None: ...


class _Dated:
    """A law row in force from ``effective_from`` until ``effective_until`` (exclusive)."""

    effective_from: date
    effective_until: date | None

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_until is None or day < self.effective_until
        )


@dataclass(frozen=True)
class ChannelRule(_Dated):
    audience: str
    channel: str
    effective_from: date
    effective_until: date | None  # exclusive; None = still in force
    consent_required: bool
    rule: str
    source: str


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


# -- Across borders, registers, sectors, transfers (R6, R7, R11) ------------------------------
# Each row cites its law. A row whose reading is not settled says so (``settled=False``, with
# a note for legal) and still decides the safe way; a country with no row has not been
# assessed, so a purpose whose channel it governs does not keep its contacts (fail closed).

# Electronic communications in the ePrivacy sense (Directive 2002/58/EC Art. 13(1)).
ELECTRONIC_CHANNELS: Final = frozenset({"email", "sms", "automated_call"})
PHONE_CHANNELS: Final = frozenset({"phone"})
_ANY_PROSPECTING: Final = ELECTRONIC_CHANNELS | PHONE_CHANNELS

Requirement = Literal["opt_out", "consent", "presumed_consent"]


@dataclass(frozen=True)
class CountryRule(_Dated):
    """What the law of ``country`` requires to prospect professionals on ``channels`` (R6).

    ``opt_out``: allowed unless the person objected (scraped contacts may be kept);
    ``consent`` / ``presumed_consent``: scraped data never carries either, so such contacts
    are not kept. ``register``: an opposition list the purpose must consult (``opt_out``).
    """

    country: str  # ISO 3166 alpha-2
    channels: frozenset[str]
    requirement: Requirement
    source: str
    effective_from: date
    effective_until: date | None = None  # exclusive; None = still in force
    settled: bool = True  # False: our reading is not settled; the row says why in ``note``
    note: str = ""
    register: str | None = None
    rule: str = "R6"

    @property
    def allows_scraped(self) -> bool:
        return self.requirement == "opt_out"


COUNTRY_RULES: Final[tuple[CountryRule, ...]] = (
    CountryRule(
        "FR",
        ELECTRONIC_CHANNELS,
        "opt_out",
        "CPCE L34-5: B2B email, SMS and automated calls without consent only when the message "
        "relates to the recipient's profession, with information and an opt-out (CNIL doctrine)",
        _EPOCH,
    ),
    CountryRule(
        "FR",
        PHONE_CHANNELS,
        "opt_out",
        "Code de la consommation L223-1 protects consumers only: calls to professionals are "
        "allowed unless the person objected (GDPR Art. 21)",
        _EPOCH,
    ),
    CountryRule(
        "DE",
        ELECTRONIC_CHANNELS,
        "consent",
        "UWG §7(2) Nr. 2 (Nr. 3 until 27 May 2022): advertising by automated calling machine, "
        "fax or electronic post needs the addressee's prior express consent, professionals "
        "included",
        date(2022, 5, 28),
    ),
    CountryRule(
        "DE",
        PHONE_CHANNELS,
        "presumed_consent",
        "UWG §7(2) Nr. 1 (Nr. 2 until 27 May 2022): an advertising call to a professional needs "
        "at least presumed consent, which a scraped contact cannot show",
        date(2022, 5, 28),
    ),
    CountryRule(
        "AT",
        ELECTRONIC_CHANNELS,
        "consent",
        "TKG 2021 §174(3): electronic mail, SMS included, for direct marketing needs the "
        "recipient's prior consent, businesses included",
        date(2021, 11, 1),
    ),
    CountryRule(
        "AT",
        PHONE_CHANNELS,
        "consent",
        "TKG 2021 §174(1): advertising calls need the subscriber's (Teilnehmer) prior consent",
        date(2021, 11, 1),
        settled=False,
        note="read as covering business subscribers as well (as TKG 2003 §107(1) was); "
        "to be confirmed by Austrian counsel",
    ),
    CountryRule(
        "IT",
        ELECTRONIC_CHANNELS,
        "consent",
        "Codice privacy (D.lgs. 196/2003) art. 130(1)-(2): automated calls, fax, email, SMS "
        "and MMS for direct marketing need the prior consent of the subscriber or user, legal "
        "persons included",
        date(2018, 9, 19),
    ),
    CountryRule(
        "IT",
        PHONE_CHANNELS,
        "opt_out",
        "Codice privacy art. 130(3-bis): operator calls are allowed to numbers not entered in "
        "the Registro pubblico delle opposizioni",
        date(2018, 9, 19),
        settled=False,
        note="how far the register protects business numbers is not settled here; the "
        "purpose must consult the imported register (list name rpo)",
        register="rpo",
    ),
    CountryRule(
        "ES",
        ELECTRONIC_CHANNELS,
        "consent",
        "LSSI (Ley 34/2002) art. 21(1): commercial communications by email or an equivalent "
        "electronic means need the recipient's prior request or express authorisation",
        date(2002, 10, 12),
        settled=False,
        note="the article makes no exception for professionals as we read it; to be confirmed",
    ),
    CountryRule(
        "ES",
        PHONE_CHANNELS,
        "consent",
        "Ley 11/2022 General de Telecomunicaciones art. 66(1)(b): end users may not receive "
        "unsolicited commercial calls without their prior consent",
        date(2023, 6, 29),
        settled=False,
        note="whether end users acting as professionals are protected is not settled here; "
        "refused until legal decides",
    ),
)
NOT_ASSESSED: Final = (
    "not assessed in the law table (compliant_scraper/law.py COUNTRY_RULES): the ePrivacy "
    "Directive 2002/58/EC Art. 13 leaves B2B prospecting to each country, so contacts there "
    "are not kept until legal adds a row"
)


def country_rule(channel: str, country: str, day: date) -> CountryRule | None:
    """The row in force on ``day`` for professionals in ``country`` on ``channel``, if any."""
    code = country.upper()
    for row in COUNTRY_RULES:
        if row.country == code and channel in row.channels and row.in_force(day):
            return row
    return None


def country_rules_apply(purpose: Purpose) -> bool:
    """Whether the person's country decides for this purpose (B2B prospecting by phone or
    an electronic channel; post is not governed by ``COUNTRY_RULES``)."""
    return purpose.audience == "b2b" and purpose.channel in _ANY_PROSPECTING


def b2b_consent_country(
    purpose: Purpose, country: str | None, day: date | None = None
) -> str | None:
    """Why a contact in ``country`` may not be kept for this B2B purpose, or None (R6).

    Only prospecting channels are governed (post is not). An unknown country is the crawl's
    own (the directory's region, ``COMPLIANCE_DEFAULT_REGION``), so it yields None.
    """
    channel = purpose.channel
    if not country_rules_apply(purpose) or not country:
        return None
    code = country.upper()
    row = country_rule(channel, code, day or _utc_today())
    if row is None:
        return f"{code}, {channel}: {NOT_ASSESSED}"
    unsettled = "" if row.settled else f" (reading not settled: {row.note})"
    if row.allows_scraped:
        if row.register is not None and row.register not in purpose.opposition_lists:
            return (
                f"{code}, {channel}: {row.source}; purpose {purpose.name!r} does not consult "
                f"the {row.register!r} opposition list{unsettled}"
            )
        return None
    needed = "prior consent" if row.requirement == "consent" else "at least presumed consent"
    return f"{code}, {channel}: {needed} required ({row.source}){unsettled}"


def _utc_today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class OppositionRegister:
    """An opposition register whose lists are imported under ``name`` (R7)."""

    name: str
    jurisdiction: str
    title: str
    closed_on: date | None  # the register's last day; it publishes no list after it
    source: str


OPPOSITION_REGISTERS: Final[tuple[OppositionRegister, ...]] = (
    OppositionRegister(
        "bloctel",
        "FR",
        "Bloctel",
        date(2026, 8, 10),
        "Code de la consommation L223-1 (as before the law of 30 June 2025): the consumer "
        "opposition list; its concession ended on 10 August 2026, when prior consent replaced "
        "opposition for consumer calls (law n° 2025-594 of 30 June 2025)",
    ),
)


def opposition_register(name: str) -> OppositionRegister | None:
    return next((r for r in OPPOSITION_REGISTERS if r.name == name), None)


@dataclass(frozen=True)
class ListAge:
    """How old a list is for a freshness rule (R7): counted while its register was open."""

    days: int
    closed: OppositionRegister | None  # set when the register has closed (a final list)

    def final(self) -> bool:
        return self.closed is not None


def list_age(name: str, list_date: date, today: date) -> ListAge:
    """A closed register's final list is a permanent record of objections: its age stops at
    the closing date, so ``opposition_max_age_days`` no longer forces anyone to re-date it."""
    register = opposition_register(name)
    closed_on = register.closed_on if register is not None else None
    if closed_on is not None and today > closed_on and list_date <= closed_on:
        return ListAge((closed_on - list_date).days, register)
    # An open register's list, or one dated after the closing date (not one of the
    # register's lists, see check_list_date): it ages every day.
    return ListAge((today - list_date).days, None)


def check_list_date(name: str, list_date: date) -> str | None:
    """Why a list of ``name`` dated ``list_date`` cannot be genuine, or None: a closed
    register publishes nothing after its closing date (a later date is a re-dated file)."""
    register = opposition_register(name)
    if register is not None and register.closed_on is not None and list_date > register.closed_on:
        return (
            f"{register.title} closed on {register.closed_on.isoformat()} and publishes no list "
            f"after that date: a list dated {list_date.isoformat()} is not one of its lists (R7)"
        )
    return None


SECTORS: Final[dict[str, str]] = {
    "energy_renovation": "energy renovation: work or equipment in housing for energy savings "
    "or renewable energy",
    "housing_adaptation": "adaptation of housing to ageing or disability",
}


@dataclass(frozen=True)
class SectorRule(_Dated):
    """A sector in which prospecting on ``channels`` is banned outright (R6)."""

    sector: str  # a key of SECTORS
    channels: frozenset[str]
    effective_from: date
    effective_until: date | None
    source: str
    rule: str = "R6"
    # The texts protect consumers; a scraped professional cannot be shown not to be
    # prospected about their own home, so every audience is refused (fail closed).


_FRAUD_LAW: Final = date(2025, 7, 1)  # law n° 2025-594 of 30 June 2025, JO of 1 July 2025
SECTOR_RULES: Final[tuple[SectorRule, ...]] = (
    SectorRule(
        "energy_renovation",
        PHONE_CHANNELS,
        date(2020, 7, 26),
        _FRAUD_LAW,
        "Code de la consommation L223-1 as amended by law n° 2020-901 of 24 July 2020: phone "
        "prospecting for energy-saving work or equipment in housing is banned",
    ),
    SectorRule(
        "energy_renovation",
        _ANY_PROSPECTING,
        _FRAUD_LAW,
        None,
        "Law n° 2025-594 of 30 June 2025 against fraud in public aid: prospecting by phone, "
        "SMS, email or social networks for energy renovation is banned",
    ),
    SectorRule(
        "housing_adaptation",
        _ANY_PROSPECTING,
        _FRAUD_LAW,
        None,
        "Law n° 2025-594 of 30 June 2025 against fraud in public aid: prospecting by phone, "
        "SMS, email or social networks for adapting housing to ageing or disability is banned",
    ),
)


def sector_rule(sector: str | None, channel: str, day: date) -> SectorRule | None:
    """The ban in force on ``day`` for prospecting in ``sector`` on ``channel``, if any."""
    if sector is None:
        return None
    for row in SECTOR_RULES:
        if row.sector == sector and channel in row.channels and row.in_force(day):
            return row
    return None


# Transfers (R11, GDPR Art. 44-49): within the EEA data flow freely; outside it a transfer
# needs an adequacy decision (Art. 45) or appropriate safeguards such as standard
# contractual clauses or binding corporate rules (Art. 46-47).
_EU: Final = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
# The EU member states and the EEA Agreement's IS, LI, NO (the GDPR applies there since 2018).
EEA: Final = frozenset((*_EU.split(), "IS", "LI", "NO"))
TRANSFER_MECHANISMS: Final[dict[str, str]] = {
    "adequacy": "adequacy decision of the European Commission (GDPR Art. 45)",
    "scc": "standard contractual clauses adopted by the European Commission (GDPR Art. 46(2)(c))",
    "bcr": "binding corporate rules (GDPR Art. 46(2)(b) and 47)",
}


@dataclass(frozen=True)
class AdequacyDecision:
    country: str
    decision: str
    adopted: date
    scope: str = ""  # when the decision covers only some recipients
    settled: bool = True
    note: str = ""


ADEQUACY_DECISIONS: Final[tuple[AdequacyDecision, ...]] = (
    AdequacyDecision("AD", "Commission Decision 2010/625/EU", date(2010, 10, 19)),
    AdequacyDecision("AR", "Commission Decision 2003/490/EC", date(2003, 6, 30)),
    AdequacyDecision(
        "CA",
        "Commission Decision 2002/2/EC",
        date(2001, 12, 20),
        scope="commercial organisations subject to PIPEDA",
    ),
    AdequacyDecision("CH", "Commission Decision 2000/518/EC", date(2000, 7, 26)),
    AdequacyDecision("FO", "Commission Decision 2010/146/EU", date(2010, 3, 5)),
    AdequacyDecision("GG", "Commission Decision 2003/821/EC", date(2003, 11, 21)),
    AdequacyDecision("IL", "Commission Decision 2011/61/EU", date(2011, 1, 31)),
    AdequacyDecision("IM", "Commission Decision 2004/411/EC", date(2004, 4, 28)),
    AdequacyDecision("JE", "Commission Decision 2008/393/EC", date(2008, 5, 8)),
    AdequacyDecision("JP", "Commission Implementing Decision (EU) 2019/419", date(2019, 1, 23)),
    AdequacyDecision("KR", "Commission Implementing Decision (EU) 2022/254", date(2021, 12, 17)),
    AdequacyDecision("NZ", "Commission Implementing Decision 2013/65/EU", date(2012, 12, 19)),
    AdequacyDecision(
        "GB",
        "Commission Implementing Decision (EU) 2021/1772",
        date(2021, 6, 28),
        settled=False,
        note="adopted with a sunset clause (27 June 2025); check that it was extended or "
        "renewed before relying on it",
    ),
    AdequacyDecision(
        "US",
        "Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework)",
        date(2023, 7, 10),
        scope="organisations certified under the EU-US Data Privacy Framework",
    ),
    AdequacyDecision("UY", "Commission Implementing Decision 2012/484/EU", date(2012, 8, 21)),
)


def adequacy_decision(country: str) -> AdequacyDecision | None:
    code = country.upper()
    return next((d for d in ADEQUACY_DECISIONS if d.country == code), None)


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
    """Refuse to start a crawl (or an export) whose purpose needs consent that scraped data
    never carries, or whose sector bans prospecting on its channel, on ``day``."""
    row = consent_rule(purpose, day)
    if row is not None:
        raise ComplianceConfigError(
            f"purpose {purpose.name!r} ({purpose.audience} {purpose.channel}) cannot use "
            f"scraped data: prior consent is required ({row.rule}: {row.source}, in force "
            f"since {row.effective_from.isoformat()}), and scraped contacts never carry it"
        )
    banned = sector_rule(purpose.sector, purpose.channel, day)
    if banned is not None:
        raise ComplianceConfigError(
            f"purpose {purpose.name!r} (sector {banned.sector}: {SECTORS[banned.sector]}): "
            f"{purpose.channel} prospecting is banned in this sector ({banned.rule}: "
            f"{banned.source}, in force since {banned.effective_from.isoformat()})"
        )


# -- Retention (R9) ---------------------------------------------------------------------------
# One home for the retention period: the store's retention clock, the contact event that moves
# it, the notice that states it and the Art. 30 register all read it from here.

RETENTION_YEARS: Final = 3
"""Years a prospect's data is kept after collection, or after the person's last contact with
the controller (CNIL guidance on prospecting: three years from the last contact)."""


STALE_AFTER_DAYS: Final = 90
"""Days a contact whose every source page is gone (404/410, or no longer showing it) is kept
before ``purge`` deletes it, unless its purpose sets ``stale_after_days`` (R9: accuracy; the
CNIL warned Yatedo for profiles kept after their source accounts were deleted)."""


def retention_until(first_seen: str) -> str:
    """The retention date of data first collected at ``first_seen`` (ISO date or time): first
    collection plus ``RETENTION_YEARS``, as an ISO date. Re-crawling never moves it."""
    return add_years(date.fromisoformat(first_seen[:10]), RETENTION_YEARS).isoformat()


def after_contact(current_until: str, contacted_on: date) -> str:
    """The retention date once the person contacted the controller on ``contacted_on`` (a
    reply, a click, a call): that day plus ``RETENTION_YEARS``, never earlier than now."""
    return max(current_until, add_years(contacted_on, RETENTION_YEARS).isoformat())
