"""What one page may cost: nesting depth, items and time (issue 10: one hostile page stalled a
crawl for minutes).

Pages are untrusted input, and extraction runs in the crawl's only thread: a page that costs a
minute stops every other request for a minute. So each page gets a :class:`Budget` from the
crawl's :class:`Limits`, and each reader stops at a bound instead of finishing the page:

- **depth**: items nested deeper than ``max_depth`` (a microdata ``itemscope`` inside another,
  a JSON-LD object inside another) are not read. extruct's microdata reader costs about
  depth⁴ (800 levels: 109 s), and Python's recursion limit otherwise ends the whole syntax.
- **items**: at most ``max_items`` structured items (microdata ``itemscope``, RDFa ``typeof``,
  typed JSON-LD objects) and ``mailto:``/``tel:`` links per page; the rest of the page is not
  read.
- **time**: checked between steps (each JSON-LD block, each microdata property, before RDFa,
  before the links). A step already running is not interrupted: the depth and item bounds are
  what keep one step short (pyRdfa, one call per page, is bounded only by them and the page
  size).

Every bound a page hits is a :class:`LimitHit`; what was read before it is kept, so a valid
contact beside a hostile structure survives. The caller records each hit (the ``directory``
spider writes a ``drops`` row, field ``*``, rule R10: the audit shows what was not read and why).

Rejected: a watchdog thread or ``SIGALRM`` cannot stop lxml's C code (one XPath call of the
microdata reader was the 109 s), and running each page in a worker process is the reactor
offload of issue 16, where a hard time limit belongs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

TOO_DEEP: Final = "extract_too_deep"
TOO_MANY_ITEMS: Final = "extract_too_many_items"
TIMEOUT: Final = "extract_timeout"
REASONS: Final = (TOO_DEEP, TOO_MANY_ITEMS, TIMEOUT)
RULE: Final = "R10"

# Python's own recursion limit is 1000 frames: a bound near it would not protect anything.
MAX_DEPTH_ALLOWED: Final = 100


@dataclass(frozen=True)
class Limits:
    """The bounds of one page (``COMPLIANCE_EXTRACT_MAX_DEPTH``, ``…_MAX_ITEMS``,
    ``…_MAX_SECONDS``)."""

    max_depth: int = 32
    max_items: int = 2000
    max_seconds: float = 5.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_depth <= MAX_DEPTH_ALLOWED:
            raise ValueError(f"max_depth must be between 1 and {MAX_DEPTH_ALLOWED}")
        if self.max_items < 1 or self.max_seconds <= 0:
            raise ValueError("max_items and max_seconds must be positive")


@dataclass(frozen=True)
class LimitHit:
    """One bound one page hit: ``reason`` (``extract_too_deep``…), the syntax, and what
    happened, for the log."""

    reason: str
    syntax: str
    detail: str


class OverTime(Exception):
    """Raised inside a reader when the page's time is up; caught by the reader's caller."""


@dataclass
class Budget:
    """What is left of one page's :class:`Limits`, and the bounds it hit."""

    limits: Limits
    clock: Callable[[], float] = time.monotonic
    hits: list[LimitHit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.items_left = self.limits.max_items
        self._deadline = self.clock() + self.limits.max_seconds
        self._expired = False

    def take_item(self, syntax: str) -> bool:
        """Count one item; ``False`` (and the hit recorded) once the page has had its items."""
        if self.items_left > 0:
            self.items_left -= 1
            return True
        self.hit(TOO_MANY_ITEMS, syntax, f"more than {self.limits.max_items} items")
        return False

    def expired(self, syntax: str) -> bool:
        """Whether the page's time is up (recorded once, against ``syntax``)."""
        if not self._expired and self.clock() > self._deadline:
            self._expired = True
            self.hit(TIMEOUT, syntax, f"not read within {self.limits.max_seconds:g} s")
        return self._expired

    def check(self, syntax: str) -> None:
        """Raise :class:`OverTime` when the page's time is up."""
        if self.expired(syntax):
            raise OverTime(syntax)

    def too_deep(self, syntax: str) -> None:
        self.hit(TOO_DEEP, syntax, f"items nested deeper than {self.limits.max_depth}")

    def hit(self, reason: str, syntax: str, detail: str) -> None:
        """Record a bound once per reason and syntax."""
        if not any(h.reason == reason and h.syntax == syntax for h in self.hits):
            self.hits.append(LimitHit(reason, syntax, detail))


def bound_nodes(value: Any, budget: Budget, syntax: str, *, count_items: bool) -> Any:
    """``value`` (JSON-LD shaped nodes) cut at the page's depth, items and time.

    An object nested deeper than ``max_depth`` objects (an array inside an array counts as a
    level too, so ``[[[…]]]`` is bounded as well) is replaced by ``None``. With ``count_items``
    (nodes being read, as JSON-LD is here; microdata and RDFa count their items in the page
    itself), so is every typed object after the page's last item, and everything once the
    page's time is up. Works in place, without recursion, on the fresh structures the readers
    return.
    """
    max_depth = budget.limits.max_depth
    root: list[Any] = [value]
    # (container, key or index, depth of the container's own level)
    stack: list[tuple[Any, Any, int]] = [(root, 0, 0)]
    visited = 0
    expired = False
    while stack:
        parent, key, depth = stack.pop()
        child = parent[key]
        if isinstance(child, dict):
            level = depth + 1
        elif isinstance(child, list):
            level = depth + 1 if isinstance(parent, list) and parent is not root else depth
        else:
            continue
        visited += 1
        if count_items and visited % 1000 == 0:
            expired = budget.expired(syntax)
        if expired:
            parent[key] = None
            continue
        if level > max_depth:
            parent[key] = None
            budget.too_deep(syntax)
            continue
        if isinstance(child, dict):
            if count_items and "@type" in child and not budget.take_item(syntax):
                parent[key] = None
                continue
            keys: Any = list(child)
        else:
            keys = range(len(child))
        stack.extend((child, k, level) for k in reversed(keys))
    return root[0]
