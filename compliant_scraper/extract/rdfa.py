"""RDFa with extruct (pyRdfa), on a prepared copy of the page, one broken item never hiding the
others.

pyRdfa reads the whole page in one call, and one bad value anywhere ends it: an ``href`` such as
``http://[x`` on any link of a page with ``typeof`` (urllib: "Invalid IPv6 URL"), or a ``lang``
that is not a language tag (rdflib), and every RDFa contact of the page was lost. So the page is
copied (the caller's tree is shared with the other syntaxes and the link reader) and the copy is
prepared in one pass, :func:`prepare`:

- **unreadable values are removed**: an IRI attribute (``about``, ``resource``, ``href``,
  ``src``, ``vocab``, ``datatype``, ``xmlns:*``) or a ``typeof``/``property``/``rel``/``rev``
  token that urllib cannot join to the page URL, and a ``lang``/``xml:lang`` that is not a
  language tag. When the removed IRI was the value of the element's ``property``/``rel``/``rev``,
  those go too, so the link text does not become the value instead.
- **a name written on a link is its text**: RDFa 1.1 takes ``href`` (``src``, ``resource``) as
  the value of ``property`` when there is no ``content``, so ``<a property="name"
  href="/jean">Jean Dupont</a>`` names the person ``https://…/jean``. For the name properties
  (:data:`NAME_PROPERTIES`) the text is taken: the ``href`` is removed from the copy when the
  link carries only names, or the names move to a ``content`` child when it also carries other
  properties (``property="name url"`` keeps the URL as ``url``). Not with ``content`` (RDFa then
  makes ``href`` the subject: the name is the linked page's, not this node's).
- **bounds**: an item (``typeof``) nested deeper than ``max_depth`` items, or found after the
  page's last item, is removed with everything inside it (see :mod:`.limits`).

If pyRdfa still fails on the prepared page, each top-level item is read again on its own (with
the page's head and its ancestors' attributes, for ``vocab``, ``prefix`` and ``base``), so only
the broken item is lost.
"""

from __future__ import annotations

import copy
import re
from typing import Any, Final
from urllib.parse import urljoin

import extruct

from .limits import Budget, bound_nodes
from .values import local_name

SYNTAX: Final = "rdfa"

NAME_PROPERTIES: Final = frozenset(
    {"name", "givenName", "familyName", "additionalName", "legalName", "alternateName"}
)
_IRI_ATTRIBUTES: Final = ("about", "resource", "href", "src", "vocab", "datatype")
_VALUE_ATTRIBUTES: Final = ("href", "src", "resource")
_TOKEN_ATTRIBUTES: Final = ("typeof", "property", "rel", "rev")
_LANG_ATTRIBUTES: Final = ("lang", "xml:lang")
# rdflib's own check (rdflib.term._is_valid_langtag), which raises on anything else.
_LANG_TAG: Final = re.compile(r"^[a-zA-Z]+(?:-[a-zA-Z0-9]+)*$")


def read_rdfa(tree: Any, base_url: str, budget: Budget) -> list[Any]:
    """RDFa nodes compacted from expanded JSON-LD: local keys, unwrapped ``@value`` lists."""
    if budget.expired(SYNTAX):
        return []
    page = copy.deepcopy(tree)
    prepare(page, base_url, budget)
    try:
        items = _extract(page, base_url)
    except Exception:
        items = []
        for part in _items_apart(page):
            if budget.expired(SYNTAX):
                break
            try:
                items += _extract(part, base_url)
            except Exception:  # this item alone is broken
                continue
        if not items:
            raise
    nodes = [_compact(node) for node in items if isinstance(node, dict)]
    bounded: list[Any] = bound_nodes(nodes, budget, SYNTAX, count_items=False) or []
    return bounded


def _extract(page: Any, base_url: str) -> list[Any]:
    found: list[Any] = extruct.extract(page, base_url=base_url, syntaxes=[SYNTAX]).get(SYNTAX, [])
    return found


def prepare(root: Any, base_url: str, budget: Budget) -> None:
    """Make ``root`` (a page's own copy) readable by pyRdfa and bounded, in place."""
    cut: list[Any] = []
    stack: list[tuple[Any, int]] = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            continue
        _repair(element, base_url)
        if element.get("typeof") is not None:
            depth += 1
            if depth > budget.limits.max_depth:
                budget.too_deep(SYNTAX)
                cut.append(element)
                continue
            if not budget.take_item(SYNTAX):
                cut.append(element)
                continue
        _name_from_text(element)
        stack.extend((child, depth) for child in reversed(element))
    for element in cut:
        element.drop_tree()


def _repair(element: Any, base_url: str) -> None:
    """Remove what pyRdfa cannot read from one element (see the module docstring)."""
    for name in (*_IRI_ATTRIBUTES, *(a for a in element.attrib if a.startswith("xmlns:"))):
        value = element.get(name)
        if value is not None and not _joinable(base_url, value):
            del element.attrib[name]
            if name in _VALUE_ATTRIBUTES and element.get("typeof") is None:
                for carrier in ("property", "rel", "rev"):
                    element.attrib.pop(carrier, None)
    for name in _TOKEN_ATTRIBUTES:
        value = element.get(name)
        if value is not None:
            tokens = value.split()
            kept = [token for token in tokens if _joinable(base_url, token)]
            if len(kept) != len(tokens):
                element.set(name, " ".join(kept))
    for name in _LANG_ATTRIBUTES:
        value = element.get(name)
        if value and not _LANG_TAG.match(value):
            del element.attrib[name]


def _joinable(base_url: str, value: str) -> bool:
    try:
        urljoin(base_url, value.strip())
    except ValueError:
        return False
    return True


def _name_from_text(element: Any) -> None:
    """A name property on a link takes the link's text, not its URL (see the docstring)."""
    tokens = (element.get("property") or "").split()
    names = [token for token in tokens if local_name(token) in NAME_PROPERTIES]
    if not names or not any(element.get(a) is not None for a in _VALUE_ATTRIBUTES):
        return
    if any(element.get(a) is not None for a in ("content", "datatype", "typeof", "rel", "rev")):
        return
    if len(names) == len(tokens):
        for name in _VALUE_ATTRIBUTES:
            element.attrib.pop(name, None)
        return
    element.set("property", " ".join(t for t in tokens if t not in names))
    text = " ".join("".join(element.itertext()).split())
    element.insert(0, element.makeelement("span", {"property": " ".join(names), "content": text}))


def _items_apart(page: Any) -> list[Any]:
    """One small page per top-level item of ``page``: its head, the item, and the item's
    ancestors reduced to their attributes."""
    head = page.find("head")
    parts: list[Any] = []
    for item in page.xpath("//*[@typeof][not(ancestor::*[@typeof])]"):
        chain = [ancestor for ancestor in item.iterancestors() if ancestor is not page]
        part = page.makeelement(page.tag, dict(page.attrib))
        if head is not None and head not in chain:
            part.append(copy.deepcopy(head))
        parent = part
        for ancestor in reversed(chain):
            shell = part.makeelement(ancestor.tag, dict(ancestor.attrib))
            parent.append(shell)
            parent = shell
        parent.append(copy.deepcopy(item))
        # A copy is a document of its own: pyRdfa starts from the root of the element's tree,
        # which for an element made by makeelement() is still the whole page.
        parts.append(copy.deepcopy(part))
    return parts


def _compact(node: dict[str, Any]) -> dict[str, Any]:
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
