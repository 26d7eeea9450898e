"""Special-category scan of a kept value (R4: GDPR Art. 9 and Art. 10), French and English.

``scan(value, field)`` says whether a value reveals health, religion or beliefs, sexual
orientation or sex life, political opinions, trade-union membership, racial or ethnic
origin, genetic or biometric data, or criminal convictions and offences *about a person*;
the caller then drops the value. A value that only names a profession or an organisation in
a sensitive field ("Cardiologue", "Clinique Sainte-Anne", "Cancer researcher") is kept.

How: the value is normalised (NFKD, accents and case folded for matching), then one combined
regex of category cues (``lexicon/``, one module per category) finds candidates; a candidate
is discarded when it lies inside a context that neutralises it (an institution name, an
expertise phrase, a clientele phrase, a company with a legal form, a street, a saint). Name
and address fields only listen to self-contained statements. Deterministic, no model.

The hit never carries the value: its ``cue`` is a fixed description from the lexicon, so a
``drops`` row or a log line built from it cannot leak what was dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from .lexicon import CUES, KINDS
from .lexicon import _build as b
from .lexicon import contexts as ctx
from .lexicon.ethnic_origin import ETHNIC_TERMS

CATEGORIES: Final = (
    "health",
    "religion",
    "sexual_orientation",
    "political_opinion",
    "trade_union",
    "ethnic_origin",
    "genetic_biometric",
    "criminal",
)

# Fields holding a name, an address or an identifier: a single word there is a name
# ("Marie Dieu", "rue des Juifs", family name "Gay"), so only self-contained statements count.
IDENTIFIER_FIELDS: Final = frozenset(
    {
        "name",
        "given_name",
        "family_name",
        "street_address",
        "postal_code",
        "locality",
        "country",
        "email",
        "phone",
        "website",
    }
)
_URL_FIELDS: Final = frozenset({"email", "website"})

CUE_DESCRIPTIONS: Final = frozenset(cue.description for _, cue in CUES)


@dataclass(frozen=True)
class SensitiveHit:
    """Why a value was judged special-category data; never contains the value itself."""

    category: str
    cue: str
    rule: str = "R4"


@dataclass(frozen=True)
class _Cue:
    category: str
    kind: str
    cue: str


# Which neutralising contexts may hide a cue of each kind (see the lexicon's docstring).
_BASE_MASKS: Final = frozenset({"company", "saint"})
_TERM_MASKS: Final = _BASE_MASKS | {"street", "org", "clientele", "expertise"}
_MASKED_BY: Final[dict[str, frozenset[str]]] = {
    "member": _BASE_MASKS | {"counterpart"},
    "personal": _BASE_MASKS,
    "family": _BASE_MASKS | {"street", "org"},
    "strong": _BASE_MASKS | {"street", "org", "clientele"},
    "term": _TERM_MASKS,
    "fallback": _TERM_MASKS,
}
# Statements only: a name, an address or an identifier is not a sentence about the person.
_IDENTIFIER_KINDS: Final = frozenset({"personal", "family", "strong"})
# The organization field names an organisation ("Catholic Charities USA", "Deaf Action"), so a
# category word there is part of a name; a party or union named there is the person's.
_ORGANIZATION_KINDS: Final = frozenset({"member", "personal", "family", "strong"})

_B = r"(?<![\w-])"  # word start; a hyphenated compound is one word
_B_CUE = r"(?:(?<![\w-])|(?<=\bex-))"  # ... except "ex-": "ex-militant", "ex-syndicaliste"
_E = r"(?![\w-])"  # word end
_POSSESSIVE = r"(?<!ma )(?<!mon )(?<!my )(?<!our )(?<!notre )(?<!local )"
_SEG_REST = r"(?:(?! - |\. )[^,;|()\[\]/:!?])*"
_FLAGS = re.IGNORECASE


def _words(parts: tuple[str, ...]) -> str:
    return "(?:" + "|".join(parts) + ")"


def _compile_cues(kinds: frozenset[str]) -> tuple[re.Pattern[str], tuple[_Cue, ...]]:
    groups: list[str] = []
    cues: list[_Cue] = []
    for category, cue in CUES:
        if cue.kind not in kinds:
            continue
        for pattern in cue.patterns:
            if re.compile(pattern).groups:
                raise ValueError(f"lexicon pattern has a capturing group: {pattern!r}")
        groups.append(f"(?P<c{len(cues)}>{'|'.join(cue.patterns)})")
        cues.append(_Cue(category, cue.kind, cue.description))
    return re.compile(_B_CUE + "(?:" + "|".join(groups) + ")" + _E, _FLAGS), tuple(cues)


_FULL: Final = _compile_cues(frozenset(KINDS))
_IDENTIFIER: Final = _compile_cues(_IDENTIFIER_KINDS)
_ORGANIZATION: Final = _compile_cues(_ORGANIZATION_KINDS)

_ORG_INITIAL: Final = re.compile(
    _B + _POSSESSIVE + _words(ctx.ORG_HEAD_INITIAL) + _E + _SEG_REST, _FLAGS
)
_ORG_FINAL: Final = re.compile(
    _B + "(?:" + b.NAME_TOK + b.SP + "){0,3}" + _POSSESSIVE + _words(ctx.ORG_HEAD_FINAL) + _E,
    _FLAGS,
)
_NOUN: Final = "(?P<n>" + _words(ctx.EXPERTISE_NOUNS) + ")"
_EXPERT_BEFORE: Final = re.compile(
    _B + _words(ctx.PROFESSION_BEFORE) + b.gap(3) + _NOUN + _E, _FLAGS
)
_EXPERT_AFTER: Final = re.compile(_B + _NOUN + b.gap(2) + _words(ctx.PROFESSION_AFTER) + _E, _FLAGS)
_CULTURE: Final = re.compile(
    _B + _words(ctx.CULTURE_HEADS) + b.gap(1) + "(?P<n>" + _words(ETHNIC_TERMS) + ")" + _E,
    _FLAGS,
)
_COUNTERPART: Final = re.compile(
    _B + _words(ctx.COUNTERPART) + _E + "(?:" + b.SP + b.TOK + "){0,6}", _FLAGS
)
_CLIENTELE: Final = re.compile(
    _B + "(?:" + b.TOK + b.SP + ")?" + _words(ctx.PEOPLE_PLURAL) + _E + _SEG_REST, _FLAGS
)
_STREET: Final = re.compile(
    _B + r"(?:\d+(?: ?(?:bis|ter|[a-z]))?,? )?" + _words(ctx.STREET_HEADS) + _E + _SEG_REST,
    _FLAGS,
)
_SAINT: Final = re.compile(_B + ctx.SAINT + _E, _FLAGS)
# A legal form opens or closes a company name: "SARL Dupont", "CGT Ingénierie SAS".
_COMPANY: Final = re.compile(
    "^"
    + _words(ctx.COMPANY_FORMS)
    + _E
    + "|"
    + r"(?<![\w&-])"
    + _words(ctx.COMPANY_FORMS)
    + r"\.?$",
    _FLAGS,
)
_SEGMENT_BREAK: Final = re.compile(r"[,;|()\[\]/:!?]| - |\. ")

_PRE: Final = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "´": "'",
        "`": "'",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
    }
)
_SPACES: Final = re.compile(r"\s+")
_URL_SEPARATORS: Final = re.compile(r"[._@/+=?&#~-]+")


def _normalise(value: str) -> str:
    """Accent-free, typographically plain text with original case (positions are its own)."""
    text = unicodedata.normalize("NFKD", value.translate(_PRE))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip()


class _Masks:
    """Spans of the neutralising contexts of one text, computed on first use per type."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: dict[str, list[tuple[int, int]]] = {}

    def hides(self, kind: str, start: int, end: int) -> bool:
        for mask in _MASKED_BY[kind]:
            for s, e in self._get(mask):
                if s < end and start < e:
                    return True
        return False

    def _get(self, mask: str) -> list[tuple[int, int]]:
        spans = self._spans.get(mask)
        if spans is None:
            spans = self._spans[mask] = self._compute(mask)
        return spans

    def _compute(self, mask: str) -> list[tuple[int, int]]:
        text = self._text
        if mask == "org":
            return [m.span() for rx in (_ORG_INITIAL, _ORG_FINAL) for m in rx.finditer(text)]
        if mask == "expertise":
            return [
                m.span("n")
                for rx in (_EXPERT_BEFORE, _EXPERT_AFTER, _CULTURE)
                for m in rx.finditer(text)
            ]
        if mask == "counterpart":
            return [m.span() for m in _COUNTERPART.finditer(text)]
        if mask == "clientele":
            return [m.span() for m in _CLIENTELE.finditer(text)]
        if mask == "street":
            return [m.span() for m in _STREET.finditer(text)]
        if mask == "saint":
            return [m.span() for m in _SAINT.finditer(text)]
        return [seg for seg in _segments(text) if _COMPANY.search(text[seg[0] : seg[1]].strip())]


