"""``make cluster-demo``: the demo crawl in cluster mode, two workers, offline (issue 15, item 6).

Starts a ``redis-server`` and a PostgreSQL on free ports of 127.0.0.1 (temporary folders,
passwords; ``demo/servers.py``), serves the demo world, runs two ``scrapy crawl directory``
workers of one crawl under the B2B email purpose (the phone purpose needs an opposition list
in the shared store, which cluster mode does not have yet: docs/cluster.md), prints the
same summary as ``make demo`` from the shared store, plus the robots.txt fetches per origin
(one each, for the whole cluster) and the people stored twice (none), then stops everything
it started, by PID. It exits non-zero when a worker fails, when no contact was kept, when a
robots.txt was fetched twice or a person stored twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Final

from ..clock import today_utc
from ..policy.loader import load_registry
from ..store import contacts
from ..store.postgres import close_pools, open_postgres
from ..tooling.cluster_publish import publish
from .runner import START_URL, DemoPaths, fresh_output, summary
from .servers import PostgresServer, RedisServer, ServerUnavailable
from .world import DEMO_SITE, VirtualWorld

PURPOSE: Final = "b2b_email_prospecting"
WORKERS: Final = 2
CRAWL_ID: Final = "cluster-demo"
TIMEOUT: Final = 300  # seconds


def _worker(
    world: VirtualWorld, paths: DemoPaths, redis_url: str, store_url: str, index: int
) -> subprocess.Popen[bytes]:
    settings = {
        "COMPLIANCE_PURPOSE": PURPOSE,
        "COMPLIANCE_STORE_URL": store_url,
        "COMPLIANCE_KEY_FILE": str(paths.out / "suppression.key"),
        "COMPLIANCE_CLUSTER_REDIS_URL": redis_url,
        "COMPLIANCE_CRAWL_ID": CRAWL_ID,
        "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.5",
        "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": "3",
        "DOWNLOAD_DELAY": "0.1",
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(paths.out / f"worker-{index}.log"),
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "directory", "-a", f"start_url={START_URL}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, **world.env(), "SCRAPY_SETTINGS_MODULE": "compliant_scraper.settings"}
    return subprocess.Popen(command, env=env, cwd=paths.out, start_new_session=True)


def main(out: Path | None = None) -> int:
    paths = DemoPaths.under(out or Path(tempfile.mkdtemp(prefix="compliant-scraper-cluster-")))
    fresh_output(paths)
    print(f"compliant-scraper cluster demo: output in {paths.out}")
    try:
        with RedisServer() as redis_server, PostgresServer() as pg:
            print(f"- redis-server pid {redis_server.pid}, PostgreSQL pid {pg.pid} (127.0.0.1)")
            store_url = pg.create_database("compliance")
            published = publish(
                paths.policies, store_url, redis_server.url, CRAWL_ID, today=today_utc(), wait=0
            )
            print(
                f"- cluster publish {paths.policies}: registry {published.announcement.sha256} "
                f"(version {published.announcement.version})"
            )
            with VirtualWorld(DEMO_SITE) as world:
                print(f"- {WORKERS} workers: scrapy crawl directory -a start_url={START_URL} ...")
                workers = [
                    _worker(world, paths, redis_server.url, store_url, i) for i in range(WORKERS)
                ]
                codes = []
                for proc in workers:
                    try:
                        codes.append(proc.wait(TIMEOUT))
                    except subprocess.TimeoutExpired:
                        os.killpg(proc.pid, 9)
                        codes.append(proc.wait())
                return _report(paths, world, store_url, codes)
    except ServerUnavailable as exc:
        print(f"Error: {exc}")
        return 1
    finally:
        close_pools()
        print("Redis, PostgreSQL and the demo server are stopped.")


def _report(paths: DemoPaths, world: VirtualWorld, store_url: str, codes: list[int]) -> int:
    if any(codes):
        print(f"Error: a worker exited with {codes}; see {paths.out}/worker-*.log")
        return 1
    db = open_postgres(store_url)
    try:
        print()
        text = summary(db, world, paths, load_registry(paths.policies))
        text = text.replace(
            f"Database: {paths.db}", "Store: PostgreSQL (a demo one, stopped below)"
        )
        print(text.replace(f"Crawl log: {paths.log}", f"Crawl logs: {paths.out}/worker-*.log"))
        kept = contacts.count(db)
        twice = contacts.stored_twice(db)
    finally:
        db.close()
    robots = Counter(h.host for h in world.requests if h.path == "/robots.txt")
    print("robots.txt fetches per origin (the whole cluster):")
    for host, n in sorted(robots.items()):
        print(f"    {host}: {n}")
    print(f"People stored twice: {twice}")
    if kept == 0 or twice or max(robots.values(), default=0) > 1:
        print("Error: the cluster demo did not keep its promises (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
