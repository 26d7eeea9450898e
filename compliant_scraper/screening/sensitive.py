"""Special-category scan of a kept value (R4: GDPR Art. 9 and Art. 10), French and English.

``scan(value, field)`` says whether a value reveals health, religion or beliefs, sexual
orientation or sex life, political opinions, trade-union membership, racial or ethnic
origin, genetic or biometric data, or criminal convictions and offences *about a person*;
the caller then drops the value. A value that only names a profession or an organisation in
a sensitive field ("Cardiologue", "Clinique Sainte-Anne", "Cancer researcher") is kept.

How: the value is normalised (NFKD, accents and case folded for matching), then the category
cues (``lexicon/``, one data module per category) find candidates left to right; a candidate
is discarded when it lies inside a context that neutralises it (an institution name, an
expertise phrase, a clientele phrase, a company with a legal form, a street, a saint). Name
and address fields only listen to self-contained statements. Deterministic, no model.

Speed: nothing is compiled at import; the first scan compiles. Verdicts are memoised (a
crawl sees the same job titles and organisations again and again), keyed by a digest of the
value, never the value itself: the memo holds no special-category text. Each big alternation is a
``Dispatch`` (``_dispatch.py``): at each word it tries only the patterns that can start with
that word's first letters, with exactly the plain pattern's result. An expensive context is
only computed when its head word occurs.

The hit never carries the value: its ``cue`` is a fixed description from the lexicon, so a
``drops`` row or a log line built from it cannot leak what was dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final, Protocol, cast

from ..values.fields import IDENTIFIER_FIELDS
from ._dispatch import Dispatch, Positions
from .lexicon import CATEGORIES as _LEXICON_CATEGORIES
from .lexicon import CUES, KINDS
from .lexicon import _build as b
from .lexicon import contexts as ctx
from .lexicon.ethnic_origin import ETHNIC_TERMS

CATEGORIES: Final = _LEXICON_CATEGORIES
# IDENTIFIER_FIELDS (values/fields.py): names, addresses and identifiers, where a single word
# is a name ("Marie Dieu", "rue des Juifs", family name "Gay"): only statements count.
__all__ = ["CATEGORIES", "CUE_DESCRIPTIONS", "IDENTIFIER_FIELDS", "SensitiveHit", "scan"]

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


# Which neutralising contexts may hide a cue of each kind (see the lexicon's docstring),
# cheapest first.
_BASE_MASKS: Final = ("saint", "company")
_TERM_MASKS: Final = (*_BASE_MASKS, "street", "surname", "clientele", "expertise", "org")
_MASKED_BY: Final[dict[str, tuple[str, ...]]] = {
    "member": (*_BASE_MASKS, "counterpart"),
    "personal": _BASE_MASKS,
    "family": (*_BASE_MASKS, "street", "org"),
    "strong": (*_BASE_MASKS, "street", "clientele", "org"),
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
_FLAGS: Final = re.IGNORECASE


def _words(parts: Iterable[str]) -> str:
    return "(?:" + "|".join(parts) + ")"


class _Matcher(Protocol):
    def search(self, text: str, pos: int = 0) -> re.Match[str] | None: ...
    def finditer(self, text: str) -> Iterator[re.Match[str]]: ...


class _Compiled:
    """Every pattern of the scan, built on first use. ``plain=True`` builds the same patterns
    without dispatch: the reference the tests compare the fast path with."""

    def __init__(self, plain: bool = False) -> None:
        self.plain = plain
        # Every lead below (_B, _B_CUE, _B + _POSSESSIVE) allows a subset of these positions.
        self.positions = Positions(_B_CUE, _FLAGS)
        self.cues = {
            "full": self._cues(frozenset(KINDS)),
            "identifier": self._cues(_IDENTIFIER_KINDS),
            "organization": self._cues(_ORGANIZATION_KINDS),
        }
        self.org_initial = self._dispatch(_B + _POSSESSIVE, ctx.ORG_HEAD_INITIAL, _E + _SEG_REST)
        self.org_final = re.compile(
            _B
            + "(?:"
            + b.NAME_TOK
            + b.SP
            + "){0,3}"
            + _POSSESSIVE
            + _words(ctx.ORG_HEAD_FINAL)
            + _E,
            _FLAGS,
        )
        # An English name ends with its head: no head word, no name to compute.
        self.org_final_head = self._dispatch(_B, ctx.ORG_HEAD_FINAL, _E)
        noun = "(?P<n>" + _words(ctx.EXPERTISE_NOUNS) + ")"
        self.expertise = (
            self._dispatch(_B, ctx.PROFESSION_BEFORE, b.gap(3) + noun + _E),
            self._dispatch(
                _B, ctx.EXPERTISE_NOUNS, b.gap(2) + _words(ctx.PROFESSION_AFTER) + _E, name="n"
            ),
            self._dispatch(
                _B, ctx.CULTURE_HEADS, b.gap(1) + "(?P<n>" + _words(ETHNIC_TERMS) + ")" + _E
            ),
            self._dispatch(
                _B,
                ctx.CULTURE_HEADS,
                b.gap(1) + "(?P<n>" + _words(ctx.FAITH_ADJECTIVES) + ")" + _E,
            ),
        )
        # The counterpart runs over the names it lists: "face à FO et à la CFDT".
        self.counterpart = self._dispatch(_B, ctx.COUNTERPART, _E + r"(?:[ ']+\w[\w-]*){0,8}")
        self.clientele = re.compile(
            _B + "(?:" + b.TOK + b.SP + ")?" + _words(ctx.PEOPLE_PLURAL) + _E + _SEG_REST, _FLAGS
        )
        self.clientele_head = self._dispatch(_B, ctx.PEOPLE_PLURAL, _E)
        self.street = self._dispatch(
            _B,
            (r"(?:\d+(?: ?(?:bis|ter|[a-z]))?,? )?" + _words(ctx.STREET_HEADS),),
            _E + _SEG_REST,
        )
        # One short pattern: re's own scan beats a position-by-position dispatch.
        self.saint = re.compile(_B + ctx.SAINT + _E, _FLAGS)
        self.surname = re.compile(ctx.SURNAME, _FLAGS)
        # No legal form anywhere, no company segment (a segment's form is such a word).
        self.company_form = re.compile(r"(?<![\w&-])" + _words(ctx.COMPANY_FORMS) + _E, _FLAGS)
        # A legal form opens or closes a company name: "SARL Dupont", "CGT Ingénierie SAS".
        self.company = re.compile(
            "^"
            + _words(ctx.COMPANY_FORMS)
            + _E
            + "|"
            + r"(?<![\w&-])"
            + _words(ctx.COMPANY_FORMS)
            + r"\.?$",
            _FLAGS,
        )

    def _dispatch(
        self, lead: str, alternatives: Sequence[str], tail: str, name: str | None = None
    ) -> _Matcher:
        dispatch = Dispatch(self.positions, lead, [(name, alternatives)], tail, _FLAGS)
        return dispatch.plain() if self.plain else dispatch

    def _cues(self, kinds: frozenset[str]) -> tuple[_Matcher, tuple[_Cue, ...]]:
        chosen = [(category, cue) for category, cue in CUES if cue.kind in kinds]
        groups = [(f"c{index}", cue.patterns) for index, (_, cue) in enumerate(chosen)]
        dispatch = Dispatch(self.positions, _B_CUE, groups, _E, _FLAGS)
        cues = tuple(_Cue(category, cue.kind, cue.description) for category, cue in chosen)
        return (dispatch.plain() if self.plain else dispatch), cues


@cache
def _compiled() -> _Compiled:
    return _Compiled()


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
_URL_SEPARATORS: Final = re.compile(r"[._@/+=?&#~-]+")


def _normalise(value: str) -> str:
    """Accent-free, typographically plain text with original case (positions are its own).
    Spaces are collapsed as ``re``'s ``\\s+`` would (``str.split`` uses the same table)."""
    if value.isascii():  # NFKD leaves ASCII alone; "`" is the one ASCII character mapped
        text = value.replace("`", "'") if "`" in value else value
    else:
        text = unicodedata.normalize("NFKD", value.translate(_PRE))
        if not text.isascii():
            text = text.translate(_combining_marks())
    return " ".join(text.split())


