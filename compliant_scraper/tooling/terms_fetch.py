"""Fetch a terms-of-service page under the crawl's own rules (R2, R3).

The gate decides first (``policy.decide.decide`` as for the compliance layer's own fetches):
a domain with no policy, a forbidding or overdue one, is not fetched; legal then saves the
page from a browser and scans the file. robots.txt is read as strictly as during a crawl
(``reservations.answers``, RFC 9309: 4xx means no rules; 5xx, 429 or a network error means
complete disallow). Every redirect is judged again. One page, at most ``MAX_BYTES``, with
the crawl's user agent.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import date
from http.client import HTTPMessage
from typing import IO, Final
from urllib.parse import urlsplit

from ..policy.decide import decide
from ..policy.model import Registry
from ..product import USER_AGENT
from ..reservations import answers
from ..reservations.robots_rules import RobotsRules, product_token
from .base import ToolingError

MAX_BYTES: Final = 2 * 1024 * 1024
TIMEOUT: Final = 20.0
_SAVE_HINT: Final = (
    "save the page from a browser and run `compliant-scraper policy scan-terms FILE`"
)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    text: str


def _gate(registry: Registry, url: str, today: date) -> None:
    verdict = decide(registry, url, purpose=None, today=today, internal=True)
    if not verdict.allowed:
        raise ToolingError(
            f"the gate refuses {url}: {verdict.reason} ({verdict.rule}); {_SAVE_HINT}"
        )


class _GatedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, registry: Registry, today: date) -> None:
        self.registry = registry
        self.today = today

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        _gate(self.registry, newurl, self.today)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(registry: Registry, today: date) -> urllib.request.OpenerDirector:
    # No ProxyHandler from the environment is removed: a proxy is how tests reach a local world.
    return urllib.request.build_opener(_GatedRedirects(registry, today))


def _robots_allow(opener: urllib.request.OpenerDirector, url: str) -> None:
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    request = urllib.request.Request(robots_url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES)
    except urllib.error.HTTPError as exc:
        reading = answers.read_status(exc.code)
        if not reading.unreadable:
            return  # RFC 9309 §2.3.1.3: unavailable means no rules
        raise ToolingError(
            f"robots.txt of {parts.netloc} answered {exc.code}: RFC 9309 reads that as complete "
            f"disallow (R3); {_SAVE_HINT}"
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ToolingError(
            f"robots.txt of {parts.netloc} is unreachable ({reason}): RFC 9309 reads that as "
            f"complete disallow (R3); {_SAVE_HINT}"
        ) from None
    if not RobotsRules.parse(body).allowed(url, product_token(USER_AGENT)):
        raise ToolingError(f"robots.txt of {parts.netloc} disallows {url} (R3); {_SAVE_HINT}")


def fetch_terms(registry: Registry, url: str, today: date) -> Fetched:
    """The page at ``url`` as text, if the gate and robots.txt allow it; else a ToolingError."""
    _gate(registry, url, today)
    opener = _opener(registry, today)
    _robots_allow(opener, url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
            final = response.geturl()
    except urllib.error.HTTPError as exc:
        raise ToolingError(f"{url} answered {exc.code}; {_SAVE_HINT}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ToolingError(
            f"cannot fetch {url}: {getattr(exc, 'reason', exc)}; {_SAVE_HINT}"
        ) from None
    return Fetched(final, body.decode(charset, errors="replace"))
