"""The policy registry's data model: what legal writes in ``policies/``, once validated.

Field names are a contract (docs/policy-format.md); loader.py maps TOML onto these classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Final, Literal

from ..records import PolicySnapshot
from .hosts import candidates

CHANNELS: Final = ("email", "sms", "phone", "automated_call", "post")
AUDIENCES: Final = ("b2b", "b2c")

Extraction = Literal["allowed", "forbidden"]


@dataclass(frozen=True)
class DomainPolicy:
    """One ``policies/domains/*.toml`` file: legal's decision on one domain (R2)."""

    file: str  # path relative to the policy directory, e.g. "domains/linkedin.com.toml"
    sha256: str  # of the file's bytes
    content: str  # the file's text, kept for policy_snapshots
    domain: str  # normalised: lower case, IDNA (punycode) form, no trailing dot
    extraction: Extraction
    reason: str
    terms_url: str
    reviewed_by: str
    reviewed_on: date
    review_every_days: int = 365
    clause: str | None = None  # the clause of the terms that decides, e.g. "User Agreement 8.2"
    paths: tuple[str, ...] = ()  # allowed path prefixes; empty means every path
    purposes: tuple[str, ...] | None = None  # allowed purpose names; None means all
    authenticated: bool = False
    tdm_licence: str | None = None
    notes: str | None = None

    @cached_property
    def review_due(self) -> date:
        """The last day the review is valid: the policy is overdue the day after."""
        return self.reviewed_on + timedelta(days=self.review_every_days)

    def overdue(self, today: date) -> bool:
        return self.review_due < today

    def snapshot(self) -> PolicySnapshot:
        return PolicySnapshot(
            file=self.file, domain=self.domain, sha256=self.sha256, content=self.content
        )


NOTICE_LANGS: Final = ("fr", "en", "de", "es", "it")  # the languages letters/ ships
REQUIRED_NOTICE_LANGS: Final = ("fr", "en")
RECIPIENT_ROLES: Final = ("processor", "joint_controller", "controller")


@dataclass(frozen=True)
class NoticeTexts:
    """``[NAME.notice.LANG]``: the purpose as a notice in that language states it (R5)."""

    description: str
    legal_basis: str
    legitimate_interest: str | None = None


@dataclass(frozen=True)
class Purpose:
    """One table of ``policies/purposes.toml``: the declared purpose of a crawl (R4, R6).

    Issue 12 keys: what is offered and to whom (``offer``, ``target_professions``), the
    legitimate interest and its assessments (``legitimate_interest``, ``lia``, ``dpia`` or
    ``dpia_not_required``, R13), the notice texts per language, whether consumer mailboxes
    may be kept, and the sector (the law bans some sectors outright).
    """

    name: str
    channel: str  # one of CHANNELS
    audience: str  # one of AUDIENCES
    legal_basis: str
    fields: tuple[str, ...]  # subset of values.fields.CONTACT_FIELDS
    opposition_max_age_days: int | None = None
    opposition_lists: tuple[str, ...] = ("bloctel",)  # consulted when channel == "phone"
    description: str | None = None
    offer: str | None = None  # what is offered (required in purposes.toml)
    legitimate_interest: str | None = None  # the interest pursued (Art. 6(1)(f))
    notice: tuple[tuple[str, NoticeTexts], ...] = ()  # (lang, texts), from [NAME.notice.LANG]
    target_professions: tuple[str, ...] = ()  # job_title or organization must contain one
    allow_private_mailboxes: bool = False
    lia: str | None = None  # file under policies/: the legitimate-interests assessment
    dpia: str | None = None  # file under policies/: the DPIA
    dpia_not_required: str | None = None  # or why no DPIA is needed
    sector: str | None = None
    stale_after_days: int | None = None  # None: law.STALE_AFTER_DAYS (issue 13, source_gone)

    @property
    def legitimate_interest_basis(self) -> bool:
        """Whether ``legal_basis`` is a legitimate interest (GDPR Art. 6(1)(f)), as legal may
        write it in any of the notice languages ("Intérêt légitime (art. 6.1.f RGPD)").

        Fail closed (R13): a basis that names no other Art. 6(1) ground (consent, contract,
        legal obligation, vital interests, public task) is read as a legitimate interest,
        so its assessments are required rather than silently skipped."""
        return legitimate_interest_basis(self.legal_basis)

    def notice_texts(self, lang: str) -> NoticeTexts | None:
        return dict(self.notice).get(lang)

    def missing_notice_keys(self, lang: str) -> list[str]:
        """The ``[NAME.notice.LANG]`` keys a notice in ``lang`` lacks (empty: it can be sent)."""
        texts = self.notice_texts(lang)
        needed = ["description", "legal_basis"]
        if self.legitimate_interest_basis:
            needed.append("legitimate_interest")
        if texts is None:
            return needed
        return [k for k in needed if not getattr(texts, k)]


# "6(1)(f)", "6.1.f", "6-1-f", "6 (1) f", "article 6, paragraphe 1, point f", "Art. 6 Abs. 1
# lit. f", "Art. 6 Abs. 1 Buchst. f": group 1 is the letter of the ground.
_ARTICLE_6: Final = re.compile(
    r"\b6\s*[,.\-/]?\s*(?:(?:§|abs|para(?:graph|graphe)?|paragrafo|apartado|al)\.?\s*)?"
    r"\(?\s*1\s*\)?\s*[,.\-/]?\s*(?:(?:lit|buchst|point|letter|lettera|letra)\.?\s*)?"
    r"\(?\s*([a-f])\s*\)?(?![a-z])"
)
_LEGITIMATE_INTEREST: Final = re.compile(
    r"legitimate interest|interet legitime|berechtigte[ns]? interesse|interes legitimo"
    r"|legittimo interesse|interesse legittimo"
)
_OTHER_GROUND: Final = re.compile(
    r"consent|einwillig|consenso|consentimiento|contra(?:ct|t|to|tto)\b|vertrag"
    r"|legal obligation|obligation legale|rechtliche verpflichtung|obligacion legal"
    r"|obbligo legale|vital interest|interets? vitaux|public (?:task|interest)"
    r"|mission d.interet public"
)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def legitimate_interest_basis(legal_basis: str) -> bool:
    """Whether a purpose's ``legal_basis`` relies on GDPR Art. 6(1)(f); see
    ``Purpose.legitimate_interest_basis``."""
    text = _fold(legal_basis)
    letters = {m.group(1) for m in _ARTICLE_6.finditer(text)}
    if "f" in letters or _LEGITIMATE_INTEREST.search(text):
        return True
    return not (letters or _OTHER_GROUND.search(text))


@dataclass(frozen=True)
class Recipient:
    """One table of ``policies/recipients.toml``: who may receive exports, and how (R10, R11)."""

    key: str
    name: str
    role: str  # one of RECIPIENT_ROLES
    country: str  # ISO 3166 alpha-2
    purposes: tuple[str, ...]  # the purposes it may receive
    contract: str | None = None  # Art. 28 or Art. 26 agreement (processor, joint controller)
    transfer_mechanism: str | None = None  # adequacy | scc | bcr (outside the EEA)
    transfer_reference: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Controller:
    """``policies/controller.toml``: who the controller is, for Art. 14 notices (R5)."""

    name: str
    address: str
    contact: str
    privacy_url: str
    dpo: str | None = None


@dataclass(frozen=True)
class Registry:
    """The whole validated registry. Build it with ``loader.load_registry``."""

    directory: Path
    policies: tuple[DomainPolicy, ...]
    purposes: Mapping[str, Purpose]
    controller: Controller
    files: Mapping[str, str] = field(default_factory=dict)  # relative file -> sha256
    recipients: Mapping[str, Recipient] = field(default_factory=dict)  # recipients.toml
    # normalised domain -> policy; and host -> most specific policy (a bounded cache)
    _by_domain: dict[str, DomainPolicy] = field(init=False, repr=False, compare=False)
    _matches: dict[str, DomainPolicy | None] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_domain", {p.domain: p for p in self.policies})

    def snapshots(self) -> list[PolicySnapshot]:
        return [p.snapshot() for p in self.policies]

    def get(self, domain: str) -> DomainPolicy | None:
        """The policy written for exactly ``domain`` (normalised), if any."""
        return self._by_domain.get(domain)

    def match(self, host: str) -> DomainPolicy | None:
        """The most specific policy covering ``host``, which must be normalised
        (``hosts.normalise_host``): the policy for the host itself, else for its closest
        parent domain on whole labels. ``None`` when no policy covers it.
        """
        matches = self._matches
        try:
            return matches[host]
        except KeyError:
            pass
        found = None
        for candidate in candidates(host):
            found = self._by_domain.get(candidate)
            if found is not None:
                break
        if len(matches) >= _MATCH_CACHE_SIZE:
            matches.clear()
        matches[host] = found
        return found


_MATCH_CACHE_SIZE: Final = 1 << 17
