"""The Art. 14 notice (R5, R11) of one contact, in its language, rendered by ``letters/``.

The facts come from the registry and the database only: the controller
(``controller.toml``), the purpose in the reader's language (``[NAME.notice.LANG]``), the
categories of data held, the source pages (called publicly accessible only when the domain's
policy is not ``authenticated``), the recipients of the contact's exports as
``recipients.toml`` declares them (role, country, transfer mechanism), the retention period
of the law table, and what the suppression list keeps. A fact that cannot be stated truly
refuses the notice: a language whose texts the purpose lacks, a purpose no longer in the
registry, a recipient the registry does not declare.

The language is the contact's country's (``letters.lang_for_country``; the country read as
the crawl reads it, ``values.countries``), French when unknown, or ``--lang``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from ..clock import day_of
from ..hashing import sha256_hex
from ..law import RETENTION_YEARS
from ..letters import LANGS, lang_for_country
from ..letters.notice import (
    NoticeData,
    Source,
    categories_of,
    render_notice,
    suppression_identifiers,
)
from ..policy.model import Purpose, Recipient, Registry
from ..policy.recipients import OWN_COPIES
from ..store import exports
from ..store.backend import Db
from ..values.countries import infer_country
from ..values.phones import normalise_phone
from .base import ToolingError
from .source_trail import sources_of

__all__ = ["LANGS", "Notice", "build_notice", "categories_of", "contact_lang", "facts_for"]

DEFAULT_LANG: Final = "fr"  # the controller's and the directories' language


@dataclass(frozen=True)
class Notice:
    contact_id: int
    lang: str
    text: str
    recipients: tuple[str, ...] = ()  # keys of the recipients the notice names

    @property
    def sha256(self) -> str:
        return sha256_hex(self.text)


def contact_lang(contact: dict[str, Any]) -> str:
    """The language of the person: from the contact's country, French when unknown."""
    phone = contact.get("phone")
    region = normalise_phone(phone, "FR").region if isinstance(phone, str) and phone else None
    country = infer_country(
        country=contact.get("country"),
        phone_region=region,
        email=contact.get("email"),
        website=contact.get("website"),
    )
    return lang_for_country(country.code if country else None, default=DEFAULT_LANG)


def recipients_for(
    db: Db, registry: Registry, contact_id: int, extra_recipient: str | None = None
) -> tuple[Recipient, ...]:
    """The declared recipients the contact's data went to (and the export being written)."""
    keys = [*exports.recipients_of(db, contact_id), *filter(None, [extra_recipient])]
    found: list[Recipient] = []
    for key in dict.fromkeys(k for k in keys if k not in OWN_COPIES):
        recipient = registry.recipients.get(key)
        if recipient is None:
            raise ToolingError(
                f"contact {contact_id} was exported to {key!r}, which recipients.toml does not "
                "declare: declare it (name, role, country) so that its notice can name it (R11)"
            )
        found.append(recipient)
    return tuple(found)


def _purpose(registry: Registry, contact: dict[str, Any]) -> Purpose:
    purpose = registry.purposes.get(str(contact["purpose"]))
    if purpose is None:
        raise ToolingError(
            f"contact {contact['id']}: purpose {contact['purpose']!r} is not in purposes.toml, "
            "so its notice has no text to state"
        )
    return purpose


def facts_for(
    db: Db,
    registry: Registry,
    contact: dict[str, Any],
    lang: str,
    extra_recipient: str | None = None,
    *,
    lang_chosen: bool = True,
) -> NoticeData:
    purpose = _purpose(registry, contact)
    missing = purpose.missing_notice_keys(lang)
    texts = purpose.notice_texts(lang)
    if missing or texts is None:
        raise ToolingError(_no_texts(registry, purpose, lang, missing, lang_chosen))
    policies = {p.file: p for p in registry.policies}
    seen: dict[str, Source] = {}
    for source in sources_of(db, int(contact["id"])):
        policy = policies.get(source.policy_file or "")
        # Not "publicly accessible" behind a login, nor when the deciding policy is gone.
        public = policy is not None and not policy.authenticated
        seen.setdefault(source.url, Source(source.url, day_of(source.retrieved_at), public))
    return NoticeData(
        contact_id=int(contact["id"]),
        controller=registry.controller,
        texts=texts,
        categories=categories_of(contact),
        sources=tuple(seen.values()),
        first_seen=day_of(str(contact["first_seen"])),
        retention_until=date.fromisoformat(str(contact["retention_until"])),
        retention_years=RETENTION_YEARS,
        recipients=recipients_for(db, registry, int(contact["id"]), extra_recipient),
        suppression_identifiers=suppression_identifiers(contact),
    )


def _no_texts(
    registry: Registry, purpose: Purpose, lang: str, missing: list[str], lang_chosen: bool
) -> str:
    """Why there is no notice in ``lang``, and what to do. Never another language on its own:
    the person is informed in their language (a French person in French), so a missing text
    is the controller's to write or the user's to choose (``--lang``), not the tool's."""
    table = f"[{purpose.name}.notice.{lang}]"
    lacks = (
        f"has no {table} table (a notice needs {', '.join(missing)})"
        if purpose.notice_texts(lang) is None
        else f"{table} lacks {', '.join(missing)}"
    )
    which = repr(lang) if lang_chosen else f"{lang!r} (the language of the contact's country)"
    others = [other for other in LANGS if other != lang and not purpose.missing_notice_keys(other)]
    then = (
        f"write them, or choose one of its languages with --lang {' or '.join(others)}"
        if others
        else "write them: it has no complete notice in any language"
    )
    return (
        f"no notice in {which} for purpose {purpose.name!r}: "
        f"{registry.directory / 'purposes.toml'} {lacks}; {then}"
    )


def build_notice(
    db: Db,
    registry: Registry,
    contact: dict[str, Any],
    lang: str | None = None,
    extra_recipient: str | None = None,
) -> Notice:
    """The notice in ``lang`` (the contact's own language when None); ``extra_recipient``
    is the key of the recipient of an export being written."""
    chosen = lang is not None
    lang = lang or contact_lang(contact)
    if lang not in LANGS:
        raise ToolingError(f"--lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    facts = facts_for(db, registry, contact, lang, extra_recipient, lang_chosen=chosen)
    keys = tuple(r.key for r in facts.recipients)
    return Notice(facts.contact_id, lang, render_notice(facts, lang), keys)
