"""Cluster mode: pages/s and Redis commands per page with 1, 2 and 4 workers; the
PostgreSQL store's contacts/s with 1, 2 and 4 concurrent writers (issue 15, item 7).

    python -m bench.cluster [--pages N]

Real ``redis-server`` and PostgreSQL on 127.0.0.1 (``compliant_scraper.demo.servers``), a
generated site of N pages behind the fixture world's proxy, the frontier alone (scrapy's
``runspider`` with ``ClusterScheduler``, no delay: the queue's own cost), and Redis's
``INFO commandstats`` read before and after each run. The store: writer threads, each with
its own connection, storing distinct people through ``PostgresStore``'s writer (one
transaction per contact, with its identity locks). Results go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.workers import WorkerGroup, scrapy_command  # noqa: E402

from compliant_scraper.demo.servers import PostgresServer, RedisServer  # noqa: E402
from compliant_scraper.demo.world import VirtualWorld  # noqa: E402
from compliant_scraper.provenance import Provenance  # noqa: E402
from compliant_scraper.store.postgres import close_pool, open_postgres  # noqa: E402
from compliant_scraper.store.postgres_store import PostgresStore  # noqa: E402
from compliant_scraper.store.suppression import SuppressionList  # noqa: E402
from compliant_scraper.store.transaction import transaction  # noqa: E402

SPIDER = ROOT / "tests" / "spiders" / "cluster_links.py"
HOST = "site.test"


def _site(root: Path, pages: int) -> None:
    folder = root / HOST
    folder.mkdir(parents=True)
    for i in range(pages):
        children = [c for c in (2 * i + 1, 2 * i + 2) if c < pages]
        links = " ".join(f'<a href="p{c}.html">p{c}</a>' for c in children)
        name = "index.html" if i == 0 else f"p{i}.html"
        (folder / name).write_text(f"<html><body>{links or 'leaf'}</body></html>")


def _calls(client: redis.Redis) -> int:
    stats: dict[str, Any] = client.info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k not in ("cmdstat_info",))


def frontier(pages: int, workers: int, redis_server: RedisServer, tmp: Path) -> dict[str, float]:
    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.config_resetstat()
    _site(tmp / f"world-{workers}", pages)
    with VirtualWorld(tmp / f"world-{workers}") as world:
        group = WorkerGroup(tmp / f"run-{workers}", world.env())
        settings = {
            "SCHEDULER": "compliant_scraper.crawl.scheduler.ClusterScheduler",
            "COMPLIANCE_CLUSTER_REDIS_URL": redis_server.url,
            "COMPLIANCE_CRAWL_ID": f"bench-{workers}",
            "COMPLIANCE_STORE_URL": "postgresql://unused@127.0.0.1:1/none",
            "COMPLIANCE_CLUSTER_HEARTBEAT_SECONDS": "0.5",
            "COMPLIANCE_CLUSTER_WORKER_TIMEOUT_SECONDS": "3",
            "DOWNLOAD_DELAY": "0",
            "CONCURRENT_REQUESTS": "16",
            "LOG_LEVEL": "INFO",
            "TELNETCONSOLE_ENABLED": "False",
        }
        before = _calls(client)
        for _ in range(workers):
            group.start(scrapy_command(SPIDER, settings, {"start_url": f"http://{HOST}/"}))
        group.wait(600)
        fetched = len(world.requests)
        first = min(h.at for h in world.requests)
        last = max(h.at for h in world.requests)
    calls = _calls(client) - before
    client.close()
    return {
        "workers": workers,
        "pages": fetched,
        "pages_per_s": fetched / max(last - first, 1e-9),
        "redis_calls_per_page": calls / max(fetched, 1),
        "redis_memory_bytes": int(redis.Redis.from_url(redis_server.url).info()["used_memory"]),
    }


def store(writers: int, per_writer: int, pg: PostgresServer, tmp: Path) -> dict[str, float]:
    url = pg.create_database(f"bench_{writers}")
    key = tmp / f"key-{writers}"
    db = open_postgres(url)
    with transaction(db):
        db.execute("INSERT INTO runs (id, spider, purpose) VALUES ('run1', 'bench', 'p')")
    SuppressionList.open(db, key)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            conn = open_postgres(url)
            crawl = PostgresStore(conn)
            crawl.suppression = SuppressionList.open(conn, key)
            writer = crawl.contact_writer("p", "legitimate interest")
            for i in range(per_writer):
                contact = {"kind": "person", "name": f"P {w} {i}", "email": f"p{w}.{i}@a.example"}
                prov = Provenance(
                    f"http://a.test/{w}/{i}", "2026-11-23T10:00:00Z", "bench", "run1", "d.toml",
                    "p" * 64, "r" * 64, "json-ld",
                )  # fmt: skip
                writer.save(contact, prov, ["name", "email"])
            conn.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    stored = int(db.execute("SELECT count(*) FROM contacts").fetchone()[0])
    db.close()
    close_pool(url)
    if errors:
        raise errors[0]
    return {"writers": writers, "contacts": stored, "contacts_per_s": stored / elapsed}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--contacts", type=int, default=400, help="per writer")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="cs-bench-cluster-"))
    with RedisServer() as redis_server, PostgresServer() as pg:
        for workers in (1, 2, 4):
            print(frontier(args.pages, workers, redis_server, tmp), flush=True)
        for writers in (1, 2, 4):
            print(store(writers, args.contacts, pg, tmp), flush=True)


if __name__ == "__main__":
    main()
