"""Run every benchmark of issue 6 and write the results into docs/performance.md.

    .venv/bin/python -m bench.run            # full: 5,000 pages, 10M-line Bloctel (~15-25 min)
    .venv/bin/python -m bench.run --quick    # small sizes, same method (a few minutes)

Generated data (site, lists, databases) is cached in ``--workdir``; results go to
``WORKDIR/results-<mode>.json`` and into the generated block of ``--output``. A section
that fails (a product module missing, a target machine without nginx...) is reported as
failed with its error; the others still run.
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import bloctel, crawl, growth, loadtest
from .common import DEFAULT_WORKDIR, ROOT, machine, run_worker, versions
from .crawl_worker import common_settings
from .make_site import HOST, make_site, urls
from .policies import PURPOSE, crawl_policies
from .report import write_report
from .server import StaticServer


@dataclass(frozen=True)
class Sizes:
    pages: int
    crawl_pairs: int
    startup_pairs: int
    bloctel_lines: int
    import_runs: int
    lookups: int
    pipeline_items: int
    policies: int
    decision_urls: int
    scan_repeat: int
    load_requests: int
    growth_contacts: int
    growth_sources: int
    growth_pairs: int
    repeat: int = 5


FULL = Sizes(
    pages=5000,
    crawl_pairs=7,
    startup_pairs=5,
    bloctel_lines=10_000_000,
    import_runs=3,
    lookups=200_000,
    pipeline_items=10_000,
    policies=10_000,
    decision_urls=200_000,
    scan_repeat=20,
    load_requests=30_000,
    growth_contacts=1_000_000,
    growth_sources=10_000_000,
    growth_pairs=3,
)
QUICK = Sizes(
    pages=600,
    crawl_pairs=7,
    startup_pairs=5,
    bloctel_lines=1_000_000,
    import_runs=1,
    lookups=50_000,
    pipeline_items=2_000,
    policies=1_000,
    decision_urls=50_000,
    scan_repeat=5,
    load_requests=10_000,
    growth_contacts=50_000,
    growth_sources=500_000,
    growth_pairs=3,
)
# CONCURRENT_ITEMS values compared (issue 16 item 3): Scrapy's default first (a quick run
# with 1 as well measured it no better than 16).
CONCURRENT_ITEMS = (100, 16)
SECTIONS = (
    "server",
    "bloctel",
    "startup",
    "crawl",
    "profile",
    "pipeline",
    "decisions",
    "scan",
    "growth",
    "items",
    "thread",
    "offload",
)


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


class Runner:
    def __init__(self, args: argparse.Namespace, sizes: Sizes) -> None:
        self.args = args
        self.sizes = sizes
        self.workdir: Path = args.workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)  # nginx workers read the site from here
        self.today = datetime.now(UTC).date()
        self.results: dict[str, Any] = {
            "mode": "quick" if args.quick else "full",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "versions": versions(),
            "sizes": asdict(sizes),
            "crawl_settings": common_settings(16, "INFO", 900),
            "purpose": PURPOSE,
            "sections": {},
        }
        self.site = make_site(self.workdir / f"site-{sizes.pages}", sizes.pages, HOST)
        self.policy_dir = crawl_policies(self.workdir / "crawl-policies", HOST, self.today)
        self.big_db = self.workdir / f"bloctel-{sizes.bloctel_lines}.db"
        self.tiny_db = self.workdir / "bloctel-tiny.db"

    def section(self, name: str, body: Callable[[], dict[str, Any]]) -> None:
        if self.args.only and name not in self.args.only:
            return
        log(f"{name}: start")
        started = time.perf_counter()
        try:
            result = body()
            result["ok"] = True
        except Exception as exc:  # reported, and the other sections still run
            traceback.print_exc()
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:2000]}
        result["section_s"] = time.perf_counter() - started
        self.results["sections"][name] = result
        log(f"{name}: {'done' if result['ok'] else 'FAILED'} in {result['section_s']:.0f} s")

    # -- sections -----------------------------------------------------------------------

    def server_section(self, server: StaticServer) -> dict[str, Any]:
        paths = urls(self.site)
        n = self.sizes.load_requests
        python = loadtest.python_client(server, paths, requests=n, seconds=20)
        ab = loadtest.ab_client(server, "/fiche/00001.html", requests=n, seconds=20)
        return {"kind": server.kind, "python_client": python, "ab": ab}

    def bloctel_section(self) -> dict[str, Any]:
        bad = bloctel.check_heads()
        if bad:
            raise RuntimeError(f"number heads the product reads as invalid: {bad}")
        lines = self.sizes.bloctel_lines
        list_file = self.workdir / f"bloctel-{lines}.txt"
        t0 = time.perf_counter()
        generated = bloctel.generate(list_file, lines)
        generated["seconds"] = time.perf_counter() - t0
        tiny_file = self.workdir / "bloctel-tiny.txt"
        bloctel.generate(tiny_file, 1000)
        runs = []
        for index in range(self.sizes.import_runs):
            target = self.big_db if index == self.sizes.import_runs - 1 else self.workdir / "x.db"
            _remove_db(target)
            run = run_worker(
                "bench.bloctel",
                ["import", "--db", str(target), "--file", str(list_file)],
                timeout=900,
            )
            runs.append(
                {**run.data, "process_wall_s": run.wall_s, "process_max_rss_mb": run.max_rss_mb}
            )
            log(f"  import {index + 1}: {run.data['seconds']:.1f} s, {run.max_rss_mb:.0f} MB")
            if target != self.big_db:
                _remove_db(target)
        _remove_db(self.tiny_db)
        run_worker(
            "bench.bloctel",
            ["import", "--db", str(self.tiny_db), "--file", str(tiny_file)],
            timeout=120,
        )
        lookups = run_worker(
            "bench.bloctel",
            [
                "lookups",
                "--db",
                str(self.big_db),
                "--count",
                str(self.sizes.lookups),
                "--repeat",
                str(self.sizes.repeat),
            ],
            timeout=600,
        )
        return {
            "lines": lines,
            "generated": generated,
            "file_mb": list_file.stat().st_size / 1e6,
            "imports": runs,
            "lookups": lookups.data,
        }

    def pipeline_section(self) -> dict[str, Any]:
        db = crawl.fresh_db(self.big_db, self.workdir / "pipeline.db")
        run = run_worker(
            "bench.pipeline",
            [
                "--db",
                str(db),
                "--items",
                str(self.sizes.pipeline_items),
                "--repeat",
                str(self.sizes.repeat),
                "--profile",
                str(self.workdir / "pipeline.prof"),
            ],
            timeout=1800,
        )
        return {**run.data, "process_cpu_s": run.cpu_s, "process_wall_s": run.wall_s}

    def offload_section(self) -> dict[str, Any]:
        """Issue 16 item 1: the pipeline inline, its writes on a thread, or in a process."""
        db = crawl.fresh_db(self.big_db, self.workdir / "offload.db")
        run = run_worker(
            "bench.offload",
            ["--db", str(db), "--items", str(self.sizes.pipeline_items), "--rounds", "7"],
            timeout=1800,
        )
        return run.data

    def decisions_section(self) -> dict[str, Any]:
        run = run_worker(
            "bench.decisions",
            [
                "--policies",
                str(self.sizes.policies),
                "--urls",
                str(self.sizes.decision_urls),
                "--repeat",
                str(self.sizes.repeat),
                "--workdir",
                str(self.workdir),
            ],
            timeout=900,
        )
        return run.data

    def scan_section(self) -> dict[str, Any]:
        run = run_worker(
            "bench.scan",
            ["--repeat", str(self.sizes.scan_repeat), "--runs", str(self.sizes.repeat)],
            timeout=600,
        )
        return run.data

    # -- all ----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        sizes = self.sizes
        self.section("bloctel", self.bloctel_section)
        with StaticServer(self.site.root, self.site.host, self.args.server) as server:
            log(f"static server: {server.kind} on {server.proxy}")
            setup = crawl.CrawlSetup(self.site, server, self.policy_dir, self.workdir)
            self.section("server", lambda: self.server_section(server))
            self.section(
                "startup",
                lambda: crawl.startup(setup, self.tiny_db, self.big_db, sizes.startup_pairs, log),
            )
            self.section("crawl", lambda: crawl.compare(setup, self.big_db, sizes.crawl_pairs, log))
            if self.args.profiler != "none":
                self.section("profile", lambda: self.profile_section(setup))
            self.section("growth", lambda: self.growth_section(setup))
            self.section(
                "items",
                lambda: crawl.concurrent_items(
                    setup, self.big_db, CONCURRENT_ITEMS, sizes.growth_pairs, log
                ),
            )
            self.section(
                "thread",
                lambda: crawl.write_thread(setup, self.big_db, sizes.crawl_pairs, log),
            )
        self.section("pipeline", self.pipeline_section)
        self.section("offload", self.offload_section)
        self.section("decisions", self.decisions_section)
        self.section("scan", self.scan_section)
        return self.results

    def growth_section(self, setup: crawl.CrawlSetup) -> dict[str, Any]:
        sizes = self.sizes
        if not self.big_db.exists():
            raise RuntimeError(f"{self.big_db} is missing: run the bloctel section first")
        big = self.workdir / f"growth-{sizes.growth_contacts}.db"
        log(f"  building the big store ({sizes.growth_contacts:,} contacts)")
        built = run_worker(
            "bench.growth",
            [
                "build",
                "--template",
                str(self.big_db),
                "--db",
                str(big),
                "--contacts",
                str(sizes.growth_contacts),
                "--sources",
                str(sizes.growth_sources),
            ],
            timeout=3600,
        ).data
        pipeline = growth.pipelines(
            self.big_db,
            big,
            self.workdir,
            sizes.pipeline_items // 2,
            3,
            sizes.growth_pairs,
            log,
        )
        crawled = growth.crawls(setup, self.big_db, big, sizes.growth_pairs, log)
        return {
            "contacts": sizes.growth_contacts,
            "sources": sizes.growth_sources,
            "build": built,
            "pipeline": pipeline,
            "crawl": crawled,
        }

    def profile_section(self, setup: crawl.CrawlSetup) -> dict[str, Any]:
        found = crawl.profile(setup, self.big_db, self.args.profiler)
        return {mode: asdict(p) for mode, p in found.items()} | {"pages": self.site.pages}


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".key", ".audit-head", ".audit-key"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto")
    parser.add_argument(
        "--profiler", choices=("auto", "py-spy", "cprofile", "none"), default="auto"
    )
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--no-write", action="store_true", help="do not touch --output")
    parser.add_argument(
        "--render", type=Path, metavar="RESULTS_JSON", help="only rewrite --output from results"
    )
    args = parser.parse_args(argv)
    if args.render is not None:
        write_report(args.output, json.loads(args.render.read_text(encoding="utf-8")))
        log(f"report: {args.output}")
        return
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    results = Runner(args, sizes).run()
    if not args.only:
        results["total_s"] = time.perf_counter() - started
    out = args.workdir / f"results-{results['mode']}.json"
    if args.only and out.exists():  # a partial run updates the sections it ran
        previous = json.loads(out.read_text(encoding="utf-8"))
        previous["sections"].update(results["sections"])
        results = previous
    out.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    log(f"results: {out}")
    if not args.no_write:
        write_report(args.output, results)
        log(f"report: {args.output}")


if __name__ == "__main__":
    main()
