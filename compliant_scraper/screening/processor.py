"""The chain every item passes before anything is stored, free of Scrapy so it can be
benchmarked and tested alone:

    provenance check -> normalise (and find numbers and addresses in text) -> suppression
    list (email, phone, name plus postal address) -> retention markers -> purpose rules ->
    minimise -> sensitive scan -> opposition lists -> usable?

The purpose rules (R6) are, in order: the law of the contact's country (``law.COUNTRY_RULES``;
the country read from the address, else the phone, else the email or website domain), the
target professions (``no_profession``, ``unrelated_to_offer``) and, for a B2B electronic
purpose, professional mailboxes only (``private_mailbox``).

Each value not kept is reported through ``on_drop(url, field, reason, rule)`` (the caller
records a ``drops`` row, never the value); a whole item not kept raises ``ContactDropped``
(the crawl's pipeline raises it again as Scrapy's ``ComplianceDrop``).

Numbers and addresses written in other fields ("Commercial - 06 12 34 56 78" in a job
title, ``checks.found_in_text``) are screened like the ``phone`` and ``email`` fields: one
on the suppression list drops the whole item (the person objected, R8), whichever field
held it, kept or not; a number on an opposition list drops the field that holds it
(``opposition_list``, R7), so a listed number is never stored, exported or logged under
another field's name. A possible number phonenumbers' metadata does not know is screened,
then dropped (``unallocated_phone``, R9, or ``opposition_list`` when listed).
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import ContactDropped
from ..law import ELECTRONIC_CHANNELS, b2b_consent_country, country_rules_apply
from ..policy.model import Purpose
from ..provenance import ITEM_KEY, Provenance
from ..rules import Rule
from ..values.countries import infer_country, unreadable_country
from ..values.emails import normalise_email
from ..values.fields import DERIVED_OF, KNOWN_KEYS, TEXT_FIELDS, canonical_keys
from ..values.identifiers import Found, find_identifiers
from ..values.mailboxes import provider_of
from ..values.phones import normalise_phone
from ..values.professions import ProfessionMatcher
from .checks import (
    Suppression,
    found_in_text,
    listed_in_text,
    on_opposition_list,
    suppressed,
    suppressed_in_text,
)
from .minimise import is_empty, minimise
from .sensitive import scan

logger = logging.getLogger(__name__)

OnDrop = Callable[[str, str, str, str], None]


# Directory pages repeat organisations, titles and localities: scan each (value, field) once.
_cached_scan = lru_cache(maxsize=65536)(scan)

# What each channel needs for a contact to be usable at all (R4: nothing kept without use).
CHANNEL_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "email": (("email",),),
    "sms": (("phone",),),
    "phone": (("phone",),),
    "automated_call": (("phone",),),
    "post": (("street_address", "locality"), ("street_address", "postal_code")),
}


@dataclass
class Processed:
    contact: dict[str, Any]
    provenance: Provenance
    fields: list[str]


class ContactProcessor:
    def __init__(
        self,
        purpose: Purpose,
        default_region: str,
        on_drop: OnDrop,
        suppression: Suppression,
        opposition: Container[str] | None,
        *,
        markers: Suppression | None = None,
    ) -> None:
        self.purpose = purpose
        # The retention markers of this purpose: people purged at the end of retention (R9).
        self.markers = markers
        self.default_region = default_region
        self.on_drop = on_drop
        self.suppression = suppression
        self.opposition = opposition  # every purpose: a listed number is never stored (R7)
        terms = purpose.target_professions
        self.professions = ProfessionMatcher(terms) if terms else None
        self.unknown_keys: set[str] = set()  # item keys already warned about
        # The last item's canonical email and E.164 number, kept or not (None when invalid
        # or absent): what its drops rows are keyed by (their hashes, issue 13).
        self.identifiers: tuple[str | None, str | None] = (None, None)
        self.check_mailbox = (
            purpose.audience == "b2b"
            and purpose.channel in ELECTRONIC_CHANNELS
            and not purpose.allow_private_mailboxes
        )

    def process(self, item: Mapping[str, Any]) -> Processed:
        self.identifiers = (None, None)
        provenance = item.get(ITEM_KEY)
        if not isinstance(provenance, Provenance):
            # No response, or a response no policy and robots.txt record vouch for (R5).
            self.on_drop("", "*", "no_provenance", Rule.R5)
            raise ContactDropped("no_provenance", Rule.R5, "item has no verifiable source")
        url = provenance.source_url
        contact, found = self._normalise(item, url)
        # Before minimisation: an objection made by email must stop a phone-purpose crawl
        # from keeping that person's phone, and the other way round (R8).
        self._check_suppression(contact, found, url)
        self._purpose_rules(contact, url)
        contact, dropped = minimise(contact, self.purpose)
        for field in dropped:
            self.on_drop(url, field, "not_needed_for_purpose", Rule.R4)
        self._scan(contact, url)
        self._check_opposition(contact, found, url)
        self._require_usable(contact, url)
        fields = sorted(k for k, v in contact.items() if k in self.purpose.fields and v)
        return Processed(contact, provenance, fields)

    def _drop_item(self, url: str, reason: str, rule: str, detail: str) -> ContactDropped:
        self.on_drop(url, "*", reason, rule)
        return ContactDropped(reason, rule, detail)

    def _normalise(
        self, item: Mapping[str, Any], url: str
    ) -> tuple[dict[str, Any], dict[str, Found]]:
        region = self.default_region
        mapped, unknown = canonical_keys(item)
        contact = {k: v for k, v in mapped.items() if k != ITEM_KEY and not is_empty(v)}
        self._warn_unknown([k for k in unknown if k in contact])
        for key, value in list(contact.items()):
            if key not in ("provenance",) and not isinstance(value, str):
                contact[key] = _as_text(value)
        found = found_in_text(contact, region)
        raw_phone = contact.pop("phone", None)
        e164 = None
        if raw_phone:
            phone = normalise_phone(raw_phone, region)
            e164 = phone.e164
            if phone.e164 is not None and not phone.ok:  # possible, but not allocated
                found["phone"] = Found(phones=(phone.e164,))
                listed = on_opposition_list(phone.e164, self.opposition)
                reason = "opposition_list" if listed else (phone.reason or "unallocated_phone")
                self.on_drop(url, "phone", reason, Rule.R7 if listed else Rule.R9)
            elif phone.e164 is None:
                found["phone"] = find_identifiers(raw_phone, region)  # "06 12 ... (Jean)"
                self.on_drop(url, "phone", phone.reason or "invalid_phone", Rule.R9)
            else:
                contact["phone"] = phone.e164
                contact["phone_type"] = phone.number_type
                contact["_phone_region"] = phone.region
        raw_email = contact.pop("email", None)
        canonical = None
        if raw_email:
            email = normalise_email(raw_email)
            canonical = email.canonical
            if email.email is None:
                found["email"] = find_identifiers(raw_email, region)  # "Jean <jean@acme.fr>"
                self.on_drop(url, "email", email.reason or "invalid_email", Rule.R9)
            else:
                # The canonical (lower-cased) form: what de-duplication and the suppression
                # list's keyed hashes compare.
                contact["email"] = email.canonical or email.email
                contact["email_kind"] = email.kind
        self.identifiers = (canonical, e164)
        return contact, found

    def _warn_unknown(self, keys: list[str]) -> None:
        """One WARNING per key per processor (per crawl): its values are dropped (R4)."""
        for key in keys:
            if key in self.unknown_keys:
                continue
            self.unknown_keys.add(key)
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            logger.warning(
                "Item key %r is neither a contact field nor a schema.org name mapped to one: "
                "its values are dropped (named in the item's drops row, R4)%s. Fields and the "
                "schema.org names read as them: docs/architecture.md#items",
                key,
                f"; did you mean {close[0]!r}?" if close else "",
            )

    def _purpose_rules(self, contact: dict[str, Any], url: str) -> None:
        region = contact.pop("_phone_region", None)
        country = infer_country(
            country=contact.get("country"),
            phone_region=region,
            email=contact.get("email"),
            website=contact.get("website"),
        )
        written = contact.get("country")
        if unreadable_country(written) and country_rules_apply(self.purpose):
            # The law of the person's country decides (R6); when the address names a country
            # no one can read, it is not guessed from the phone or the domain (fail closed).
            raise self._drop_item(
                url,
                "b2b_consent_country",
                Rule.R6,
                f"the address country {str(written)[:40]!r} names no country the law table "
                "can look up: not kept for a B2B prospecting purpose until it is corrected",
            )
        why = b2b_consent_country(self.purpose, country.code if country else None)
        if why and country is not None:
            detail = f"{why} [country {country.describe()}]"
            raise self._drop_item(url, "b2b_consent_country", Rule.R6, detail)
        self._check_profession(contact, url)
        self._check_mailbox(contact, url)

    def _check_profession(self, contact: dict[str, Any], url: str) -> None:
        """R6 (NESTOR): the message must relate to the person's profession."""
        if self.professions is None:
            return
        texts = [contact.get("job_title"), contact.get("organization")]
        if contact.get("kind") == "organization":
            texts.append(contact.get("name"))  # an organisation's own record names it
        if not any(isinstance(t, str) and t.strip() for t in texts):
            raise self._drop_item(
                url,
                "no_profession",
                Rule.R6,
                "neither a job title nor an organization: the contact's profession is "
                f"unknown, so it is not a prospect for {self.purpose.name!r}",
            )
        if self.professions.match(*texts) is None:
            raise self._drop_item(
                url,
                "unrelated_to_offer",
                Rule.R6,
                "neither the job title nor the organization contains a target profession of "
                f"{self.purpose.name!r} ({self.purpose.offer or 'its offer'})",
            )

    def _check_mailbox(self, contact: dict[str, Any], url: str) -> None:
        """R6: the B2B exception covers professional addresses, not a person's own mailbox."""
        email = contact.get("email")
        if not self.check_mailbox or not isinstance(email, str):
            return
        provider = provider_of(email)
        if provider is None:
            return
        detail = f"an address at a consumer mailbox provider ({provider}) is the person's own"
        if self.purpose.channel == "email":
            raise self._drop_item(url, "private_mailbox", Rule.R6, detail)
        del contact["email"]
        contact.pop("email_kind", None)
        self.on_drop(url, "email", "private_mailbox", Rule.R6)

    def _scan(self, contact: dict[str, Any], url: str) -> None:
        # Codes (a number, a country) hold nothing to scan: only the text fields are read.
        for field in [k for k in contact if k in self.purpose.fields and k in TEXT_FIELDS]:
            value = contact[field]
            if isinstance(value, str) and value:
                hit = _cached_scan(value, field)
                if hit is not None:
                    del contact[field]
                    contact.pop(DERIVED_OF.get(field, ""), None)
                    self.on_drop(url, field, f"sensitive_{hit.category}", hit.rule)

    def _check_suppression(
        self, contact: dict[str, Any], found: dict[str, Found], url: str
    ) -> None:
        if suppressed(contact, self.suppression):
            raise self._drop_item(url, "suppressed", Rule.R8, "on the suppression list")
        field = suppressed_in_text(found, self.suppression)
        if field is not None:
            raise self._drop_item(
                url, "suppressed", Rule.R8, f"field {field!r} holds an identifier on the list"
            )
        if self.markers is not None and suppressed(contact, self.markers):
            raise self._drop_item(
                url,
                "retention_expired",
                Rule.R9,
                "purged at the end of its retention for this purpose: collecting it again "
                "would renew the clock (until a contact from the person is recorded)",
            )

    def _check_opposition(self, contact: dict[str, Any], found: dict[str, Found], url: str) -> None:
        if on_opposition_list(contact.get("phone"), self.opposition):
            del contact["phone"]
            contact.pop(DERIVED_OF["phone"], None)
            self.on_drop(url, "phone", "opposition_list", Rule.R7)
        for field in listed_in_text(found, self.opposition, contact):
            del contact[field]
            self.on_drop(url, field, "opposition_list", Rule.R7)

    def _require_usable(self, contact: dict[str, Any], url: str) -> None:
        needs = CHANNEL_NEEDS.get(self.purpose.channel, ())
        if needs and not any(all(contact.get(f) for f in option) for option in needs):
            raise self._drop_item(
                url,
                "nothing_usable_for_purpose",
                Rule.R4,
                f"no {' or '.join('+'.join(o) for o in needs)} left for a "
                f"{self.purpose.channel} purpose",
            )


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value if not is_empty(v))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return str(value)
