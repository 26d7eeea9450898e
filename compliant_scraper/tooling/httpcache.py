"""What ``purge`` and ``subject erase`` say about Scrapy's HTTP cache, when a crawl kept one.

A crawl may keep Scrapy's HTTP cache only with ``COMPLIANCE_ALLOW_HTTPCACHE``
(``crawl/httpcache.py``): raw copies of the pages fetched, expiring within 24 hours, in one
owner-only folder. Those copies are personal data that the store's deletions do not reach
(they are files, not rows), so the commands that delete say so, with the folder and its size,
and how to remove it. Reading only: nothing here deletes a file the operator did not ask to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

# FilesystemCacheStorage: <dir>/<spider>/<fp[:2]>/<fp>/response_body; DbmCacheStorage:
# <dir>/<spider>.db (and the dbm module's companions).
_PAGE_FILE = "response_body"


@dataclass(frozen=True)
class CacheFolder:
    path: Path
    pages: int  # cached responses (FilesystemCacheStorage); 0 for a DBM file
    dbm_files: int
    newest: datetime | None

    def describe(self) -> str:
        held = [f"{self.pages} cached page(s)"] if self.pages else []
        held += [f"{self.dbm_files} DBM cache file(s)"] if self.dbm_files else []
        when = f", newest {self.newest:%Y-%m-%d %H:%M} UTC" if self.newest else ""
        return (
            f"Scrapy's HTTP cache at {self.path} holds {' and '.join(held)}{when}: raw copies "
            "of crawled pages, personal data this command does not reach. Entries expire "
            "within HTTPCACHE_EXPIRATION_SECS (24 hours at most) but stay on disk until "
            f"deleted: remove the folder (rm -r {self.path}) to erase them."
        )


def inspect(path: Path) -> CacheFolder | None:
    """The cache folder at ``path`` if it exists and holds anything, else None."""
    if not path.is_dir():
        return None
    pages, dbm, newest = 0, 0, 0.0
    for item in path.rglob("*"):
        if not item.is_file():
            continue
        if item.name == _PAGE_FILE:
            pages += 1
        elif item.parent == path and ".db" in item.name:
            dbm += 1
        newest = max(newest, item.stat().st_mtime)
    if not pages and not dbm:
        return None
    stamp = datetime.fromtimestamp(newest, UTC) if newest else None
    return CacheFolder(path, pages, dbm, stamp)
