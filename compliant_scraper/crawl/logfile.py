"""The crawl's log file is owner-only, like the database (issue 10 item 14).

A crawl log names the pages a crawl read, its refusals and its drops, and Scrapy's own lines
quote URLs that identify people (``/fiches/jeanne-martin``): personal data, kept with the same
care as the store. Scrapy opens ``LOG_FILE`` with the process umask (usually 0644). The add-on
creates it 0600 when it does not exist yet, and restricts it to 0600 when it does (Scrapy
opens a ``LOG_FILE`` of the project's settings before any add-on runs, so only its first
start-up lines, versions and settings, can have been written while the file was readable).

Feeds are governed with the other exports (``crawl/feeds.py``, issue 14 item 4).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


def secure(settings: BaseSettings) -> Path | None:
    """Create or restrict ``LOG_FILE`` owner-only; its path, or None when there is none."""
    value = settings.get("LOG_FILE")
    if not value or not settings.getbool("LOG_ENABLED", True):
        return None
    path = Path(str(value))
    if path.is_symlink():
        raise ComplianceConfigError(
            f"LOG_FILE: {path} is a symbolic link; a crawl log holds personal data, give it a "
            "file of its own"
        )
    try:
        if path.exists():
            os.chmod(path, 0o600)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600))
    except OSError as exc:
        raise ComplianceConfigError(f"LOG_FILE: {path}: {exc.strerror or exc}") from None
    return path
