"""Command-line interface: a thin layer over the library (no business logic here)."""

from __future__ import annotations

from . import bloctel as _bloctel  # noqa: F401  (registers commands)
from ._app import main

__all__ = ["main"]
