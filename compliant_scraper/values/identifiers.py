"""Phone numbers and email addresses written inside free text (R7, R8).

A directory page puts a number in a job title ("Commercial - 06 12 34 56 78"), an address
in an organisation name, a switchboard in a street line. The fields ``phone`` and ``email``
are screened against the opposition and suppression lists; these must be too, or a listed
number is stored, exported and written to feeds under another field's name.

``find_identifiers(text, region)`` returns the E.164 numbers and canonical addresses found
in ``text``:

- numbers: phonenumbers' ``PhoneNumberMatcher`` at leniency POSSIBLE (length and plan
  right, allocated or not, as opposition lists read them), each match read again by
  ``phones.read_phone`` so the text and the ``phone`` field give the same E.164 form; plus
  bare digit runs of 10 to 15 digits not starting with 0 (``262692123456``, an
  international number without its "+"), which the matcher reads as national and rejects;
- addresses: a pattern for ``local@domain``, also written ``jean [at] acme [dot] fr`` or
  ``jean(at)acme.fr``, each normalised by ``emails.normalise_email`` (what the suppression
  list hashes).

Speed: the matcher costs about 90 µs a text, so it runs only on texts that hold a cluster
of digits long enough to be a possible number (digits separated by at most 4 punctuation
characters, as the matcher's own pattern requires), and results are cached on the text.
Names, titles and localities without digits, "@" or brackets cost about 0.3 us.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

import phonenumbers

from .emails import normalise_email
from .phones import read_phone

# The fewest digits of any possible international number: calling code plus the shortest
# possible national number (Austria: "43" and 4 digits). tests/test_values_identifiers.py
# recomputes it from phonenumbers' metadata.
MIN_INTERNATIONAL_DIGITS: Final = 6
_CACHE_SIZE: Final = 1 << 16
_MAX_MATCHES: Final = 50  # a text holding more numbers than this is read up to here

_DIGIT: Final = re.compile(r"\d")
_BRACKETS: Final = frozenset("([{")
_AT: Final = re.compile(r"\s*[\[({]\s*(?:at|arobase|@)\s*[\])}]\s*", re.IGNORECASE)
_DOT: Final = re.compile(r"\s*[\[({]\s*(?:dot|point)\s*[\])}]\s*", re.IGNORECASE)
_EMAIL: Final = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_E164: Final = phonenumbers.PhoneNumberFormat.E164
_BARE_DIGITS: Final = re.compile(r"(?<![\d+])[1-9]\d{9,14}(?!\d)")


@dataclass(frozen=True, slots=True)
class Found:
    """What a text holds: E.164 numbers (possible ones included) and canonical addresses."""

    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.phones or self.emails)


NOTHING: Final = Found()


def find_identifiers(text: str, default_region: str = "FR") -> Found:
    """The phone numbers and email addresses written in ``text`` (see the module doc)."""
    # The common case first, in about 0.3 us: no digit, no "@", no bracket ("(at)").
    if "@" not in text and _DIGIT.search(text) is None and _BRACKETS.isdisjoint(text):
        return NOTHING
    return _find(text, default_region.upper())


@cache
def _digit_cluster(region: str) -> re.Pattern[str]:
    """Digits enough for a possible number, at most 4 punctuation characters apart."""
    fewest = MIN_INTERNATIONAL_DIGITS
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    general = metadata.general_desc if metadata is not None else None
    if general is not None:
        lengths = [n for n in general.possible_length or () if n > 0]
        fewest = min([fewest, *lengths])
    # Possessive: punctuation and digits never overlap, so nothing to backtrack into.
    return re.compile(rf"\d(?:[\W_x]{{0,4}}+\d){{{fewest - 1}}}")


@lru_cache(maxsize=_CACHE_SIZE)
def _find(text: str, region: str) -> Found:
    phones = _digit_cluster(region).search(text) is not None
    emails = "@" in text or _AT.search(text) is not None
    if not (phones or emails):
        return NOTHING
    return Found(_numbers(text, region) if phones else (), _addresses(text) if emails else ())


def _numbers(text: str, region: str) -> tuple[str, ...]:
    found: dict[str, None] = {}
    spans: list[tuple[int, int]] = []
    matcher = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matcher:
        spans.append((match.start, match.end))
        reading = read_phone(match.raw_string, region)
        if reading is not None:
            found[reading.e164] = None
        elif _possible(match.number):  # the matcher's own reading, screened all the same
            found[phonenumbers.format_number(match.number, _E164)] = None
        if len(spans) >= _MAX_MATCHES:
            break
    for bare in _BARE_DIGITS.finditer(text):
        if any(start <= bare.start() < end for start, end in spans):
            continue
        reading = read_phone(bare.group(), region)
        if reading is not None:
            found[reading.e164] = None
    return tuple(found)


def _possible(number: phonenumbers.PhoneNumber) -> bool:
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def _addresses(text: str) -> tuple[str, ...]:
    plain = _DOT.sub(".", _AT.sub("@", text))
    found: dict[str, None] = {}
    for candidate in _EMAIL.findall(plain):
        email = normalise_email(candidate.strip(".-"))
        if email.canonical is not None:
            found[email.canonical] = None
    return tuple(found)
