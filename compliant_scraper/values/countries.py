"""Which country a contact is in: the address, else the phone, else the domain (R6).

Across borders the stricter law of the person's country applies (``law.COUNTRY_RULES``), so
the country must be read however it is written: ISO 3166 alpha-2 (``DE``) or alpha-3
(``DEU``), or a name in French, English, German, Spanish or Italian (``Allemagne``,
``Germany``, ``Deutschland``, ``Alemania``, ``Germania``), in any case, with or without
accents. When the address says nothing, the phone number's region decides (``+49 ...`` is
DE), then the country-code top-level domain of the email, then of the website.

Decisions:

- Names come from the Unicode CLDR through Babel (``Locale.territories``) and alpha-3 codes
  from CLDR's territory aliases: one well-kept table in the five languages the notices
  speak, rather than a hand-written list. pycountry was the alternative; it carries names
  in other languages as gettext catalogues and adds a second dependency for the same data.
  A few common forms CLDR does not list (``UK``, ``USA``, official long names) are added
  in ``_EXTRA``.
- Some country-code domains are used as generic ones (``.io``, ``.co``, ``.me``, ``.tv``
  ...); they say nothing about where a person is, so they are ignored (``_GENERIC_CCTLDS``,
  the list Google Search treats as generic).
- An unreadable address country is not guessed, nor replaced by the phone's region or the
  domain (a German address with a French mobile is not French): ``unreadable_country`` says
  so, and the screening does not keep such a contact for a B2B prospecting purpose (fail
  closed, R6) until the country is corrected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal
from urllib.parse import urlsplit

NAME_LOCALES: Final = ("fr", "en", "de", "es", "it")
# CLDR codes that are not countries: regions, unions, pseudo-locales, "unknown".
_NOT_COUNTRIES: Final = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AA"})
# Common forms CLDR does not list (normalised by ``_key`` before lookup).
_EXTRA: Final[dict[str, str]] = {
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "grande bretagne": "GB",
    "grossbritannien": "GB",
    "england": "GB",
    "angleterre": "GB",
    "scotland": "GB",
    "ecosse": "GB",
    "wales": "GB",
    "usa": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "etats unis d amerique": "US",
    "vereinigte staaten von amerika": "US",
    "holland": "NL",
    "hollande": "NL",
    "brd": "DE",
    "bundesrepublik deutschland": "DE",
    "federal republic of germany": "DE",
    "republique federale d allemagne": "DE",
    "republik osterreich": "AT",
    "republic of austria": "AT",
    "republique d autriche": "AT",
    "republique francaise": "FR",
    "france metropolitaine": "FR",
    "france metropole": "FR",
    "french republic": "FR",
    "repubblica italiana": "IT",
    "italian republic": "IT",
    "reino de espana": "ES",
    "kingdom of spain": "ES",
    "schweizerische eidgenossenschaft": "CH",
    "confederation suisse": "CH",
    "czech republic": "CZ",
    "republique tcheque": "CZ",
    "tschechische republik": "CZ",
    "turkey": "TR",
    "turquie": "TR",
    "turkei": "TR",
}
# Country-code domains used as generic ones (Google Search Central, "generic ccTLDs").
_GENERIC_CCTLDS: Final = frozenset(
    {
        "ad",
        "as",
        "bz",
        "cc",
        "cd",
        "co",
        "dj",
        "fm",
        "io",
        "la",
        "me",
        "ms",
        "nu",
        "sc",
        "sr",
        "su",
        "tv",
        "tk",
        "ws",
    }
)
_CCTLD_EXCEPTIONS: Final = {"uk": "GB"}  # the one ccTLD that is not the ISO code
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
_FOLD: Final = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})

Source = Literal["address", "phone", "email", "website"]


@dataclass(frozen=True, slots=True)
class Country:
    """An ISO 3166 alpha-2 code and where it was read from."""

    code: str
    source: Source

    def describe(self) -> str:
        return {
            "address": f"{self.code} (address)",
            "phone": f"{self.code} (phone number)",
            "email": f"{self.code} (email domain)",
            "website": f"{self.code} (website domain)",
        }[self.source]


def _key(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: ``"Österreich"`` -> ``"osterreich"``."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", stripped).strip()


@lru_cache(maxsize=1)
def _codes() -> frozenset[str]:
    from babel import Locale

    return frozenset(
        code
        for code in map(str, Locale("en").territories)
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Every known form (normalised) -> alpha-2. Built once, on first use."""
    from babel import Locale
    from babel.core import get_global

    codes = _codes()
    index: dict[str, str] = {}
    for locale in NAME_LOCALES:
        for code, name in Locale(locale).territories.items():
            if code in codes:
                index.setdefault(_key(str(name)), str(code))
    for alias, targets in get_global("territory_aliases").items():
        if len(alias) == 3 and alias.isalpha() and len(targets) == 1 and targets[0] in codes:
            index.setdefault(alias.lower(), targets[0])
    index.update(_EXTRA)
    index.update({code.lower(): code for code in codes})
    return index


