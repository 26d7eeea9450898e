"""robots.txt parsing and matching as RFC 9309 says (R3), for untrusted input.

Why not protego's ``Protego`` class: protego 0.7 differs from RFC 9309 in ways its public API
cannot switch off, and each difference lets a crawler fetch what the operator disallowed:

- it applies a group whose name merely begins a token of the agent's name (a group for
  ``examplebot`` captures ``examplebot-news``); RFC 9309 §2.2.1 compares whole product tokens;
- it ends a group at any line that is not a rule, so ``Crawl-delay`` or an unknown line
  between two ``user-agent`` lines splits one group in two (§2.2.4: other records "MUST NOT
  interfere" with grouping);
- it treats ``Allow: /dir/index.html`` as also allowing ``/dir/`` (a Google extension);
- it reads a pattern's end anchor ``$`` twice, once as an anchor and once as a literal ``$``.

Patching protego's private classes (``_RuleSet``, ``_URLPattern``) would tie us to one release
(pyproject allows ``protego>=0.4``, whose internals differ). So this module does the whole job
in the same shape as protego (one small parser, greedy ``*`` matching without regular
expressions, so no pattern can make matching explode) and protego stays the reference: the
tests check that both agree wherever RFC 9309 and protego agree, and list where they differ.

Leniency (robots.txt is untrusted input; parsing never raises):

- only the first ``max_bytes`` bytes are read (RFC 9309 §2.5: at least 500 KiB); a byte
  order mark, CR, LF and CRLF line ends, bytes that are not UTF-8, garbage and huge lines
  are accepted; unknown lines are ignored; UTF-16 (with a BOM, or NULs between ASCII
  letters) is decoded and NULs are dropped;
- a ``user-agent`` line whose agent cannot be read counts as ``*`` (toward disallow);
- a missing colon is tolerated (``Disallow /x``) and so are common misspellings of
  ``user-agent`` and ``disallow`` (as Google's and protego's parsers do);
- a ``user-agent`` value names the product token it starts with (``FooBot/1.2`` and
  ``FooBot Images`` name ``foobot``, as Google's reference parser reads them);
- a pattern that starts with neither ``/`` nor ``*`` gets a leading ``/``, its evident intent.

Percent-encoding (RFC 9309 §2.2.2): paths and patterns are compared after the same
normalisation: escapes of unreserved characters and of the reserved characters that separate
nothing in a path are decoded (``%62`` is ``b``, ``%5B`` is ``[``, ``%3A`` is ``:``), other
escapes are upper-cased and kept (``%2F`` is not ``/``, ``%3F`` not ``?``), non-ASCII and
characters a URI cannot hold are encoded as UTF-8 escapes, and a ``*`` or ``$`` in a URL is
compared as ``%2A`` / ``%24`` (§2.2.3: a rule matches those literally only when written
encoded). A ``Disallow`` holding bytes that are not UTF-8 also disallows their Windows-1252
reading in UTF-8.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlsplit

from .robots_match import PatternIndex, matches

DEFAULT_MAX_BYTES: Final = 500 * 1024

_USER_AGENT_KEYS: Final = frozenset({"user-agent", "useragent", "user agent"})
_ALLOW_KEYS: Final = frozenset({"allow"})
_DISALLOW_KEYS: Final = frozenset(
    {"disallow", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}
)
_CRAWL_DELAY_KEYS: Final = frozenset({"crawl-delay", "crawl delay", "crawldelay"})
_KNOWN_KEYS: Final = _USER_AGENT_KEYS | _ALLOW_KEYS | _DISALLOW_KEYS | _CRAWL_DELAY_KEYS

_LINE_END = re.compile(r"\r\n|\r|\n")
_TOKEN = re.compile(r"[A-Za-z_-]+")
_UNRESERVED: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters a URI holds as they are (RFC 3986 unreserved and reserved, minus "#", which ends
# a path, and "*" and "$", which robots.txt patterns give a meaning).
_VERBATIM: Final = _UNRESERVED | frozenset(":/?[]@!&'()+,;=")
# Escapes read as the character they encode, here and in TDMRep locations (issue 9 item 9):
# unreserved characters and the reserved ones that separate nothing in a path (``%5B`` is
# ``[``, ``%3A`` is ``:``, ``%26`` is ``&``). ``%2F`` (``/``), ``%3F`` (``?``), ``%23`` (``#``)
# and ``%25`` (``%``) stay escapes, as do ``%2A`` and ``%24``, which a pattern needs to name a
# literal ``*`` or ``$`` (§2.2.3).
DECODED_ESCAPES: Final = _VERBATIM - frozenset("/?")
_HEX: Final = frozenset("0123456789ABCDEFabcdef")
_PLAIN = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!&'()+,;=]*")


def product_token(user_agent: str) -> str:
    """The product token an agent is matched on (RFC 9309 §2.2.1): letters, ``_`` and ``-``.

    ``"compliant-scraper/0.1 (+https://...)"`` gives ``"compliant-scraper"``; a string that
    does not start with a token gives ``""``, which only the ``*`` group matches.
    """
    match = _TOKEN.match(user_agent.strip())
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Rule:
    """One ``allow`` or ``disallow`` line: its normalised pattern and the line as written."""

    allow: bool
    pattern: str
    line: str

    def matches(self, path: str) -> bool:
        """Whether the pattern matches ``path`` (already normalised) from its first octet."""
        return matches(self.pattern, path)


@dataclass(frozen=True)
class Verdict:
    """The outcome for one URL: allowed or not, and the rule that decided (None: no rule)."""

    allowed: bool
    rule: Rule | None = None


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)  # lower-case tokens, "*" for the global
    rules: list[Rule] = field(default_factory=list)
    crawl_delays: list[float] = field(default_factory=list)
    closed: bool = False  # a rule line was seen: the next user-agent line starts a new group


@dataclass(frozen=True)
class _Applicable:
    rules: tuple[Rule, ...]  # longest pattern first, allow before disallow on a tie
    crawl_delay: float | None
    index: PatternIndex  # the rules' patterns, by literal prefix


class RobotsRules:
    """The parsed groups of one robots.txt. Build with ``parse`` (or ``allow_all``)."""

    def __init__(self, groups: Iterable[_Group] = (), *, truncated: bool = False) -> None:
        self._groups = tuple(groups)
        self.truncated = truncated  # the body was longer than max_bytes
        self._applicable: dict[str, _Applicable] = {}

    @classmethod
    def allow_all(cls) -> RobotsRules:
        """No rules at all: what a 4xx robots.txt means (RFC 9309 §2.3.1.3)."""
        return cls()

    @classmethod
    def parse(cls, body: bytes | str, max_bytes: int = DEFAULT_MAX_BYTES) -> RobotsRules:
        """Parse the first ``max_bytes`` bytes of ``body``. Never raises on any content."""
        raw = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        truncated = len(raw) > max_bytes
        raw = raw[: max(max_bytes, 0)]
        return cls(_parse_groups(_decode(raw)), truncated=truncated)

    # -- queries --------------------------------------------------------------------------

    def verdict(self, url_or_path: str, agent_token: str) -> Verdict:
        """Allowed or not for ``agent_token``, with the deciding rule (longest match wins)."""
        path = normalise_path(url_or_path)
        if path == "/robots.txt" or path.startswith("/robots.txt?"):
            return Verdict(True)  # RFC 9309 §2.2.2: implicitly allowed
        applicable = self._for(agent_token)
        rank = applicable.index.first_match(path)
        if rank is None:
            return Verdict(True)
        rule = applicable.rules[rank]
        return Verdict(rule.allow, rule)

    def allowed(self, url_or_path: str, agent_token: str) -> bool:
        return self.verdict(url_or_path, agent_token).allowed

    def crawl_delay(self, agent_token: str) -> float | None:
        """The ``Crawl-delay`` of the agent's group (the largest, when groups are merged)."""
        return self._for(agent_token).crawl_delay

    def _for(self, agent_token: str) -> _Applicable:
        token = agent_token.strip().lower()
        applicable = self._applicable.get(token)
        if applicable is None:
            applicable = self._applicable[token] = self._select(token)
        return applicable

    def _select(self, token: str) -> _Applicable:
        # RFC 9309 §2.2.1: the groups naming the agent, merged; "*" only when none does.
        groups = [g for g in self._groups if token and token in g.agents]
        if not groups:
            groups = [g for g in self._groups if "*" in g.agents]
        rules = {r: None for g in groups for r in g.rules}  # deduplicated, in order
        ordered = sorted(rules, key=lambda r: (len(r.pattern), r.allow), reverse=True)
        delays = [d for g in groups for d in g.crawl_delays]
        index = PatternIndex([r.pattern for r in ordered])
        return _Applicable(tuple(ordered), max(delays) if delays else None, index)