@cache
def _combining_marks() -> dict[int, None]:
    """Every combining mark (what NFKD splits accents into), to delete with ``translate``."""
    return {cp: None for cp in range(0x300, 0x110000) if unicodedata.combining(chr(cp))}


class _Masks:
    """Spans of the neutralising contexts of one text, computed on first use per type."""

    def __init__(self, text: str, compiled: _Compiled) -> None:
        self._text = text
        self._c = compiled
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
        text, c = self._text, self._c
        if mask == "org":
            spans = [m.span() for m in c.org_initial.finditer(text)]
            if c.org_final_head.search(text) is not None:
                spans += [m.span() for m in c.org_final.finditer(text)]
            return spans
        if mask == "expertise":
            return [m.span("n") for rx in c.expertise for m in rx.finditer(text)]
        if mask == "counterpart":
            return [m.span() for m in c.counterpart.finditer(text)]
        if mask == "clientele":
            if c.clientele_head.search(text) is None:
                return []
            return [m.span() for m in c.clientele.finditer(text)]
        if mask == "street":
            return [m.span() for m in c.street.finditer(text)]
        if mask == "saint":
            return [m.span() for m in c.saint.finditer(text)]
        if mask == "surname":
            return [m.span("s") for m in c.surname.finditer(text)]
        if c.company_form.search(text) is None:
            return []
        return [seg for seg in _segments(text) if c.company.search(text[seg[0] : seg[1]].strip())]


