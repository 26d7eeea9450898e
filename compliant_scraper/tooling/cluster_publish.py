"""``compliant-scraper cluster publish DIR``: put a policy registry in force for a cluster crawl.

1. Validate the registry in ``DIR`` as ``policy validate`` does (every problem listed; an
   invalid registry is never published).
2. Store its files in the shared PostgreSQL store under the registry's sha256
   (``policy_registries``, ``registry_files``), with who published it and when; an audit
   row ``registry_published``. Publishing the same files again stores nothing new.
3. Announce that sha256 in Redis for the crawl, with a version one higher than the last.
4. Wait (``wait`` seconds at most) until every live worker of the crawl says, in its
   heartbeat, that it judges with that registry; report those that do not.

Workers switch at their next decision or heartbeat, whichever comes first
(``crawl/registry_switch.py``).
"""

from __future__ import annotations

import getpass
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..clock import utcnow
from ..cluster.connection import check_redis_url, connect, redacted
from ..cluster.keys import CrawlKeys
from ..cluster.registry import Announcement, RegistryAnnouncer
from ..cluster.workers import WorkerInfo, Workers
from ..config import is_store_url
from ..policy.loader import load_registry
from ..policy.published import files_of, listing_sha256, registry_sha256
from ..store import registries
from ..store.transaction import transaction
from .base import ToolingError, open_existing

POLL = 0.1  # seconds between two looks at the workers' heartbeats


@dataclass
class Published:
    announcement: Announcement
    files: int
    stored: bool  # False: the store already held this registry
    switched: list[WorkerInfo] = field(default_factory=list)  # live workers on it
    pending: list[WorkerInfo] = field(default_factory=list)  # live workers not yet on it


def publisher() -> str:
    """Who publishes: ``user@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container)
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def publish(
    directory: Path,
    store_url: str,
    redis_url: str,
    crawl_id: str,
    *,
    today: date,
    wait: float = 30.0,
    by: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Published:
    """Validate, store and announce the registry in ``directory`` (see the module doc)."""
    if not is_store_url(store_url):
        raise ToolingError(
            f"--db: cluster publish stores the registry in the cluster's PostgreSQL store "
            f"(postgresql://...), not in {store_url}: a SQLite crawl reads its "
            "COMPLIANCE_POLICY_DIR directly"
        )
    keys = CrawlKeys(crawl_id)
    check_redis_url(redis_url)  # before anything is stored
    registry = load_registry(directory, today=today)  # PolicyError lists every problem
    try:
        files = files_of(registry)
    except ValueError as exc:
        raise ToolingError(str(exc)) from None
    sha = listing_sha256(registry.files)
    assert registry_sha256(files) == sha
    who = by or publisher()
    at = utcnow()
    db = open_existing(store_url)
    try:
        with transaction(db):
            stored = registries.add(db, sha, files, at, who)
    finally:
        db.close()
    client = connect(redis_url)
    try:
        try:
            announcement = RegistryAnnouncer(client, keys).announce(sha, at, who)
        except Exception as exc:
            raise ToolingError(
                f"registry {sha} is stored, but Redis {redacted(redis_url)} did not take the "
                f"announcement: {exc}"
            ) from None
        result = Published(announcement, len(files), stored)
        _wait_for_workers(Workers(client, keys, "cluster-publish", timeout=1), result, wait, sleep)
    finally:
        client.close()
    return result


def _wait_for_workers(
    workers: Workers, result: Published, wait: float, sleep: Callable[[float], None]
) -> None:
    sha = result.announcement.sha256
    deadline = time.monotonic() + wait
    while True:
        alive = workers.alive_ids()
        live = [w for w in workers.all() if w.worker_id in alive]
        result.switched = [w for w in live if w.registry_sha256 == sha]
        result.pending = [w for w in live if w.registry_sha256 != sha]
        if not result.pending or time.monotonic() >= deadline:
            return
        sleep(POLL)


@dataclass
class Status:
    announcement: Announcement | None
    queued: int
    busy: int
    alive_ids: set[str]
    workers: list[WorkerInfo]  # every worker that ever beat in the crawl, with its last word


def status(redis_url: str, crawl_id: str) -> Status:
    """The crawl's announced registry, queue and workers (``cluster status``)."""
    keys = CrawlKeys(crawl_id)
    client = connect(redis_url)
    try:
        workers = Workers(client, keys, "cluster-status", timeout=1)
        try:
            announcement = RegistryAnnouncer(client, keys).current()
            state = workers.state()
            alive = workers.alive_ids()
            infos = workers.all()
        except ValueError as exc:
            raise ToolingError(str(exc)) from None
        except Exception as exc:
            raise ToolingError(f"Redis {redacted(redis_url)} does not answer: {exc}") from None
    finally:
        client.close()
    return Status(announcement, state.queued, state.busy, alive, infos)
