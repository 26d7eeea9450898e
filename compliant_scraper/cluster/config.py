"""Cluster mode's settings, parsed once into a frozen ``ClusterConfig`` (defaults: ``DEFAULTS``).

Cluster mode is on when ``COMPLIANCE_CLUSTER_REDIS_URL`` is set. It needs a crawl id shared by
every worker of the crawl (``COMPLIANCE_CRAWL_ID``) and a shared PostgreSQL store
(``COMPLIANCE_STORE_URL``): SQLite cannot be shared (two workers on one file lose items to
"database is locked"; one file per worker stores people twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlsplit

from ..config import DEFAULTS
from ..errors import ComplianceConfigError
from .connection import check_redis_url, redacted
from .keys import check_crawl_id

POSTGRES_SCHEMES: Final = frozenset({"postgresql", "postgres"})


@dataclass(frozen=True)
class ClusterConfig:
    redis_url: str
    crawl_id: str
    store_url: str
    heartbeat_seconds: float
    worker_timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Any) -> ClusterConfig | None:
        """The cluster configuration; None when cluster mode is off. ``settings`` is Scrapy's
        ``Settings`` or any mapping with ``get``."""
        get: Callable[[str], Any] = settings.get

        def value(name: str) -> Any:
            found = get(name)
            return DEFAULTS[name] if found is None else found

        redis_url = value("COMPLIANCE_CLUSTER_REDIS_URL")
        if not redis_url:
            return None
        heartbeat = _positive(value, "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS")
        timeout = _positive(value, "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS")
        if timeout < 3 * heartbeat:
            raise ComplianceConfigError(
                "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS: must be at least three heartbeats "
                f"({3 * heartbeat:g} s), got {timeout:g}: a live worker would look dead"
            )
        crawl_id = value("COMPLIANCE_CRAWL_ID")
        if not crawl_id:
            raise ComplianceConfigError(
                "COMPLIANCE_CRAWL_ID is not set: in cluster mode every worker of a crawl names "
                "the same crawl id (e.g. -s COMPLIANCE_CRAWL_ID=directory-2026-06)"
            )
        return cls(
            redis_url=check_redis_url(redis_url),
            crawl_id=check_crawl_id(crawl_id),
            store_url=check_cluster_store_url(value("COMPLIANCE_STORE_URL")),
            heartbeat_seconds=heartbeat,
            worker_timeout_seconds=timeout,
        )


def check_cluster_store_url(url: Any) -> str:
    """A PostgreSQL URL; ``ComplianceConfigError`` for SQLite (the default) or anything else."""
    text = str(url or "").strip()
    scheme = urlsplit(text).scheme.lower()
    if scheme not in POSTGRES_SCHEMES:
        shown = redacted(text) if text else "unset: the SQLite file COMPLIANCE_DB"
        raise ComplianceConfigError(
            f"COMPLIANCE_STORE_URL: cluster mode needs a shared PostgreSQL store "
            f"(postgresql://USER:PASSWORD@HOST:PORT/DB), got {shown}: a SQLite file cannot be "
            "shared by workers (they lose items to 'database is locked' or, one file each, "
            "store people twice)"
        )
    return text


def _positive(value: Callable[[str], Any], name: str) -> float:
    raw = value(name)
    try:
        number = float(raw)
    except (TypeError, ValueError):
        raise ComplianceConfigError(f"{name}: expected a number, got {raw!r}") from None
    if number <= 0:
        raise ComplianceConfigError(f"{name}: must be positive, got {raw!r}")
    return number
