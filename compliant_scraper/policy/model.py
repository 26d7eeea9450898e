"""The policy registry's data model: what legal writes in ``policies/``, once validated.

Field names are a contract (docs/policy-format.md); loader.py maps TOML onto these classes.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Purpose:
    """One table of ``policies/purposes.toml``: the declared purpose of a crawl (R4, R6)."""

    name: str
    channel: str  # one of CHANNELS
    audience: str  # one of AUDIENCES
    legal_basis: str
    fields: tuple[str, ...]  # subset of values.fields.CONTACT_FIELDS
    opposition_max_age_days: int | None = None
    opposition_lists: tuple[str, ...] = ("bloctel",)  # consulted when channel == "phone"
    description: str | None = None


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
