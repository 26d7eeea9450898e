"""Does a contact's job title or organisation name one of a purpose's target professions (R6)?

B2B prospecting without consent is allowed only when the message relates to the recipient's
profession (CPCE L34-5; the CNIL fined NESTOR for lunch offers sent to every office worker),
so a purpose names its ``target_professions``: words or phrases that ``job_title`` or
``organization`` must contain.

How a term matches, case and accent insensitive: both sides are folded (``Épicière`` ->
``epiciere``, punctuation and hyphens -> spaces), and each word of the term must begin a
word of the text, in order and adjacent: ``avocat`` matches "Avocate", "Cabinet d'avocats";
``expert comptable`` matches "Experts-comptables associés". A term never matches inside a
word, so ``art`` does not match "Cabinet Martin" (organisation names hold people's names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
_FOLD: Final = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: the form both sides share."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", bare).strip()


class ProfessionMatcher:
    """``ProfessionMatcher(["avocat", "notaire"]).match("Avocate associée")`` -> ``"avocat"``."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = tuple(terms)
        self._patterns: list[tuple[str, re.Pattern[str]]] = []
        for term in self.terms:
            words = fold(term).split()
            if not words:
                raise ValueError(f"target profession {term!r} has no letter or digit")
            body = "[0-9a-z]* ".join(re.escape(w) for w in words)
            self._patterns.append((term, re.compile(rf"(?<![0-9a-z]){body}")))

    def match(self, *texts: object) -> str | None:
        """The first term found in any of ``texts`` (non-text values are skipped), or None."""
        folded = [fold(t) for t in texts if isinstance(t, str) and t.strip()]
        for term, pattern in self._patterns:
            if any(pattern.search(text) for text in folded):
                return term
        return None
