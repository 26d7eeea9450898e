"""Text-and-data-mining reservations (EU DSM Directive Art. 4; W3C TDMRep), from untrusted input.

Pure functions, no Scrapy. Every parser here is lenient and never raises on garbage, except
``parse_tdmrep``, whose one exception (``TdmrepError``) means "not a TDMRep rules file".

Signals recognised (R3):

- ``tdm-reservation`` (HTTP header, ``<meta name>`` or ``<meta http-equiv>``, or a rule of
  ``/.well-known/tdmrep.json``): ``1`` reserves, ``0`` does not, anything else is unset (the
  spec's "protocol error"). JSON ``true``/``"1"`` are read as ``1``.
- ``noai`` in ``X-Robots-Tag`` or ``<meta name="robots">``, whatever user agent it is scoped
  to. ``noimageai`` alone is not a reservation here: it reserves AI use of images, and this
  framework extracts text (contacts), never images.

One conservative departure from TDMRep: the spec lets a later or more local ``0`` override a
``1`` (header over file, meta over header, the first matching file rule over later ones). Here
a ``0`` never lifts a ``1``: any reserving signal reserves.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final
from urllib.parse import quote, urlsplit

from .robots_rules import DECODED_ESCAPES

HEAD_SCAN_CHARS: Final = 512 * 1024  # an HTML head is scanned this far at most
MAX_RULES: Final = 10_000  # rules kept from one tdmrep.json
MAX_PATTERN_CHARS: Final = 2048  # a longer ``location`` is ignored
_CLIP: Final = 160  # untrusted text quoted in refusal reasons is cut to this length

_META_NAMES: Final = frozenset({"tdm-reservation", "tdm-policy", "robots", "x-robots-tag"})
_PCT = re.compile(r"%([0-9A-Fa-f]{2})")
_DIRECTIVE_SPLIT = re.compile(r"[\s,;:]+")


@dataclass(frozen=True)
class TdmSignal:
    """One reservation found: what it was, as found, and the rightsholder's TDM policy if any."""

    description: str  # e.g. "response header tdm-reservation: 1"
    policy: str | None = None  # a tdm-policy URL telling how to obtain a licence

    def explain(self) -> str:
        if self.policy:
            return f"{self.description} (rightsholder's TDM policy: {clip(self.policy)})"
        return self.description


class TdmrepError(ValueError):
    """The body is not a TDMRep rules file (not JSON, or not an array of rules)."""


@dataclass(frozen=True)
class TdmRule:
    """One rule of ``/.well-known/tdmrep.json``, its ``location`` already normalised."""

    location: str
    reserved: bool
    policy: str | None = None

    def matches(self, path: str) -> bool:
        """Whether ``path`` (already ``normalise_path``-ed) falls under this rule's location."""
        pattern = self.location
        if pattern.endswith("$"):
            return _glob_fullmatch(pattern[:-1], path)
        return _glob_fullmatch(pattern + "*", path)

    def describe(self) -> str:
        value = 1 if self.reserved else 0
        location = clip(self.location)
        return f'/.well-known/tdmrep.json rule location "{location}" tdm-reservation {value}'


# -- values ---------------------------------------------------------------------------------


def clip(text: str, limit: int = _CLIP) -> str:
    """``text`` made safe to quote in a reason or a log line: printable, one line, bounded."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def parse_reservation(value: object) -> bool | None:
    """A ``tdm-reservation`` value: True (reserved, ``1``), False (``0``), None (unset/invalid)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return {1: True, 0: False}.get(value)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if isinstance(value, str):
        return {"1": True, "0": False}.get(value.strip())
    return None


def header_reservation(values: Iterable[str]) -> bool | None:
    """The verdict of every ``tdm-reservation`` header line (comma-joined lines allowed)."""
    verdicts = [parse_reservation(part) for value in values for part in value.split(",")]
    if True in verdicts:
        return True
    return False if False in verdicts else None


def robots_reserve_ai(value: str) -> bool:
    """Whether an ``X-Robots-Tag`` or meta robots value holds the ``noai`` directive."""
    return "noai" in _DIRECTIVE_SPLIT.split(value.lower())


def header_signals(
    tdm_reservation: Sequence[str], tdm_policy: Sequence[str], x_robots_tag: Sequence[str]
) -> list[TdmSignal]:
    """Reservations in response headers (each argument: the header's values, decoded)."""
    signals = []
    policy = next((p.strip() for p in tdm_policy if p.strip()), None)
    if header_reservation(tdm_reservation):
        signals.append(TdmSignal("response header tdm-reservation: 1", policy))
    for value in x_robots_tag:
        if robots_reserve_ai(value):
            signals.append(TdmSignal(f"response header X-Robots-Tag: {clip(value.strip())}"))
    return signals


# -- HTML -----------------------------------------------------------------------------------


class _StopScan(Exception):
    pass


