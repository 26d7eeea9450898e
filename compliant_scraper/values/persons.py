"""How one person is recognised across records (issue 13, R8, R12): names and postal addresses.

Two records are the same person when they share a normalised email, an E.164 number, or the
same normalised name together with the same organisation or the same postal address. The
name, organisation and address are compared *folded*: case, accents and spacing removed
(``Jeanne  MARTIN`` = ``jeanne martin`` = ``Jéanne Martin``), nothing else (no nicknames, no
fuzzy match: a false link would erase or disclose someone else's data).

``postal_key`` is what the suppression list keeps for a postal purpose: the folded name plus
postal address, the least that recognises the person on that channel (R8). It is only ever
stored as a keyed hash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from .fields import NAME_FIELDS


@lru_cache(maxsize=65536)  # names and organisations repeat across a directory's pages
def fold(text: str) -> str:
    """Case, accents and runs of spaces removed: what names and addresses are compared on."""
    if text.isascii():  # NFKD leaves ASCII as it is and it has no combining marks (issue 16)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def person_name(contact: Mapping[str, Any]) -> str:
    """The folded name of a record: ``name``, else ``given_name family_name``; '' if none."""
    first, *parts = NAME_FIELDS  # "name", then "given_name", "family_name"
    name = contact.get(first) or " ".join(str(contact[k]) for k in parts if contact.get(k))
    return fold(str(name)) if name else ""


def organisation(contact: Mapping[str, Any]) -> str:
    value = contact.get("organization")
    return fold(str(value)) if value else ""


def postal_address(contact: Mapping[str, Any]) -> str:
    """The folded street address with its postal code (else locality); '' when incomplete."""
    street = contact.get("street_address")
    place = contact.get("postal_code") or contact.get("locality")
    if not street or not place:
        return ""
    return f"{fold(str(street))}|{fold(str(place))}"


def postal_key(contact: Mapping[str, Any]) -> str | None:
    """Name plus postal address (what recognises the person by post), or None."""
    name, address = person_name(contact), postal_address(contact)
    return f"{name}|{address}" if name and address else None


def same_person(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Same folded name, and the same organisation or the same postal address."""
    name = person_name(a)
    if not name or name != person_name(b):
        return False
    org = organisation(a)
    if org and org == organisation(b):
        return True
    address = postal_address(a)
    return bool(address) and address == postal_address(b)


_WORDS = re.compile(r"[^\W_]+")  # runs of letters and digits


def _words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def url_names_person(url: str, names: Iterable[str], emails: Iterable[str] = ()) -> bool:
    """Does ``url`` name the person (issue 13: ``drops`` and ``refusals`` rows keep URLs such
    as ``.../jeanne-martin.html``)? Yes when, percent-decoded and folded, it holds one of the
    ``emails``, or the words of one of the folded ``names`` in a row, in order, from another
    word on (family name first), or reversed,
    with any separators or none (``jeanne-martin``, ``Martin_Jeanne``, ``JeanneMartin``,
    ``%C3%A9lodie-roux``). A name of one word is never enough: it would match strangers."""
    text = fold(unquote(url))
    if any(email and fold(email) in text for email in emails):
        return True
    tokens = _words(text)
    for name in names:
        words = _words(name)
        if len(words) < 2:
            continue
        orders = [words[i:] + words[:i] for i in range(len(words))] + [words[::-1]]
        for run in orders:  # "marie claire dupont": also "dupont marie claire"
            if "".join(run) in tokens:
                return True
            size = len(run)
            if any(tokens[i : i + size] == run for i in range(len(tokens) - size + 1)):
                return True
    return False


def url_needles(names: Iterable[str], emails: Iterable[str] = ()) -> list[str]:
    """What the store looks for (``LIKE``) before the exact ``url_names_person`` check: per
    email its local part; per name of two words or more, written as the record has it, the
    longest run of ASCII letters and digits of the lower-cased name (``Élodie Roux`` ->
    ``lodie``), which its slug, its IRI and its percent-encoded form all contain. ''
    (every row) for a name without one. Missed: a URL with accents the record's name lacks."""
    needles = [e.lower().partition("@")[0] for e in emails if e]
    for name in names:
        if len(_words(name)) < 2:
            continue
        runs = re.findall(r"[a-z0-9]+", name.lower())
        needles.append(max(runs, key=len) if runs else "")
    return sorted(set(needles))
