"""Contacts of one page: JSON-LD, microdata and RDFa through extruct, then mailto:/tel: links.

The page is parsed once with lxml (or not at all when it carries no marker); each syntax is read
only when the page carries its marker (see :mod:`.syntaxes`) and separately, so broken markup in
one syntax, or in one JSON-LD block, never hides the others. Each page is read within its
:class:`~.limits.Limits` (nesting depth, items, time): a bound stops the reading, what was read
before it is kept, and each bound hit is reported through ``on_drop`` (see :mod:`.limits`).
Failures are counted in ``compliance/extract/error/<syntax>``, bounds in
``compliance/extract/limit/<reason>``, contacts in ``compliance/extract/items/<method>``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .encoding import page_text
from .entities import Withheld, contacts_from_nodes
from .limits import RULE, Budget, LimitHit, Limits, OverTime
from .links import MARKERS as LINK_MARKERS
from .links import link_contacts
from .microdata import read_microdata
from .rdfa import read_rdfa
from .syntaxes import (
    JSON_LD,
    MICRODATA,
    RDFA,
    contains,
    json_ld_blocks,
    markers,
    parse,
    read_json_ld_block,
)

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_ERROR = "compliance/extract/error/{}"
STATS_ITEMS = "compliance/extract/items/{}"
STATS_LIMIT = "compliance/extract/limit/{}"

OnDrop = Callable[[str, str, str, str], None]
"""``on_drop(url, field, reason, rule)``, as ``ComplianceContext.drop``."""


def extract_contacts(
    html: str | bytes,
    url: str,
    *,
    encoding: str | None = None,
    tree: Any = None,
    stats: StatsCollector | None = None,
    limits: Limits | None = None,
    on_drop: OnDrop | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> list[dict[str, Any]]:
    """The contacts of the page ``html`` fetched from ``url``, structured ones first.

    ``html`` is the page's text, or its bytes: then ``encoding`` is the charset the response
    declared, if any, and the page is decoded as :func:`~.encoding.page_encoding` says (a
    declaration the bytes contradict is not believed). ``tree`` is an lxml tree of the page
    already parsed by the caller (a Scrapy response's ``response.selector.root``): it is reused
    for JSON-LD, microdata and links; RDFa needs its own tree and parses the page again.
    ``limits`` bounds the page (default :class:`~.limits.Limits`); every bound hit is reported
    once per reason as ``on_drop(url, "*", reason, "R10")``.
    """
    syntaxes = markers(html)
    has_links = any(contains(html, marker) for marker in LINK_MARKERS.values())
    if not syntaxes and not has_links:
        return []
    if isinstance(html, bytes):
        html = page_text(html, f"charset={encoding}" if encoding else None)
        tree = None
    if tree is None or RDFA in syntaxes:
        try:
            tree = parse(html.encode("utf-8"), "utf-8", dom=RDFA in syntaxes)
        except Exception as exc:  # an empty or undecodable document
            _failed("html", url, exc, stats)
            return []

    budget = Budget(limits or Limits(), clock)
    withheld = Withheld()
    contacts: list[dict[str, Any]] = []
    if JSON_LD in syntaxes:
        contacts += _json_ld(tree, url, budget, withheld, stats)
    for syntax, reader in ((MICRODATA, read_microdata), (RDFA, read_rdfa)):
        if syntax in syntaxes:
            try:
                nodes = reader(tree, url, budget)
                contacts += contacts_from_nodes(nodes, syntax, url, withheld)
            except OverTime:
                pass
            except Exception as exc:
                _failed(syntax, url, exc, stats)
    if has_links and not budget.expired("links"):
        try:
            contacts += link_contacts(tree, contacts, budget, withheld)
        except Exception as exc:
            _failed("links", url, exc, stats)
    if stats is not None:
        for contact in contacts:
            stats.inc_value(STATS_ITEMS.format(contact["method"]))
    _report(budget.hits, url, stats, on_drop)
    return contacts


def _json_ld(
    tree: Any, url: str, budget: Budget, withheld: Withheld, stats: StatsCollector | None
) -> list[dict[str, Any]]:
    """JSON-LD contacts, each block read on its own so one broken block hides no other."""
    nodes: list[Any] = []
    for script in json_ld_blocks(tree):
        if budget.expired(JSON_LD):
            break
        try:
            nodes.extend(read_json_ld_block(script, url, budget))
        except Exception as exc:
            _failed(JSON_LD, url, exc, stats)
    try:
        return contacts_from_nodes(nodes, JSON_LD, url, withheld)
    except Exception as exc:
        _failed(JSON_LD, url, exc, stats)
        return []


def _report(
    hits: list[LimitHit], url: str, stats: StatsCollector | None, on_drop: OnDrop | None
) -> None:
    """Log each bound the page hit; count and report each reason once."""
    reasons: dict[str, list[LimitHit]] = {}
    for hit in hits:
        reasons.setdefault(hit.reason, []).append(hit)
    for reason, found in reasons.items():
        logger.warning(
            "Page %s not read in full (%s): %s; what was read before is kept",
            url,
            reason,
            "; ".join(f"{hit.syntax}: {hit.detail}" for hit in found),
        )
        if stats is not None:
            stats.inc_value(STATS_LIMIT.format(reason))
        if on_drop is not None:
            on_drop(url, "*", reason, RULE)


def _failed(syntax: str, url: str, exc: Exception, stats: StatsCollector | None) -> None:
    """Count and log one syntax that could not be read (broken markup is the page's problem)."""
    if stats is not None:
        stats.inc_value(STATS_ERROR.format(syntax))
    level = logging.DEBUG if isinstance(exc, ValueError) else logging.WARNING
    logger.log(level, "Cannot read %s on %s: %s: %s", syntax, url, type(exc).__name__, exc)