def _segments(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SEGMENT_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


# Memoised verdicts: 16,384 digests of values up to 256 characters (a few MB at most);
# longer values (descriptions) rarely repeat and are scanned each time.
MEMO_SIZE: Final = 16_384
MEMO_MAX_CHARS: Final = 256


def scan(value: str, field: str | None = None) -> SensitiveHit | None:
    """The special category ``value`` reveals about a person, or None to keep it.

    ``field`` is the item key the value came from (``job_title``, ``organization``...): in
    name, address and identifier fields only self-contained statements count; in
    ``organization`` also a party or union named. Any other field, or None, is free text.
    """
    mode = _MODES.get(field, "full")
    if len(value) > MEMO_MAX_CHARS:
        return _scan_mode(_compiled(), value, mode)
    key = (hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest(), mode)
    found = _memo.verdicts.get(key, _MISSING)
    if found is _MISSING:
        return _memo.compute(key, value)
    _memo.hits += 1
    return cast("SensitiveHit | None", found)


# Which cues listen, and whether the value is a URL to split: what a verdict depends on besides
# the value. Fields of one mode share memoised verdicts; any other field is free text.
_MODES: Final[dict[str | None, str]] = {
    **{field: "identifier" for field in IDENTIFIER_FIELDS},
    **{field: "url" for field in _URL_FIELDS},
    "organization": "organization",
}


def _mode(field: str | None) -> str:
    return _MODES.get(field, "full")


class _Memo:
    """``(digest, mode) -> verdict``, oldest entry out when full. The key is a digest: the
    memo never holds a value. Safe across threads: each lookup, store and eviction is one
    dict operation (atomic in CPython); two threads may both compute a verdict, never a
    wrong one, and an eviction another thread already made is skipped."""

    def __init__(self, size: int) -> None:
        self._size = size
        self.verdicts: dict[tuple[bytes, str], SensitiveHit | None] = {}
        self.hits = self.misses = 0

    def compute(self, key: tuple[bytes, str], value: str) -> SensitiveHit | None:
        """A miss: the verdict computed and stored under ``key`` (digest of value, mode)."""
        self.misses += 1
        computed = _scan_mode(_compiled(), value, key[1])
        verdicts = self.verdicts
        if len(verdicts) >= self._size:
            verdicts.pop(next(iter(verdicts), key), None)
        verdicts[key] = computed
        return computed

    def __len__(self) -> int:
        return len(self.verdicts)

    def clear(self) -> None:
        self.verdicts.clear()
        self.hits = self.misses = 0


_MISSING: Final = object()
_memo: Final = _Memo(MEMO_SIZE)


def _scan(compiled: _Compiled, value: str, field: str | None) -> SensitiveHit | None:
    """The verdict computed, not memoised (the tests compare compiled pattern sets with it)."""
    return _scan_mode(compiled, value, _mode(field))


def _scan_mode(compiled: _Compiled, value: str, mode: str) -> SensitiveHit | None:
    text = _normalise(value)
    if not text:
        return None
    if mode == "url":
        text = _URL_SEPARATORS.sub(" ", text)
    rx, cues = compiled.cues["identifier" if mode == "url" else mode]
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
        masks = masks or _Masks(text, compiled)
        if masks.hides(cue.kind, m.start(), m.end()):
            continue
        if cue.kind != "fallback":
            return SensitiveHit(category=cue.category, cue=cue.cue)
        fallback = cue
    return None if fallback is None else SensitiveHit(category=fallback.category, cue=fallback.cue)
