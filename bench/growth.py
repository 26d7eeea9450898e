"""Growth: what an item costs when the store already holds a large history (issue 16 item 4).

``build`` turns a copy of the Bloctel database into a store that also holds ``--contacts``
contacts (1,000,000 in the full run) and ``--sources`` source rows (10,000,000: ten pages per
contact), under the benchmark's purpose, as a long-running crawler's store would. They are
generated inside SQLite (a recursive ``WITH`` feeding one ``INSERT ... SELECT`` per table,
in one transaction, contacts in id order and their sources in ``(contact_id, url)`` order,
so every index is appended to), never row by row from Python. Their phones are ``+3387…``
numbers and their names ``Historique N``, which the benchmark site never uses, so the
crawled contacts are new to the store: each costs the de-duplication lookups, the insert
and the index updates against the big tables, which is what grows.

The comparisons (``bench.run`` sections ``growth``) alternate an empty store (the Bloctel
copy alone) and the big one, A B A B, each run a fresh process:

- the pipeline alone (``bench.pipeline``), items per CPU second and per-stage cost; each run
  on the big store starts at a new contact index, so it meets contacts never stored;
- a crawl of the whole benchmark site (5,000 pages in the full run), CPU ms per page; after
  each crawl into the big store, the rows that run added are deleted again, so every crawl
  meets the same store.

``python -m bench.growth build --template DB --db BIG --contacts N --sources M``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from .common import Summary, alternate, run_worker, write_result
from .crawl import CrawlSetup, fresh_db
from .policies import PURPOSE

VERSION: Final = 1  # bump when the generated rows change: a cached store is rebuilt
HISTORY_RUN: Final = "bench-growth-history"

_CONTACTS: Final = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO contacts (id, kind, name, given_name, family_name, job_title, organization,
    phone, phone_type, locality, postal_code, country, purpose, legal_basis, dedupe_key,
    first_seen, last_seen, retention_until)
SELECT i, 'person', 'Historique ' || i, 'Historique', CAST(i AS TEXT), 'Architecte',
    'Atelier ' || (i % 20000), printf('+3387%07d', i), 'fixed_line', 'Lyon', '69002', 'FR',
    :purpose, 'Legitimate interest', printf('phone:+3387%07d', i),
    '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z', '2028-01-01T00:00:00Z'
FROM n
"""

_SOURCES: Final = """
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :count - 1)
INSERT INTO sources (contact_id, url, retrieved_at, spider, run_id, policy_file,
    policy_sha256, robots_sha256, method, fields)
SELECT i / :per + 1,
    printf('http://histo-%d.test/fiche/%d-%d.html', (i / :per) % 1000, i / :per + 1, i % :per),
    '2025-06-01T00:00:00Z', 'directory', :run, 'domains/histo.test.toml', :policy_sha,
    :robots_sha, 'json-ld', '["family_name","given_name","job_title","name","phone"]'
FROM n
"""


def build(template: Path, target: Path, contacts: int, sources: int) -> dict[str, Any]:
    """The big store (cached: rebuilt only when the sizes or ``VERSION`` change)."""
    from compliant_scraper.store.database import open_database

    stamp = Path(f"{target}.complete")
    wanted = f"{contacts} {sources} v{VERSION}"
    if target.exists() and stamp.exists() and stamp.read_text() == wanted:
        return {"cached": True, "db_mb": target.stat().st_size / 1e6}
    if sources % contacts:
        raise ValueError("--sources must be a multiple of --contacts (pages per contact)")
    stamp.unlink(missing_ok=True)
    fresh_db(template, target)
    db = open_database(target)
    conn = db.conn
    # Generation only (the crawls open it as shipped: WAL, synchronous NORMAL): no journal,
    # so the gigabytes are written once, not once to the WAL and again at the checkpoint.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO runs (id, spider, purpose, started_at, finished_at, finish_reason) "
        "VALUES (?, 'directory', ?, '2025-01-01T00:00:00Z', '2025-06-01T00:00:00Z', "
        "'finished')",
        [HISTORY_RUN, PURPOSE],
    )
    conn.execute(_CONTACTS, {"count": contacts, "purpose": PURPOSE})
    contacts_s = time.perf_counter() - started
    conn.execute(
        _SOURCES,
        {
            "count": sources,
            "per": sources // contacts,
            "run": HISTORY_RUN,
            "policy_sha": "a" * 64,
            "robots_sha": "b" * 64,
        },
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode=WAL")
    total_s = time.perf_counter() - started
    counts = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("contacts", "sources")
    }
    db.close()
    stamp.write_text(wanted)
    return {
        "cached": False,
        "contacts_s": contacts_s,
        "build_s": total_s,
        "rows": counts,
        "db_mb": target.stat().st_size / 1e6,
    }


