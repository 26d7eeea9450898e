"""Big alternations matched fast: try, at each position, only the alternatives that can start
with the text found there.

The scan's lexicon is a few thousand alternatives (``lead (?:alt1|alt2|...) tail``). Python's
``re`` has no trie: at every position it enters every alternative, so one ``search`` over a
directory value cost about 50 µs. ``Dispatch`` keeps the same pattern but splits the
alternatives by the first ``PREFIX`` characters (case-folded) they can start with, read from
the parsed pattern (``re._parser``). At a position it looks up the text's own first
characters and runs only that bucket's alternatives, in their original order, with the same
lead and tail. An alternative whose start cannot be read (``\\w+logue``) is in every bucket.
So a match, and which group matched, are exactly those of the plain pattern:
``tests/test_sensitive.py`` checks it on every labelled value and on generated text.

Why not another engine: re2 and Hyperscan, the fast multi-pattern engines, have no
look-behind, which the lexicon uses for word boundaries that refuse hyphenated compounds
(``Gay-Lussac``) and for exclusions (``(?<!assurance )maladie``).

Buckets compile on first use: a value only pays for the buckets its words reach.
If ``re._parser`` (private) ever changes shape, every alternative lands in every bucket:
slower, still exact.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from typing import Any, Final

_p: Any
_c: Any
try:  # private, but stable since 3.11; without it, dispatch degrades to "every alternative"
    _p = importlib.import_module("re._parser")
    _c = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover
    _p = _c = None

PREFIX: Final = 3  # characters looked up per position
_MAX_PREFIXES: Final = 512  # an alternative with more possible starts keeps only 1 character
# Non-ASCII characters that re.IGNORECASE matches to an ASCII letter (checked for all of
# Unicode in the tests); the text is otherwise accent-free, so other non-ASCII characters can
# only meet the alternatives whose start is unknown.
_FOLD: Final = {"\u0131": "i", "\u0130": "i", "\u017f": "s", "\u212a": "k"}
_NO_KEY: Final = "\x00"
Group = tuple[str | None, Sequence[str]]  # (group name or None, alternatives)


def _fold(char: str) -> str:
    if char.isascii():
        return char.lower()
    return _FOLD.get(char, _NO_KEY)


def _class_chars(items: Any) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE:
            lo, hi = av
            if hi - lo > 128:
                return None
            chars.update(chr(x) for x in range(lo, hi + 1))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            chars.update("0123456789")
        else:  # NEGATE, \w, \s...
            return None
    if not all(ch.isascii() for ch in chars):
        return None
    return {ch.lower() for ch in chars}


def _prefixes(seq: list[Any], n: int, depth: int = 0) -> set[str] | None:
    """Strings (case-folded, at most ``n`` long) one of which starts every match of ``seq``;
    a shorter string leaves the rest open. None: the first character cannot be read."""
    if n == 0 or not seq:
        return {""}
    if depth > 40:
        return None
    (op, av), rest = seq[0], seq[1:]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width
        return _prefixes(rest, n, depth + 1)
    if op is _c.LITERAL or op is _c.IN:
        chars = {chr(av)} if op is _c.LITERAL else _class_chars(av)
        if chars is None or not all(ch.isascii() for ch in chars):
            return None
        tails = _prefixes(rest, n - 1, depth + 1) or {""}
        return {ch.lower() + tail for ch in chars for tail in tails}
    if op is _c.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            found = _prefixes(list(alternative) + rest, n, depth + 1)
            if found is None:
                return None
            out |= found
        return out
    if op is _c.SUBPATTERN or op is _c.ATOMIC_GROUP:  # case folding makes flags irrelevant
        body = av[-1] if op is _c.SUBPATTERN else av
        return _prefixes(list(body) + rest, n, depth + 1)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        lo, hi, body = av
        if hi == 0:
            return _prefixes(rest, n, depth + 1)
        again = (
            [] if hi == 1 else [(op, (max(lo - 1, 0), hi if hi == _c.MAXREPEAT else hi - 1, body))]
        )
        once = _prefixes(list(body) + again + rest, n, depth + 1)
        if lo > 0 or once is None:
            return once
        skipped = _prefixes(rest, n, depth + 1)
        return None if skipped is None else once | skipped
    return None  # ANY, NOT_LITERAL, GROUPREF, ...


def prefixes(pattern: str, n: int = PREFIX) -> frozenset[str] | None:
    """Possible case-folded starts of ``pattern`` (see ``_prefixes``), or None if unknown."""
    if _p is None:
        return None
    try:
        found = _prefixes(list(_p.parse(pattern, re.IGNORECASE)), n)
    except Exception:  # any shape this reader does not know: unknown, never wrong
        return None
    if found is None or "" in found:
        return None
    if len(found) > _MAX_PREFIXES:
        return prefixes(pattern, 1) if n > 1 else None
    return frozenset(found)


class Positions:
    """Where matches may start, shared by every ``Dispatch`` built on it: the positions a
    zero-width ``lead`` allows (any character there), and the folded key of each. Every
    dispatch's own lead must allow no position this one refuses. The last text's index is
    kept, so the cue search and the contexts of one value index it once."""

    def __init__(self, lead: str, flags: int = 0) -> None:
        # The flags of the dispatches built on it: "(?<=\bex-)" must also allow "Ex-".
        self._rx = re.compile(lead + "(?s:.)", flags)
        self._last: tuple[str, list[int], list[str]] = ("", [], [])

    def index(self, text: str) -> tuple[list[int], list[str]]:
        last = self._last
        if last[0] is text:
            return last[1], last[2]
        starts = [m.start() for m in self._rx.finditer(text)]
        if text.isascii():
            low = text.lower()
            keys = [low[at : at + PREFIX] for at in starts]
        else:
            keys = ["".join(map(_fold, text[at : at + PREFIX])) for at in starts]
        self._last = (text, starts, keys)
        return starts, keys


class Dispatch:
    """``lead (?:(?P<g1>a|b)|(?P<g2>c)|...) tail`` matched bucket by bucket. ``lead`` is
    zero-width (look-arounds) and allows no position ``positions`` refuses. ``search`` and
    ``finditer`` agree with ``plain()``."""

    def __init__(
        self, positions: Positions, lead: str, groups: Sequence[Group], tail: str, flags: int
    ) -> None:
        self._positions = positions
        self._lead, self._tail, self._flags = lead, tail, flags
        self._groups = [(name, list(alts)) for name, alts in groups]
        self._starts: list[list[frozenset[str] | None]] = [
            [prefixes(alt) for alt in alts] for _, alts in self._groups
        ]
        self._keys = frozenset(
            key for starts in self._starts for found in starts if found for key in found
        )
        self._buckets: dict[str, re.Pattern[str] | None] = {}
        self._compiled: dict[str, re.Pattern[str]] = {}

    @property
    def unknown_starts(self) -> int:
        """How many alternatives are tried at every position (their start could not be read)."""
        return sum(found is None for starts in self._starts for found in starts)

    def plain(self) -> re.Pattern[str]:
        """The same pattern, not dispatched (the reference the tests compare with)."""
        source = self._source(lambda _found: True)
        if source is None:
            raise ValueError("no alternative to match")
        return re.compile(source, self._flags)

    def _source(self, keep: Any) -> str | None:
        parts = []
        for (name, alts), starts in zip(self._groups, self._starts, strict=True):
            chosen = [alt for alt, found in zip(alts, starts, strict=True) if keep(found)]
            if chosen:
                body = "|".join(chosen)
                parts.append(f"(?P<{name}>{body})" if name else f"(?:{body})")
        if not parts:
            return None
        return self._lead + "(?:" + "|".join(parts) + ")" + self._tail

    def _bucket(self, key: str) -> re.Pattern[str] | None:
        """The alternatives that can start with ``key`` (PREFIX folded characters, fewer at
        the end of the text), compiled once and shared between keys that select the same."""
        reduced = key
        if reduced not in self._keys:
            # No alternative starts with all of these characters: only the shorter starts
            # and the unknown ones can match here.
            reduced = key[: PREFIX - 1] + _NO_KEY

        def keep(found: frozenset[str] | None) -> bool:
            return found is None or any(reduced.startswith(start) for start in found)

        source = self._source(keep)
        compiled = None
        if source is not None:
            compiled = self._compiled.get(source)
            if compiled is None:
                compiled = self._compiled[source] = re.compile(source, self._flags)
        self._buckets[key] = compiled
        return compiled

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        starts, keys = self._positions.index(text)
        if pos:
            first = bisect_left(starts, pos)
            starts, keys = starts[first:], keys[first:]
        buckets = self._buckets
        for at, key in zip(starts, keys, strict=True):
            try:
                bucket = buckets[key]
            except KeyError:
                bucket = self._bucket(key)
            if bucket is not None:
                m = bucket.match(text, at)
                if m is not None:
                    return m
        return None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Non-overlapping matches, left to right, as ``re.finditer`` gives them."""
        pos = 0
        while pos <= len(text) and (m := self.search(text, pos)) is not None:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1
