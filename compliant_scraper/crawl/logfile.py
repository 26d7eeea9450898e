"""The crawl's log file is owner-only, like the database (issue 10 item 14).

A crawl log names the pages a crawl read, its refusals and its drops, and Scrapy's own lines
quote URLs that identify people (``/fiches/jeanne-martin``): personal data, kept with the same
care as the store. Scrapy opens ``LOG_FILE`` with the process umask (usually 0644). The add-on
creates it 0600 when it does not exist yet, and restricts it to 0600 when it does (Scrapy
opens a ``LOG_FILE`` of the project's settings before any add-on runs, so only its first
start-up lines, versions and settings, can have been written while the file was readable).

A relative ``LOG_FILE`` is read against the Scrapy project root (the folder of
``scrapy.cfg``), like ``COMPLIANCE_DB`` (``config.project_root``), so ``cd acme/spiders &&
scrapy crawl people`` logs where a crawl from the root does. Scrapy opens the file before any
add-on runs, against the current folder; ``follow_project_root`` sets ``LOG_FILE`` to the
absolute path, reopens Scrapy's root log handler there, and moves the lines this process
already wrote (from its "Scrapy ... started" line on) out of the stray file, which is deleted
when nothing else is left in it. Rejected: leaving it to the current folder (one project, a
log per folder it was started from, none where the auditor looks).

Feeds are governed with the other exports (``crawl/feeds.py``, issue 14 item 4).
"""

from __future__ import annotations

import logging
import os
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, cast

import scrapy
from scrapy.utils.log import get_scrapy_root_handler, install_scrapy_root_handler

from ..config import project_root, resolve
from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings, Settings


def follow_project_root(settings: BaseSettings, root: Path | None = None) -> Path | None:
    """A relative ``LOG_FILE`` made absolute against the project root, and Scrapy's root
    handler moved there if it had opened the file against the current folder."""
    value = settings.get("LOG_FILE")
    if not value or not settings.getbool("LOG_ENABLED", True):
        return None
    target = resolve(value, project_root() if root is None else root)
    if str(value) == str(target):
        return target
    settings.set("LOG_FILE", str(target), priority=settings.getpriority("LOG_FILE") or 0)
    handler = get_scrapy_root_handler()
    opened = getattr(handler, "baseFilename", None)
    if opened is None or Path(opened) == target or opened != os.path.abspath(str(value)):
        return target  # no handler of Scrapy's on that file (a script's own logging)
    secure(settings)  # the file at the project root: owner-only before it is opened
    install_scrapy_root_handler(cast("Settings", settings))  # the crawler's: a Settings
    _move_lines(Path(opened), get_scrapy_root_handler())
    return target


def _move_lines(stray: Path, handler: logging.Handler | None) -> None:
    """Move what this process wrote to ``stray`` (from its last "Scrapy ... started" line
    on) to ``handler``'s file; delete ``stray`` when nothing else is left in it."""
    if not isinstance(handler, logging.FileHandler) or handler.stream is None:
        return
    try:
        data = stray.read_bytes()
    except OSError:
        return
    marker = data.rfind(f"Scrapy {scrapy.__version__} started (bot: ".encode())
    start = data.rfind(b"\n", 0, marker) + 1 if marker >= 0 else len(data)
    if marker >= 0:
        handler.acquire()
        try:
            handler.stream.write(data[start:].decode(handler.encoding or "utf-8", "replace"))
            handler.flush()
        finally:
            handler.release()
    with suppress(OSError):
        if data[:start].strip():  # an older run's lines: not ours to move, kept owner-only
            os.truncate(stray, start)
            os.chmod(stray, 0o600)
        else:
            stray.unlink()


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