def is_country_code(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166 alpha-2 code, in upper case (``"DE"``)."""
    return code in _codes()


_PIECES: Final = re.compile(r"[,;/|()\[\]·–—]+|\s-\s")


@lru_cache(maxsize=4096)
def country_code(value: object) -> str | None:
    """The alpha-2 code for an address country in any common form, else None.

    The whole value first (``"Allemagne"``, ``"DEU"``), then its pieces between punctuation
    (``"Deutschland (DE)"``, ``"Wien, Österreich"``), when every piece that names a country
    names the same one. In a piece, a two- or three-letter code counts only in capitals
    (``"DE"``), so that the word ``de`` of ``"Rue de Paris"`` is not Germany."""
    if not isinstance(value, str):
        return None
    key = _key(value)
    if not key:
        return None
    index = _index()
    code = index.get(key)
    if code is not None:
        return code
    found: set[str] = set()
    for piece in _PIECES.split(value):
        piece = piece.strip()
        piece_key = _key(piece)
        if not piece_key:
            continue
        if len(piece_key) <= 3 and not (piece.isupper() and piece.isalpha()):
            continue
        code = index.get(piece_key)
        if code is not None:
            found.add(code)
    return found.pop() if len(found) == 1 else None


def unreadable_country(value: object) -> bool:
    """Whether an address country is written but names no country this module can read
    (``"Germanie"``, ``"DE / AT"``): the law of the person's country cannot be looked up."""
    return isinstance(value, str) and bool(_key(value)) and country_code(value) is None


def country_of_domain(value: object) -> str | None:
    """The country of a host, an email address or a URL from its ccTLD, else None
    (generic TLDs, generic-use ccTLDs such as ``.io``, and ``.eu`` give None)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if "@" in text and "/" not in text:
        host = text.rpartition("@")[2]
    else:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    tld = host.rstrip(".").rpartition(".")[2].lower()
    if not tld or tld == host.lower() or tld in _GENERIC_CCTLDS:
        return None
    code = _CCTLD_EXCEPTIONS.get(tld, tld.upper())
    return code if len(code) == 2 and code in _codes() else None


def infer_country(
    *,
    country: object = None,
    phone_region: object = None,
    email: object = None,
    website: object = None,
) -> Country | None:
    """The contact's country: the address country, else the phone's region, else the
    ccTLD of the email, else of the website. None when nothing tells."""
    code = country_code(country)
    if code:
        return Country(code, "address")
    if isinstance(phone_region, str) and phone_region.upper() in _codes():
        return Country(phone_region.upper(), "phone")
    code = country_of_domain(email)
    if code:
        return Country(code, "email")
    code = country_of_domain(website)
    if code:
        return Country(code, "website")
    return None
