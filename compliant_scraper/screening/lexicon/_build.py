"""Building blocks of the lexicon's patterns (normalised text), and the ``Cue`` record."""

from __future__ import annotations

from typing import Final, NamedTuple

KINDS: Final = ("member", "personal", "family", "strong", "term", "fallback")


class Cue(NamedTuple):
    """One cue of a category: its kind (see ``lexicon/__init__.py``), the fixed description a
    hit carries (never text from the value), and its patterns (normalised text)."""

    kind: str
    description: str
    patterns: tuple[str, ...]


def alt(*parts: str) -> str:
    """A non-capturing alternation of ``parts``."""
    return "(?:" + "|".join(parts) + ")"


SP: Final = r"[ ']+"  # separator inside a segment (never crosses , ; ( ) / : or " - ")
_CONJ = r"(?:and|et|or|ou|with|avec|but|mais|&)"
TOK: Final = r"(?!" + _CONJ + r"(?![\w-]))\w[\w-]*"  # a word that is not a conjunction
# ... nor a preposition: an English name runs up to its head, never across "in", "after"...
_PREP = r"(?:in|at|on|of|for|from|to|after|before|since|by|en|au|aux|a|de|du|des|pour|depuis)"
NAME_TOK: Final = r"(?!(?:" + _CONJ + "|" + _PREP + r")(?![\w-]))\w[\w-]*"


def gap(n: int) -> str:
    """Up to ``n`` words between two cues, inside one segment and never across a conjunction."""
    return "(?:" + SP + TOK + "){0," + str(n) + "}?" + SP


def wgap(n: int) -> str:
    """Up to ``n`` words between two cues, across punctuation (for office + party acronym)."""
    return r"(?:\W+\w[\w'-]*){0," + str(n) + r"}?\W+"
