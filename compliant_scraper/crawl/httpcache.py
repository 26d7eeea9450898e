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
- A response the compliance layer refuses for what it says itself (a TDM reservation in its
  headers or HTML, a login wall) leaves no copy in the cache: Scrapy's
  ``HttpCacheMiddleware`` (900) stores a response before ``ResponseChecksMiddleware`` (585)
  reads it, so the refusal deletes that entry again (``CachedCopies.forget``), from either
  storage. A later crawl fetches the page again, and refuses it again if it is still
  reserved.

Rejected: turning the cache off silently (a project that asked for it would not know why
it is slow, and a later upgrade might turn it back on), and letting it run with Scrapy's
defaults (world-readable, kept forever).
"""

from __future__ import annotations

import logging
import os
import shutil
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.extensions.httpcache import DbmCacheStorage, FilesystemCacheStorage
from scrapy.utils.misc import load_object

from ..errors import ComplianceConfigError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

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


class CachedCopies:
    """The HTTP cache's copies of the crawl's responses, as far as a refusal must remove one.

    The storage is the one the engine's ``HttpCacheMiddleware`` opened (found on first use);
    the entry's key is Scrapy's request fingerprint, laid out as Scrapy's two storages lay it
    out: ``<cachedir>/<spider>/<fp[:2]>/<fp>/`` for the filesystem, ``<fp>_data`` and
    ``<fp>_time`` in the DBM file (tests/test_httpcache.py runs both).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._storage: Any = None
        self._looked = False

    def forget(self, request: Request) -> bool:
        """Delete the cached copy of ``request``'s response; whether there was one."""
        storage = self._find()
        spider = self.crawler.spider
        if storage is None or spider is None:
            return False
        key = self.crawler.request_fingerprinter.fingerprint(request).hex()
        try:
            return _delete(storage, spider.name, key)
        except OSError as exc:
            logger.error(
                "%s: refused, but its copy in Scrapy's HTTP cache could not be deleted (%s); "
                "it expires within %s seconds",
                request.url,
                exc,
                storage.expiration_secs,
            )
            return False

    def _find(self) -> Any:
        if not self._looked and self.crawler.engine is not None:
            self._looked = True
            engine: Any = self.crawler.engine
            for mw in engine.downloader.middleware.middlewares:
                if isinstance(mw, HttpCacheMiddleware):
                    self._storage = mw.storage
        return self._storage


def _delete(storage: Any, spider: str, key: str) -> bool:
    if isinstance(storage, FilesystemCacheStorage):
        entry = Path(storage.cachedir, spider, key[0:2], key)
        if not entry.is_dir():
            return False
        shutil.rmtree(entry)
        return True
    if isinstance(storage, DbmCacheStorage) and storage.db is not None:
        found = False
        for name in (f"{key}_data", f"{key}_time"):
            with suppress(KeyError):
                del storage.db[name]
                found = True
        return found
    return False


def _same(value: object, path: str) -> bool:
    if value == path:
        return True
    if not (isinstance(value, str) or callable(value)):
        return False
    try:
        return load_object(value) is load_object(path)
    except (ImportError, NameError, ValueError, TypeError):
        return False
