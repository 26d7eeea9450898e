"""How a fetched reservation file is read from the answer alone (RFC 9309 §2.3.1, R3).

One table for robots.txt and ``/.well-known/tdmrep.json``, read by both middlewares and the
terms fetcher:

- **parse**: 2xx, the body holds the rules;
- **no rules**: 4xx other than 429, "unavailable": nothing is reserved (RFC 9309 §2.3.1.3);
- **unreadable**: 5xx, 429, any other status (a redirect not followed), a timeout, a DNS or
  connection error, a refused hop: nothing can be ruled out, so everything is refused until
  it can be read (§2.3.1.4, fail closed).

Pure: the caller fetches (following at most its own number of redirects) and describes an
exception; this module only decides what the answer means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Verdict = Literal["parse", "no_rules", "unreadable"]
PARSE: Final = "parse"
NO_RULES: Final = "no_rules"
UNREADABLE: Final = "unreadable"
REDIRECT_STATUSES: Final = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Reading:
    verdict: Verdict
    detail: str  # "HTTP 200", "HTTP 404", "HTTP 503", "TimeoutError: timed out", ...

    @property
    def parse(self) -> bool:
        return self.verdict == PARSE

    @property
    def unreadable(self) -> bool:
        return self.verdict == UNREADABLE


def read_status(status: int) -> Reading:
    """What a final HTTP status says about the file."""
    detail = f"HTTP {status}"
    if 200 <= status < 300:
        return Reading(PARSE, detail)
    if 400 <= status < 500 and status != 429:
        return Reading(NO_RULES, detail)
    return Reading(UNREADABLE, detail)


def unreadable(detail: str) -> Reading:
    """No answer to read (a network error, a refused hop, too many redirects): ``detail``
    says which."""
    return Reading(UNREADABLE, detail)
