"""Contacts of one page: JSON-LD, microdata and RDFa through extruct, then mailto:/tel: links.

The page is parsed once with lxml (or not at all when it carries no marker); each syntax is read
only when the page carries its marker (see :mod:`.syntaxes`) and separately, so broken markup in
one syntax, or in one JSON-LD block, never hides the others. Failures are counted in
``compliance/extract/error/<syntax>``, contacts in ``compliance/extract/items/<method>``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .entities import contacts_from_nodes
from .links import MARKERS as LINK_MARKERS
from .links import link_contacts
from .syntaxes import (
    JSON_LD,
    MICRODATA,
    RDFA,
    contains,
    json_ld_blocks,
    markers,
    parse,
    read_json_ld_block,
    read_microdata,
    read_rdfa,
)

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

STATS_ERROR = "compliance/extract/error/{}"
STATS_ITEMS = "compliance/extract/items/{}"


def extract_contacts(
    html: str | bytes,
    url: str,
    *,
    encoding: str = "utf-8",
    tree: Any = None,
    stats: StatsCollector | None = None,
) -> list[dict[str, Any]]:
    """The contacts of the page ``html`` fetched from ``url``, structured ones first.

    ``encoding`` is the encoding of ``html`` when it is bytes. ``tree`` is an lxml tree of the
    page already parsed by the caller (a Scrapy response's ``response.selector.root``): it is
    reused for JSON-LD, microdata and links; RDFa needs its own tree and parses the page again.
    """
    syntaxes = markers(html)
    has_links = any(contains(html, marker) for marker in LINK_MARKERS.values())
    if not syntaxes and not has_links:
        return []
    body = html if isinstance(html, bytes) else html.encode("utf-8")
    body_encoding = encoding if isinstance(html, bytes) else "utf-8"
    if tree is None or RDFA in syntaxes:
        try:
            tree = parse(body, body_encoding, dom=RDFA in syntaxes)
        except Exception as exc:  # an empty or undecodable document
            _failed("html", url, exc, stats)
            return []

    contacts: list[dict[str, Any]] = []
    if JSON_LD in syntaxes:
        contacts += _json_ld(tree, url, stats)
    for syntax, reader in ((MICRODATA, read_microdata), (RDFA, read_rdfa)):
        if syntax in syntaxes:
            try:
                contacts += contacts_from_nodes(reader(tree, url), syntax, url)
            except Exception as exc:
                _failed(syntax, url, exc, stats)
    if has_links:
        try:
            contacts += link_contacts(tree, contacts)
        except Exception as exc:
            _failed("links", url, exc, stats)
    if stats is not None:
        for contact in contacts:
            stats.inc_value(STATS_ITEMS.format(contact["method"]))
    return contacts


def _json_ld(tree: Any, url: str, stats: StatsCollector | None) -> list[dict[str, Any]]:
    """JSON-LD contacts, each block read on its own so one broken block hides no other."""
    nodes: list[Any] = []
    for script in json_ld_blocks(tree):
        try:
            nodes.extend(read_json_ld_block(script, url))
        except Exception as exc:
            _failed(JSON_LD, url, exc, stats)
    try:
        return contacts_from_nodes(nodes, JSON_LD, url)
    except Exception as exc:  # e.g. RecursionError on hostile nesting
        _failed(JSON_LD, url, exc, stats)
        return []


def _failed(syntax: str, url: str, exc: Exception, stats: StatsCollector | None) -> None:
    """Count and log one syntax that could not be read (broken markup is the page's problem)."""
    if stats is not None:
        stats.inc_value(STATS_ERROR.format(syntax))
    level = logging.DEBUG if isinstance(exc, ValueError) else logging.WARNING
    logger.log(level, "Cannot read %s on %s: %s: %s", syntax, url, type(exc).__name__, exc)
