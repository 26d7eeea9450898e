"""Which syntaxes a page carries, the page's tree, and JSON-LD blocks.

:func:`markers` tells which syntaxes a page carries, from plain substring tests on the page text,
so a page pays only for the parsers it needs. The readers return JSON-LD shaped nodes for
:func:`~compliant_scraper.extract.entities.contacts_from_nodes`, within the page's
:class:`~compliant_scraper.extract.limits.Budget`: JSON-LD here, microdata in :mod:`.microdata`,
RDFa in :mod:`.rdfa`. A reader may raise on broken markup; the caller isolates each one.
"""

from __future__ import annotations

from typing import Any, Final

from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html, parse_xmldom_html

from .limits import Budget, bound_nodes

JSON_LD: Final = "json-ld"
MICRODATA: Final = "microdata"
RDFA: Final = "rdfa"
SYNTAXES: Final = (JSON_LD, MICRODATA, RDFA)

# A syntax is read only when the page text contains its marker. Markers are matched as written
# (lowercase), which is how pages write them; extruct's own JSON-LD lookup is case-sensitive too.
# RDFa is sniffed on ``typeof`` only: a contact needs a type, and ``property=`` alone is on most
# pages as OpenGraph ``<meta property="og:…">``, which would run the slow RDFa parser everywhere.
MARKERS: Final[dict[str, tuple[str, ...]]] = {
    JSON_LD: ("application/ld+json",),
    MICRODATA: ("itemscope",),
    RDFA: ("typeof",),
}

_JSON_LD_SCRIPTS: Final = "//script[@type='application/ld+json']"
_jsonld = JsonLdExtractor()


def markers(page: str | bytes) -> list[str]:
    """The syntaxes whose markers appear in ``page`` (text, or bytes in an ASCII-compatible
    encoding), in reading order."""
    return [syntax for syntax in SYNTAXES if any(contains(page, m) for m in MARKERS[syntax])]


def contains(page: str | bytes, marker: str) -> bool:
    """Whether the ASCII ``marker`` is in ``page``, without decoding a bytes page."""
    if isinstance(page, bytes):
        return marker.encode("ascii") in page
    return marker in page


def parse(body: bytes, encoding: str, *, dom: bool) -> Any:
    """An lxml tree of ``body``; ``dom=True`` gives the xml.dom-compatible tree RDFa needs."""
    return (parse_xmldom_html if dom else parse_html)(body, encoding=encoding)


def json_ld_blocks(tree: Any) -> list[Any]:
    """The page's ``<script type="application/ld+json">`` elements that are not blank."""
    return [script for script in tree.xpath(_JSON_LD_SCRIPTS) if (script.text or "").strip()]


def read_json_ld_block(script: Any, base_url: str, budget: Budget) -> list[Any]:
    """The nodes of one JSON-LD block (a dict, a list, or a ``@graph``), cut at the page's
    bounds; raises when broken. A block nested beyond Python's own recursion limit cannot be
    parsed at all: it counts as too deep, and is not read."""
    try:
        nodes = list(_jsonld.extract_items(script, base_url=base_url))
    except RecursionError:
        budget.too_deep(JSON_LD)
        return []
    bounded: list[Any] = bound_nodes(nodes, budget, JSON_LD, count_items=True) or []
    return bounded