class _HeadMetaParser(HTMLParser):
    """Collects the ``<meta>`` tags of interest and stops at ``<body>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # (attribute, name, content)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            raise _StopScan
        if tag != "meta":
            return
        values = {key: value or "" for key, value in attrs}
        for attr in ("name", "http-equiv"):
            name = values.get(attr, "").strip().lower()
            if name in _META_NAMES:
                self.found.append((attr, name, values.get("content", "")))
                return


def head_meta(html: str, limit: int = HEAD_SCAN_CHARS) -> list[tuple[str, str, str]]:
    """``(attribute, name, content)`` of the TDM and robots ``<meta>`` tags in the head.

    Only the first ``limit`` characters are looked at, and only up to ``<body>``; a page with
    no ``tdm-`` nor ``noai`` in that span is not parsed at all (the common, cheap case).
    """
    chunk = html[:limit]
    lowered = chunk.lower()
    if "tdm-" not in lowered and "noai" not in lowered:
        return []
    parser = _HeadMetaParser()
    # _StopScan at <body>, or anything the stdlib parser chokes on: keep what was found.
    with suppress(Exception):
        parser.feed(chunk)
    return parser.found


def html_signals(html: str, limit: int = HEAD_SCAN_CHARS) -> list[TdmSignal]:
    """Reservations in an HTML page's head (TDMRep meta, meta robots ``noai``)."""
    metas = head_meta(html, limit)
    policy = next(
        (c.strip() for _, name, c in metas if name == "tdm-policy" and c.strip()),
        None,
    )
    signals = []
    for attr, name, content in metas:
        quoted = f'<meta {attr}="{name}" content="{clip(content.strip())}">'
        if name == "tdm-reservation" and header_reservation([content]):
            signals.append(TdmSignal(quoted, policy))
        elif name in ("robots", "x-robots-tag") and robots_reserve_ai(content):
            signals.append(TdmSignal(quoted))
    return signals


# -- /.well-known/tdmrep.json ---------------------------------------------------------------


def parse_tdmrep(data: bytes | str) -> tuple[TdmRule, ...]:
    """The usable rules of a ``tdmrep.json`` body; TdmrepError if it is not a rules file.

    Lenient: a single rule object without the array brackets is read as a one-rule array;
    rules with a missing or invalid ``location`` or ``tdm-reservation`` are skipped (an
    unset reservation reserves nothing); keys are compared case-insensitively.
    """
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise TdmrepError(f"not JSON: {clip(str(exc), 80)}") from None
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, list):
        raise TdmrepError(f"expected a JSON array of rules, got {type(parsed).__name__}")
    rules = []
    for item in parsed[:MAX_RULES]:
        rule = _rule(item)
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


def _rule(item: object) -> TdmRule | None:
    if not isinstance(item, dict):
        return None
    fields = {str(k).strip().lower(): v for k, v in item.items()}
    location = fields.get("location")
    reserved = parse_reservation(fields.get("tdm-reservation"))
    if not isinstance(location, str) or reserved is None:
        return None
    pattern = _pattern(location)
    if pattern is None:
        return None
    policy = fields.get("tdm-policy")
    return TdmRule(pattern, reserved, (policy.strip() or None) if isinstance(policy, str) else None)


def _pattern(location: str) -> str | None:
    location = location.strip()
    if location.lower().startswith(("http://", "https://")):
        try:
            parts = urlsplit(location)
        except ValueError:
            return None
        location = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if not location or len(location) > MAX_PATTERN_CHARS:
        return None
    if not location.startswith(("/", "*")):
        location = "/" + location
    anchored = location.endswith("$")
    body = location[:-1] if anchored else location
    # Keep "*" (wildcard) as is; a "$" anywhere but the end is a literal dollar sign.
    normal = "*".join(normalise_path(part).replace("$", "%24") for part in body.split("*"))
    return normal + ("$" if anchored else "")


def normalise_path(path: str) -> str:
    """A path (and query) in the form rules are compared in (TDMRep, RFC 9309 style).

    Percent-escapes of unreserved characters and of the reserved ones robots.txt reads as
    their character (``%5B`` is ``[``, ``%3A`` is ``:``: ``robots_rules.DECODED_ESCAPES``)
    are decoded, other escapes (``%2F``, ``%3F``) upper-cased,
    non-ASCII and control characters UTF-8 percent-encoded; a literal ``*`` or ``$`` is
    encoded so it can never act as a wildcard or anchor. Case is kept (matching is
    case-sensitive, as the spec says it SHOULD be).
    """

    def unescape(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in DECODED_ESCAPES else "%" + match.group(1).upper()

    decoded = _PCT.sub(unescape, path)
    out = []
    for char in decoded:
        if char == "*":
            out.append("%2A")
        elif char == "$":
            out.append("%24")
        elif 0x20 < ord(char) < 0x7F:
            out.append(char)
        else:
            out.append(quote(char, safe="", errors="replace"))
    return "".join(out)


def reserving_rule(rules: Iterable[TdmRule], path: str, query: str = "") -> TdmRule | None:
    """The first reserving rule whose location matches the URL path (with or without query).

    TDMRep says the first matching rule decides; here any matching rule with
    ``tdm-reservation: 1`` reserves, even after a matching ``0`` (a 0 never lifts a 1).
    """
    candidates = {normalise_path(path or "/")}
    if query:
        candidates.add(normalise_path(f"{path or '/'}?{query}"))
    for rule in rules:
        if rule.reserved and any(rule.matches(c) for c in candidates):
            return rule
    return None


def _glob_fullmatch(pattern: str, text: str) -> bool:
    """Whether ``text`` matches ``pattern`` entirely, ``*`` standing for any run of characters.

    Two pointers with backtracking to the last ``*``: O(len(pattern) * len(text)) at worst,
    never exponential, whatever an adversarial pattern looks like.
    """
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif p < len(pattern) and pattern[p] == text[t]:
            p += 1
            t += 1
        elif star >= 0:
            mark += 1
            p, t = star + 1, mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)