def _forget_run(db_path: Path, before: dict[str, int]) -> None:
    """Delete what the last crawl added to the big store, so the next one meets it again."""
    import sqlite3

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    for table in ("sources", "contacts", "drops", "refusals"):
        conn.execute(f"DELETE FROM {table} WHERE id > ?", [before[table]])
    conn.execute("COMMIT")
    conn.close()


def _max_ids(db_path: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    found = {
        table: int(conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])
        for table in ("sources", "contacts", "drops", "refusals")
    }
    conn.close()
    return found


def _crawl(setup: CrawlSetup, db: Path) -> dict[str, Any]:
    run = run_worker(
        "bench.crawl_worker",
        setup.args("compliance", db),
        timeout=setup.timeout + 120,
        env=setup.env,
    )
    stats = run.data["stats"]
    if stats.get("finish_reason") != "finished":
        raise RuntimeError(f"growth crawl finished with {stats.get('finish_reason')!r}")
    pages = int(stats.get("response_received_count") or 0)
    items = int(stats.get("item_scraped_count") or 0) + int(stats.get("item_dropped_count") or 0)
    return {
        "wall_s": run.wall_s,
        "cpu_s": run.cpu_s,
        "pages": pages,
        "items": items,
        "kept": stats.get("item_scraped_count"),
        "cpu_ms_per_page": 1000 * run.cpu_s / pages if pages else None,
        "cpu_us_per_item": 1e6 * run.cpu_s / items if items else None,
    }


def crawls(
    setup: CrawlSetup, empty: Path, big: Path, pairs: int, log: Callable[[str], None]
) -> dict[str, Any]:
    """Crawls of the site into a fresh empty store (A) and into the big store (B)."""

    def into_big(_: int) -> dict[str, Any]:
        before = _max_ids(big)
        try:
            return _crawl(setup, big)
        finally:
            _forget_run(big, before)

    results = alternate(
        lambda _: _crawl(setup, fresh_db(empty, setup.workdir / "growth-empty.db")),
        into_big,
        pairs,
        log,
    )
    keys = ("cpu_ms_per_page", "cpu_us_per_item", "wall_s")
    return _summarise(results, keys, "cpu_ms_per_page")


def pipelines(
    empty: Path,
    big: Path,
    workdir: Path,
    items: int,
    repeat: int,
    pairs: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """The pipeline alone on a fresh empty store (A) and on the big store (B)."""
    per_run = items * (3 * repeat + 3)

    def one(db: Path, offset: int) -> dict[str, Any]:
        args = ["--db", str(db), "--items", str(items), "--repeat", str(repeat)]
        data = run_worker("bench.pipeline", [*args, "--offset", str(offset)], timeout=1800).data
        return {
            "items_per_cpu_s": data["items_per_cpu_s"]["median"],
            "cpu_us_per_item": 1e6 / data["items_per_cpu_s"]["median"],
            "stages_us_per_item": data["stages_us_per_item"],
        }

    offset = 1_000_000  # beyond the site's own contacts, so the crawl's are never among them
    results = alternate(
        lambda _: one(fresh_db(empty, workdir / "growth-pipeline.db"), 0),
        lambda i: one(big, offset + i * per_run),
        pairs,
        log,
    )
    summary = _summarise(results, ("items_per_cpu_s", "cpu_us_per_item"), "cpu_us_per_item")
    summary["stages"] = {
        side: {
            name: Summary.of([r[k]["stages_us_per_item"][name] for r in results]).median
            for name in results[0][k]["stages_us_per_item"]
        }
        for k, side in ((0, "empty"), (1, "big"))
    }
    return summary


def _summarise(
    results: list[tuple[dict[str, Any], dict[str, Any]]], keys: tuple[str, ...], ratio: str
) -> dict[str, Any]:
    return {
        "pairs": len(results),
        "empty": {k: Summary.of([float(a[k]) for a, _ in results]).as_dict() for k in keys},
        "big": {k: Summary.of([float(b[k]) for _, b in results]).as_dict() for k in keys},
        "ratio_big_over_empty": Summary.of(
            [float(b[ratio]) / float(a[ratio]) for a, b in results]
        ).as_dict(),
        "runs": [[a, b] for a, b in results],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--template", type=Path, required=True)
    b.add_argument("--db", type=Path, required=True)
    b.add_argument("--contacts", type=int, default=1_000_000)
    b.add_argument("--sources", type=int, default=10_000_000)
    b.add_argument("--result", required=True)
    args = parser.parse_args(argv)
    write_result(args.result, build(args.template, args.db, args.contacts, args.sources))


if __name__ == "__main__":
    main()