# -- parsing --------------------------------------------------------------------------------


def readable_text(raw: bytes) -> str:
    """The text of a robots.txt as the parser reads it (UTF-16 decoded, NULs dropped), with
    the bytes that are not UTF-8 shown as U+FFFD: what an audit snapshot stores."""
    return _decode(raw).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _decode(raw: bytes) -> str:
    """The text of a robots.txt: UTF-16 when a byte order mark says so, or when NULs stand
    between ASCII letters as in UTF-16 without one (issue 10 item 5); else UTF-8, with the bytes
    that are not UTF-8 kept (``surrogateescape``) and a UTF-8 BOM, even a partial one, dropped.
    NUL characters are removed: ``User-agent: *\\0`` is ``User-agent: *``."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw[2:].decode("utf-16-le" if raw[0] == 0xFF else "utf-16-be", "replace")
    elif len(raw) >= 4 and raw[1] == 0 and raw[3] == 0 and raw[0] and raw[2]:
        text = raw.decode("utf-16-le", "replace")
    elif len(raw) >= 4 and raw[0] == 0 and raw[2] == 0 and raw[1] and raw[3]:
        text = raw.decode("utf-16-be", "replace")
    else:
        for bom in (b"\xef\xbb\xbf", b"\xef\xbb", b"\xef"):  # a BOM, even a partial one
            if raw.startswith(bom):
                raw = raw[len(bom) :]
                break
        text = raw.decode("utf-8", "surrogateescape")
    return text.replace("\x00", "")


def _parse_groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    for line in _LINE_END.split(text):
        parsed = _directive(line)
        if parsed is None:
            continue
        key, value = parsed
        if key in _USER_AGENT_KEYS:
            if current is None or current.closed:
                current = _Group()
                groups.append(current)
            agent = _agent_of(value)
            if agent and agent not in current.agents:
                current.agents.append(agent)
        elif current is None:
            continue  # RFC 9309 §2.2.2: rules outside any group are ignored
        elif key in _CRAWL_DELAY_KEYS:
            delay = _delay(value)
            if delay is not None:
                current.crawl_delays.append(delay)
        else:
            current.closed = True  # even an empty rule ends the list of user-agent lines
            if value:
                allow = key in _ALLOW_KEYS
                keyword = "Allow" if allow else "Disallow"
                line = f"{keyword}: {value}"
                current.rules.append(Rule(allow, _normalise_pattern(value), line))
                legacy = None if allow else _legacy_reading(value)
                if legacy is not None:
                    # Bytes that are not UTF-8 (a file saved in Latin-1 or Windows-1252): the
                    # rule disallows their UTF-8 spelling too, the one request URLs use.
                    current.rules.append(Rule(False, _normalise_pattern(legacy), line))
    return groups


def _legacy_reading(value: str) -> str | None:
    """``value`` read as Windows-1252 (Latin-1 where it has no character) when it holds bytes
    that are not UTF-8; None when it holds none."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return None
    data = value.encode("utf-8", "surrogateescape")
    return "".join(
        _cp1252(byte) if byte >= 0x80 else chr(byte) for byte in data
    )  # a UTF-8 sequence in a mixed line is read byte by byte: a second, wider reading


