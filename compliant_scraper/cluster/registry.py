"""Which policy registry the workers of a crawl must use: an announcement in Redis.

``compliant-scraper cluster publish DIR`` validates the registry, stores its files in the
store under their sha256, then announces that sha256 here with a version number that only
grows. Redis holds the announcement, never the files: a worker loads the registry from the
store by sha256 and checks the sha256 of what it loaded, so a forged announcement can at
worst name a registry that was published before.

A worker compares the announced version with the one it runs; while they differ it refuses
every request (it is switching), loads the announced registry, records the switch, and goes
on. Announcing is one script: the version and the sha256 change together.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .keys import CrawlKeys

if TYPE_CHECKING:
    import redis

SHA256: Final = re.compile(r"[0-9a-f]{64}")

# KEYS: version counter, announcement. ARGV: the announcement without its version (JSON).
_ANNOUNCE: Final = """
local version = redis.call('INCR', KEYS[1])
local body = cjson.decode(ARGV[1])
body['version'] = version
local text = cjson.encode(body)
redis.call('SET', KEYS[2], text)
return text
"""


@dataclass(frozen=True)
class Announcement:
    sha256: str  # of the registry (its files, as the store keeps them)
    version: int  # 1, 2, 3... per crawl
    published_at: str  # ISO 8601 UTC
    published_by: str  # who ran `cluster publish` (user@host)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Announcement:
        """Parse an announcement; ``ValueError`` on anything but a well-formed one."""
        try:
            data = json.loads(raw)
            announcement = cls(
                sha256=str(data["sha256"]),
                version=int(data["version"]),
                published_at=str(data["published_at"]),
                published_by=str(data["published_by"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed registry announcement: {exc}") from None
        if not SHA256.fullmatch(announcement.sha256) or announcement.version < 1:
            raise ValueError(f"malformed registry announcement: {raw!r}")
        return announcement


class RegistryAnnouncer:
    def __init__(self, client: redis.Redis, keys: CrawlKeys) -> None:
        self.client = client
        self.keys = keys
        self._announce = client.register_script(_ANNOUNCE)

    def announce(self, sha256: str, published_at: str, published_by: str) -> Announcement:
        if not SHA256.fullmatch(sha256):
            raise ValueError(f"not a sha256: {sha256!r}")
        body = {"sha256": sha256, "published_at": published_at, "published_by": published_by}
        text = self._announce(
            keys=[self.keys.registry_version, self.keys.registry], args=[json.dumps(body)]
        )
        return Announcement.from_json(text)

    def current(self) -> Announcement | None:
        """The announced registry; None when none was; ``ValueError`` when it does not parse
        (the caller refuses, as while switching)."""
        raw = self.client.get(self.keys.registry)
        if raw is None:
            return None
        return Announcement.from_json(raw)
