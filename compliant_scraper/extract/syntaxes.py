"""Reading one syntax of a page with extruct, into JSON-LD shaped nodes.

Each reader takes an lxml tree parsed once for the page and returns the page's nodes for
:func:`~compliant_scraper.extract.entities.contacts_from_nodes`. A reader may raise on broken
markup; the caller isolates each one. :func:`markers` tells which syntaxes a page carries, from
plain substring tests on the page text, so a page pays only for the parsers it needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import extruct
from extruct.jsonld import JsonLdExtractor
from extruct.utils import parse_html, parse_xmldom_html

from .values import local_name

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

Reader = Callable[[Any, str], list[Any]]


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


def read_json_ld_block(script: Any, base_url: str) -> list[Any]:
    """The nodes of one JSON-LD block (a dict, a list, or a ``@graph``); raises when broken."""
    return list(_jsonld.extract_items(script, base_url=base_url))


def read_microdata(tree: Any, base_url: str) -> list[Any]:
    """Microdata items in extruct's uniform (JSON-LD like) shape; untyped items flattened."""
    items = extruct.extract(tree, base_url=base_url, syntaxes=[MICRODATA], uniform=True)
    return [_flatten_microdata(item) for item in items.get(MICRODATA, [])]


def read_rdfa(tree: Any, base_url: str) -> list[Any]:
    """RDFa nodes compacted from expanded JSON-LD: local keys, unwrapped ``@value`` lists."""
    items = extruct.extract(tree, base_url=base_url, syntaxes=[RDFA])
    return [_compact_rdfa(node) for node in items.get(RDFA, []) if isinstance(node, dict)]


def _flatten_microdata(value: Any) -> Any:
    if isinstance(value, list):
        return [_flatten_microdata(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@type" not in value and isinstance(value.get("properties"), dict):
        value = value["properties"]  # an item without itemtype
    out: dict[str, Any] = {}
    for key, child in value.items():
        out["@id" if key == "id" else key] = _flatten_microdata(child)
    return out


def _compact_rdfa(node: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, values in node.items():
        if key in ("@id", "@type"):
            out[key] = values
        else:
            unwrapped = [_unwrap(v) for v in values] if isinstance(values, list) else [values]
            out[local_name(key)] = unwrapped[0] if len(unwrapped) == 1 else unwrapped
    return out


def _unwrap(value: Any) -> Any:
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        if "@list" in value and isinstance(value["@list"], list):
            return [_unwrap(v) for v in value["@list"]]
    return value
