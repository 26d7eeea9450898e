"""Consumer mailbox providers: is this address the person's own mailbox (R6)?

The B2B exception of CPCE L34-5 covers professional addresses; a mailbox at a consumer
provider (``jean.dupont@gmail.com``, ``@orange.fr``, ``@web.de``) is the person's, not the
firm's, whatever page it was found on. The providers live in one data file shipped with the
package, ``values/data/mailbox_providers.txt``, whose header says how to read and extend it.

Matching is on the domain's registrable part, read with the Public Suffix List snapshot that
tldextract bundles (no network): ``name.*`` entries match the registrable label under any
public suffix (``yahoo.co.uk``), plain entries match the domain and its subdomains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Final

DATA_FILE: Final = "mailbox_providers.txt"
_ENTRY: Final = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?")


@dataclass(frozen=True)
class Providers:
    domains: frozenset[str]  # exact registrable domains: orange.fr, web.de
    labels: frozenset[str]  # ``name.*`` entries: yahoo, hotmail


def parse_providers(text: str, source: str = DATA_FILE) -> Providers:
    """Read the data file's format; a malformed line is an error naming its number."""
    domains: set[str] = set()
    labels: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _ENTRY.fullmatch(line):
            raise ValueError(f"{source}: line {number}: {line!r} is not a lower-case domain")
        if line.endswith(".*"):
            labels.add(line[:-2])
        else:
            domains.add(line)
    return Providers(frozenset(domains), frozenset(labels))


@lru_cache(maxsize=1)
def providers() -> Providers:
    text = resources.files(__package__).joinpath("data", DATA_FILE).read_text("utf-8")
    return parse_providers(text)


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
    )


@lru_cache(maxsize=65536)
def provider_of(email: str) -> str | None:
    """The provider entry an address (or a bare domain) belongs to, else None."""
    domain = email.rpartition("@")[2].strip().rstrip(".").lower()
    if not domain:
        return None
    known = providers()
    parts = _extractor()(domain)
    if not parts.domain or not parts.suffix:
        return None
    registrable = f"{parts.domain}.{parts.suffix}"
    if registrable in known.domains:
        return registrable
    if parts.domain in known.labels:
        return f"{parts.domain}.*"
    return None


def is_private_mailbox(email: str) -> bool:
    """Whether ``email`` is at a consumer mailbox provider."""
    return provider_of(email) is not None
