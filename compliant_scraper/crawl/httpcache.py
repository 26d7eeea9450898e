"""Scrapy's HTTP cache under the compliance layer: an opt-in, owner-only, at most 24 hours.

``HTTPCACHE_ENABLED`` keeps a copy of every page fetched (a health bio, a Bloctel-listed
number, pages the screening later drops) in ``.scrapy/httpcache``, with no expiry by default:
a store of personal data that minimisation (R4), retention (R9), ``purge`` and erasure never
reach. So:

- A crawl with the cache on does not start unless the project opts in with
  ``COMPLIANCE_ALLOW_HTTPCACHE = True``.
- With the opt-in, the add-on sets ``HTTPCACHE_EXPIRATION_SECS`` to 24 hours (at the
  ``addon`` priority); a project value of 0 (never expire) or above 24 hours is refused. The
  cache folder is created, or restricted, owner-only (0700) before the first request.
- Only Scrapy's own storages (``FilesystemCacheStorage``, ``DbmCacheStorage``) are accepted:
  they keep the cache in that one folder, which this module can restrict and which
  ``purge`` and ``subject erase`` report (``tooling/httpcache.py``).
- Compliance requests (robots.txt, tdmrep.json) never come from the cache: they carry
  ``meta["dont_cache"]`` (a cached 404 for tdmrep.json would hide a reservation published
  since).

Rejected: turning the cache off silently (a project that asked for it would not know why
it is slow, and a later upgrade might turn it back on), and letting it run with Scrapy's
defaults (world-readable, kept forever).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

from scrapy.utils.misc import load_object

from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

OPT_IN: Final = "COMPLIANCE_ALLOW_HTTPCACHE"
MAX_SECONDS: Final = 86400  # 24 hours
STORAGES: Final = (
    "scrapy.extensions.httpcache.FilesystemCacheStorage",
    "scrapy.extensions.httpcache.DbmCacheStorage",
)


def install(settings: BaseSettings) -> None:
    """With the opt-in, an expiry of 24 hours unless the project chose one (checked later)."""
    if settings.getbool("HTTPCACHE_ENABLED") and settings.getbool(OPT_IN):
        settings.set("HTTPCACHE_EXPIRATION_SECS", MAX_SECONDS, priority="addon")


def problems(settings: BaseSettings) -> list[str]:
    """Why the HTTP cache as configured may not run (empty when it is off or acceptable)."""
    if not settings.getbool("HTTPCACHE_ENABLED"):
        return []
    if not settings.getbool(OPT_IN):
        return [
            "HTTPCACHE_ENABLED is on: Scrapy's HTTP cache keeps a raw copy of every page "
            "fetched (personal data that screening, retention and erasure never reach, R4, "
            f"R9). Set {OPT_IN} = True to accept it (the cache folder is then owner-only and "
            "expires within 24 hours), or turn HTTPCACHE_ENABLED off"
        ]
    found = []
    expiry = settings.getint("HTTPCACHE_EXPIRATION_SECS")
    if not 0 < expiry <= MAX_SECONDS:
        what = "0 (never expire)" if expiry == 0 else str(expiry)
        found.append(
            f"HTTPCACHE_EXPIRATION_SECS is {what}: with {OPT_IN} it must be between 1 and "
            f"{MAX_SECONDS} (24 hours, R9)"
        )
    storage = settings.get("HTTPCACHE_STORAGE")
    if not any(_same(storage, path) for path in STORAGES):
        found.append(
            f"HTTPCACHE_STORAGE is {storage!r}: with {OPT_IN} only Scrapy's own storages "
            f"({', '.join(STORAGES)}) are accepted, whose one folder can be made owner-only"
        )
    return found


def secure(settings: BaseSettings) -> Path | None:
    """Create or restrict the cache folder owner-only (0700); its path, or None if off."""
    if not settings.getbool("HTTPCACHE_ENABLED"):
        return None
    from scrapy.utils.project import data_path

    try:
        folder = Path(data_path(settings["HTTPCACHE_DIR"]))
    except Exception as exc:  # NotConfigured: no scrapy.cfg to put .scrapy/ beside
        raise ComplianceConfigError(f"HTTPCACHE_DIR: {exc}") from None
    if folder.is_symlink():
        raise ComplianceConfigError(
            f"HTTPCACHE_DIR: {folder} is a symbolic link; give the cache a folder of its own"
        )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    if folder.parent.name == ".scrapy":  # Scrapy's data folder: other caches live there too
        os.chmod(folder.parent, 0o700)
    return folder


def _same(value: object, path: str) -> bool:
    if value == path:
        return True
    if not (isinstance(value, str) or callable(value)):
        return False
    try:
        return load_object(value) is load_object(path)
    except (ImportError, NameError, ValueError, TypeError):
        return False
