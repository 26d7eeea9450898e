"""``audit serve``: Datasette over the store, on 127.0.0.1 only, with the auditor's metadata.

Datasette is optional (``pip install 'compliant-scraper[audit]'``). It runs as a child
process (``python -m datasette``) so this package never imports it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from .base import ToolingError
from .datasette_meta import serve_files

HOST: Final = "127.0.0.1"
INSTALL_HINT: Final = "Datasette is not installed: pip install 'compliant-scraper[audit]'"


def datasette_installed() -> bool:
    return importlib.util.find_spec("datasette") is not None


def serve_command(db_path: Path, port: int, options: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(db_path),
        "--host",
        HOST,
        "--port",
        str(port),
        *options,
    ]


def serve(db_path: Path, port: int, run: Callable[[list[str]], int] = subprocess.call) -> int:
    """Run Datasette until it stops; its exit code."""
    if not datasette_installed():
        raise ToolingError(INSTALL_HINT)
    if not db_path.is_file():
        raise ToolingError(f"no database at {db_path} (pass --db PATH, or run a crawl first)")
    with tempfile.TemporaryDirectory(prefix="compliant-scraper-datasette-") as tmp:
        return run(serve_command(db_path, port, serve_files(db_path, Path(tmp))))
