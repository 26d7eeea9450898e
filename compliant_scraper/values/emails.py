"""Email normalisation: validity (syntax only), the canonical form, generic or personal (R1).

``normalise_email`` runs once per item, so it is cached on the raw value: a directory repeats
the same ``contact@`` address on hundreds of pages. Plain ASCII addresses that email-validator
certainly accepts skip it (it costs about 25 us an address) through ``_fast_email``; tests
check the two never disagree. No network is ever used: deliverability (DNS) is not checked
during a crawl.

``canonical`` (the whole address lower-cased, an IDN domain in its ASCII form) is the one
form to compare or hash: de-duplication and the suppression list use it. An invalid value
gives a result whose ``reason`` (``invalid_email``) the pipeline records as a drop; the value
itself never appears in a reason or a message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

INVALID_EMAIL: Final = "invalid_email"
_CACHE_SIZE: Final = 1 << 16


@dataclass(frozen=True, slots=True)
class EmailResult:
    """A valid address (``email`` with its domain lower-cased) and its ``kind``, or ``reason``.

    ``kind`` is ``generic`` for a role address (not personal data, R1) else ``personal``.
    ``canonical`` (the whole address lower-cased, IDN domains in ASCII form) is the one form
    to compare or hash: the suppression list uses it.
    """

    email: str | None
    kind: str | None = None
    canonical: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.email is not None


_INVALID_EMAIL: Final = EmailResult(None, reason=INVALID_EMAIL)


# Role addresses: a function, not a person (R1). Compared without accents, separators, a
# "+tag" or trailing digits, so "Service-Client", "service_client2+web" and "secrétariat"
# all match. A local part made only of these words ("contact.presse") is generic too; any
# other word ("contact.paris", "jeanne.rh") makes it personal: when unsure, protect.
_ROLE_TEXT: Final = """
    abuse accounting accounts accueil achats admin administratif administration agence aide
    atelier billing booking bookings boutique bonjour bureau cabinet careers carrieres
    client clients com commande commandes commercial commerciale communication compta
    comptabilite contact contacts courrier customercare customerservice devis direction
    donotreply dpo email emploi enquiries enquiry equipe evenements events export
    facturation formation general hello help helpdesk hostmaster hotline hr info
    information informations infos inquiries inquiry invoice invoices it job jobs juridique
    legal logistique magasin mail mairie marketing media medias newsletter nepasrepondre
    noreply office order orders partenariat partenariats partners postmaster press presse
    privacy qualite reception recrutement recruitment relationclient reservation
    reservations rgpd rh sales sav secretariat securite security service serviceclient
    serviceclients services shop standard support team tech technique vente ventes
    webmaster welcome
"""
ROLE_WORDS: Final = frozenset(_ROLE_TEXT.split())
_SEPARATORS: Final = re.compile(r"[._\-]+")


def is_role_local_part(local: str) -> bool:
    """True when the local part names a function (``contact``, ``service-client+web``)."""
    folded = local.split("+", 1)[0].casefold()
    if not folded.isascii():  # accents only outside ASCII: "secrétariat" -> "secretariat"
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = [w.rstrip("0123456789") for w in _SEPARATORS.split(folded) if w]
    words = [w for w in words if w]
    if not words:
        return False
    if "".join(words) in ROLE_WORDS:  # "service-client", "no_reply", "ne.pas.repondre"
        return True
    return ROLE_WORDS.issuperset(words)


def normalise_email(raw: str) -> EmailResult:
    """Validate ``raw`` (syntax only, no DNS) and class it ``generic`` or ``personal`` (R1)."""
    return _normalise_email(raw)


# Plain ASCII addresses that email-validator certainly accepts, checked without it (it costs
# ~25 us an address): dot-atoms of common characters, LDH labels without "--" (so no
# punycode or IDNA edge case), an alphabetic TLD, length limits, no special-use domain.
# Anything else goes to email-validator; tests/test_email_fast_path.py checks they agree.
_FAST_EMAIL = re.compile(
    r"([A-Za-z0-9_+](?:[A-Za-z0-9_+-]|\.(?=[A-Za-z0-9_+-]))*)"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})"
)
# email-validator's special-use names are single labels ("test", "local"…): a TLD lookup.
_SPECIAL_USE_TLDS = frozenset(SPECIAL_USE_DOMAIN_NAMES)
_FAST_PATH_OK = all("." not in name for name in _SPECIAL_USE_TLDS)


def _fast_email(raw: str) -> EmailResult | None:
    match = _FAST_EMAIL.fullmatch(raw)
    if match is None or len(raw) > 254:
        return None
    local, domain = match.group(1), match.group(2).lower()
    if len(local) > 64 or "--" in domain:
        return None
    if not _FAST_PATH_OK or domain.rpartition(".")[2] in _SPECIAL_USE_TLDS:
        return None
    kind = "generic" if is_role_local_part(local) else "personal"
    normalized = f"{local}@{domain}"
    return EmailResult(normalized, kind, normalized.lower())


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise_email(raw: str) -> EmailResult:
    fast = _fast_email(raw.strip())
    if fast is not None:
        return fast
    try:
        valid = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError:
        return _INVALID_EMAIL
    kind = "generic" if is_role_local_part(valid.local_part) else "personal"
    canonical = (valid.ascii_email or valid.normalized).lower()
    return EmailResult(valid.normalized, kind, canonical)