def _segments(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SEGMENT_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def scan(value: str, field: str | None = None) -> SensitiveHit | None:
    """The special category ``value`` reveals about a person, or None to keep it.

    ``field`` is the item key the value came from (``job_title``, ``organization``...): in
    name, address and identifier fields only self-contained statements count; in
    ``organization`` also a party or union named. Any other field, or None, is free text.
    """
    text = _normalise(value)
    if not text:
        return None
    if field in _URL_FIELDS:
        text = _URL_SEPARATORS.sub(" ", text)
    if field in IDENTIFIER_FIELDS:
        rx, cues = _IDENTIFIER
    elif field == "organization":
        rx, cues = _ORGANIZATION
    else:
        rx, cues = _FULL
    # Candidates come left to right: the first specific one no context neutralises is the
    # answer; a generic ("fallback") one is kept only in case nothing specific follows.
    masks: _Masks | None = None
    fallback: _Cue | None = None
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        cue = cues[int(str(m.lastgroup)[1:])]
        pos = m.start() + 1
        if cue.kind == "fallback" and fallback is not None:
            continue
        masks = masks or _Masks(text)
        if masks.hides(cue.kind, m.start(), m.end()):
            continue
        if cue.kind != "fallback":
            return SensitiveHit(category=cue.category, cue=cue.cue)
        fallback = cue
    return None if fallback is None else SensitiveHit(category=fallback.category, cue=fallback.cue)
