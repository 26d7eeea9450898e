"""Command-line interface: a thin layer over the library (no business logic here)."""

from __future__ import annotations

from . import audit as _audit  # noqa: F401  (registers commands)
from . import bloctel as _bloctel  # noqa: F401
from . import cluster as _cluster  # noqa: F401
from . import export as _export  # noqa: F401
from . import init as _init  # noqa: F401
from . import notice as _notice  # noqa: F401
from . import policy as _policy  # noqa: F401
from . import provenance as _provenance  # noqa: F401
from . import purge as _purge  # noqa: F401
from . import register as _register  # noqa: F401
from . import subject as _subject  # noqa: F401
from ._app import main

__all__ = ["main"]
