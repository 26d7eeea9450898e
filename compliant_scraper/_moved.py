"""Old import paths kept for one release: each name resolves to its new home, with a warning.

Users write component paths in their settings (``compliant_scraper.middlewares.robots.
StrictRobotsMiddleware``). The alias module returns the very class of the new module, so the
add-on's start-up check (``isinstance``) and Scrapy's de-duplication of component paths treat
the old path and the new one as the same component.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from importlib import import_module
from typing import Any


def forward(old: str, new: str) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``old`` that returns ``new``'s attribute, warning once per
    name looked up (``DeprecationWarning``)."""

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        value = getattr(import_module(new), name)  # AttributeError if the new home lacks it
        warnings.warn(
            f"{old}.{name} moved to {new}.{name}; the old path is removed in the next "
            "release: update your settings or imports",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return __getattr__