def _cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


def _directive(line: str) -> tuple[str, str] | None:
    """``(key, value)`` of a line we understand, or None for blank, comment or unknown lines."""
    line = line.partition("#")[0].strip()
    if not line:
        return None
    key, colon, value = line.partition(":")
    if colon:
        key = " ".join(key.split()).lower()
        if key in _KNOWN_KEYS:
            return key, value.strip()
    words = line.split(None, 2)  # a missing colon: "Disallow /x", "User agent FooBot"
    for count in (2, 1):
        key = " ".join(words[:count]).lower().rstrip(":")
        if len(words) >= count and key in _KNOWN_KEYS:
            rest = line.split(None, count)
            return key, rest[count].strip() if len(rest) > count else ""
    return None


def _agent_of(value: str) -> str:
    """The product token a user-agent line names, lower-cased; ``*`` for the global group,
    and for a line whose agent cannot be read (no product token: ``\x01bot``, ``©bot``, an
    empty value), so that its rules apply rather than vanish (issue 10 item 5)."""
    value = value.strip()
    if value == "*" or (value.startswith("*") and value[1:2].isspace()):
        return "*"
    return product_token(value).lower() or "*"


def _delay(value: str) -> float | None:
    try:
        delay = float(value)
    except ValueError:
        return None
    return delay if math.isfinite(delay) and delay >= 0 else None


# -- normalisation and matching -------------------------------------------------------------


def normalise_path(url_or_path: str) -> str:
    """The path and query of a URL (or of a bare ``/path?query``), normalised for matching."""
    url = url_or_path.partition("#")[0]
    if not url.startswith("/") or url.startswith("//"):
        parts = urlsplit(url)
        path = parts.path + ("?" + parts.query if "?" in url else "")
        url = path if path.startswith("/") else "/" + path
    return _normalise(url, pattern=False)


def _normalise_pattern(value: str) -> str:
    if not value.startswith(("/", "*")):
        value = "/" + value
    return _normalise(value, pattern=True)


def _normalise(text: str, *, pattern: bool) -> str:
    if _PLAIN.fullmatch(text):
        return text
    out: list[str] = []
    last = len(text) - 1
    i = 0
    while i <= last:
        char = text[i]
        if char == "%" and i + 2 <= last and text[i + 1] in _HEX and text[i + 2] in _HEX:
            code = text[i + 1 : i + 3].upper()
            decoded = chr(int(code, 16))
            out.append(decoded if decoded in DECODED_ESCAPES else "%" + code)
            i += 3
            continue
        if char in _VERBATIM:
            out.append(char)
        elif pattern and (char == "*" or (char == "$" and i == last)):
            out.append(char)  # wildcard, end anchor
        else:
            data = char.encode("utf-8", "surrogateescape")
            out.append("".join(f"%{byte:02X}" for byte in data))
        i += 1
    return "".join(out)
