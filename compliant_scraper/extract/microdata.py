"""Microdata with extruct, bounded: at most ``max_depth`` nested items, ``max_items`` items and
the page's time, with each item's properties found in one linear pass.

extruct's reader finds an item's own properties with one XPath,
``set:difference(.//*[@itemprop], .//*[@itemscope]//*[@itemprop])``, run again for every nested
item. libxslt's set difference compares every node of one set with every node of the other, so
the cost grows with the square of the properties below an item and, for nested items, about with
depth⁴: a page of 800 nested items took 109 s, one with 1,600 people in one organization 4 s.
:class:`BoundedMicrodataExtractor` keeps extruct's reader and replaces that one lookup by a walk
that stops at nested ``itemscope`` elements (the same elements, in the same document order:
``tests/test_extract_hostile.py`` compares both on the fixture pages), so a page costs in
proportion to its size. It overrides two of extruct 0.18's internal methods
(``_extract_item``, ``_extract_property``); the comparison test fails if a new extruct changes
what they return.

An item nested deeper than ``max_depth``, or found after the page's last item, is not read, nor
is anything inside it: it does not reappear as a top-level item of its own (a Person nested as
someone's ``spouse`` must not become a directory entry because it was cut off).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from extruct.uniform import flatten_dict
from extruct.w3cmicrodata import MicrodataExtractor

from .limits import Budget, OverTime, bound_nodes

SYNTAX: Final = "microdata"
_SCHEMA_CONTEXT: Final = "http://schema.org"


class BoundedMicrodataExtractor(MicrodataExtractor):  # type: ignore[misc]
    """extruct's microdata extractor within one page's :class:`~.limits.Budget`."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(nested=True, strict=False)
        self.budget = budget
        self._depth = 0

    def extract_items(self, document: Any, base_url: str | None) -> list[Any]:
        itemids = self._build_itemids(document)
        items_seen: set[int] = set()
        items: list[Any] = []
        for node in self._xp_item(document):
            if self.budget.expired(SYNTAX):
                break
            try:
                item = self._extract_item(
                    node, items_seen=items_seen, base_url=base_url, itemids=itemids
                )
            except OverTime:
                break
            if item:
                items.append(item)
        return items

    def _extract_item(
        self, node: Any, items_seen: set[int], base_url: str | None, itemids: dict[Any, int]
    ) -> Any:
        if itemids[node] in items_seen:
            return None
        if self._depth >= self.budget.limits.max_depth:
            self.budget.too_deep(SYNTAX)
            return self._skip(node, items_seen, itemids)
        if not self.budget.take_item(SYNTAX):
            return self._skip(node, items_seen, itemids)
        self._depth += 1
        try:
            return super()._extract_item(
                node, items_seen=items_seen, base_url=base_url, itemids=itemids
            )
        finally:
            self._depth -= 1

    def _extract_properties(
        self, node: Any, items_seen: set[int], base_url: str | None, itemids: dict[Any, int]
    ) -> Iterator[tuple[str, Any]]:
        for prop in own_properties(node):
            yield from self._extract_property(
                prop, items_seen=items_seen, base_url=base_url, itemids=itemids
            )

    def _extract_property(
        self, node: Any, items_seen: set[int], base_url: str | None, itemids: dict[Any, int]
    ) -> list[tuple[str, Any]]:
        self.budget.check(SYNTAX)
        result: list[tuple[str, Any]] = super()._extract_property(
            node, items_seen=items_seen, base_url=base_url, itemids=itemids
        )
        return result

    @staticmethod
    def _skip(node: Any, items_seen: set[int], itemids: dict[Any, int]) -> None:
        """Mark ``node`` and every item inside it as seen, so none is read later."""
        for element in node.iter():
            if element.get("itemscope") is not None and element in itemids:
                items_seen.add(itemids[element])


def own_properties(node: Any) -> Iterator[Any]:
    """The ``itemprop`` elements of the item ``node``, in document order: its descendants,
    without going inside a nested ``itemscope`` (which is itself a property when it has
    ``itemprop``)."""
    stack = [child for child in reversed(node) if isinstance(child.tag, str)]
    while stack:
        element = stack.pop()
        if element.get("itemprop") is not None:
            yield element
        if element.get("itemscope") is None:
            stack.extend(child for child in reversed(element) if isinstance(child.tag, str))


def read_microdata(tree: Any, base_url: str, budget: Budget) -> list[Any]:
    """Microdata items in extruct's uniform (JSON-LD like) shape; untyped items flattened."""
    items = BoundedMicrodataExtractor(budget).extract_items(tree, base_url)
    uniform = [flatten_dict(item, _SCHEMA_CONTEXT, True) for item in items]
    nodes = [_flatten(item) for item in uniform]
    bounded: list[Any] = bound_nodes(nodes, budget, SYNTAX, count_items=False) or []
    return bounded


def _flatten(value: Any) -> Any:
    if isinstance(value, list):
        return [_flatten(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@type" not in value and isinstance(value.get("properties"), dict):
        value = value["properties"]  # an item without itemtype
    out: dict[str, Any] = {}
    for key, child in value.items():
        out["@id" if key == "id" else key] = _flatten(child)
    return out
